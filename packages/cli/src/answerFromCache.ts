import { parseArgs } from 'node:util';
import { resolveRequest, type StsCredsRequestOptions } from '@stscreds/client';
import { peekCachedCredentials } from './cache/cacheEntry.ts';
import { staticCallerCredentials } from './cache/staticCallerCredentials.ts';
import { FORMATS, type Format, formatCredentials } from './formatCredentials.ts';
import { type GlobalOptions, globalDefaults } from './globalOptions.ts';
import { durationSeconds, toRequestOptions } from './requestOptions.ts';

/** `get`'s own options, which commander reads only after the command's name. */
const GET_OPTIONS = new Set(['format', 'role', 'duration', 'session-name', 'policy-arn']);

/** The options of `stscreds get` and the program's shared ones, as `--name value` pairs. */
export const OPTIONS = {
  function: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'function-url': { type: 'string' },
  profile: { type: 'string' },
  audience: { type: 'string' },
  format: { type: 'string' },
  role: { type: 'string' },
  duration: { type: 'string' },
  'session-name': { type: 'string' },
  'policy-arn': { type: 'string', multiple: true },
} as const;

const parse = (args: string[]) =>
  parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });

/** A `get` command line that a cached answer may serve: what it asks for, and in which form. */
export interface CachedGet {
  readonly request: StsCredsRequestOptions;
  readonly format: Format;
}

/**
 * Reads a command line as `stscreds get` would, when it is one that only a cache hit or the
 * broker can answer: `get <account>` with `get`'s options after `get` and the shared ones
 * anywhere, each as a `--name value` pair, once (`--policy-arn` may repeat), with the same
 * defaults.
 * Anything else is `undefined`, and left to the whole CLI: help, `--version`, `--verbose`,
 * `--no-cache`, an unknown or misspelt option, `--name=value`, `--`, a repeated option, a
 * value commander would refuse (a format or duration), another command.
 *
 * @example
 * cachedGetOf(['node', 'stscreds', 'get', 'prod', '--format', 'process']); // { request: { accountId: 'prod', … }, format: 'process' }
 */
export function cachedGetOf(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): CachedGet | undefined {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv.slice(2));
  } catch {
    return undefined;
  }
  const { values, positionals, tokens } = parsed;
  if (positionals.length !== 2 || positionals[0] !== 'get') return undefined;
  const command = tokens.find((token) => token.kind === 'positional')?.index ?? 0;
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'option-terminator') return undefined;
    if (token.kind !== 'option') continue;
    if (token.inlineValue || token.rawName !== `--${token.name}`) return undefined;
    if (token.name !== 'policy-arn' && seen.has(token.name)) return undefined;
    if (GET_OPTIONS.has(token.name) && token.index < command) return undefined;
    seen.add(token.name);
  }
  const format = (values.format ?? 'json') as Format;
  if (!FORMATS.includes(format)) return undefined;
  const duration = values.duration === undefined ? undefined : durationSeconds(values.duration);
  if (values.duration !== undefined && duration === undefined) return undefined;
  const defaults = globalDefaults(env);
  const globals: GlobalOptions = {
    functionName: values.function ?? defaults.functionName,
    region: values.region ?? defaults.region,
    endpoint: values.endpoint,
    functionUrl: values['function-url'],
    profile: values.profile ?? env.AWS_PROFILE,
    audience: values.audience ?? defaults.audience,
    verbose: false,
  };
  const target = {
    account: positionals[1] as string,
    role: values.role,
    duration,
    sessionName: values['session-name'],
    policyArn: values['policy-arn'],
  };
  return { request: toRequestOptions(target, globals), format };
}

/**
 * Answers a `get` command line from the credential cache, before the CLI itself loads: the
 * path every `credential_process` call takes while its credentials are fresh. For a caller
 * of static keys, the cache key is computed as `get` computes it and the entry read as `get`
 * reads it ({@link peekCachedCredentials}); the answer is the text `get` would print.
 * `undefined` (anything but a trusted, servable hit for such a caller and command line)
 * leaves the command to the whole CLI, which asks the broker, locks and writes.
 *
 * @example
 * const text = await answerFromCache(process.argv); // undefined: run main()
 */
export async function answerFromCache(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const get = cachedGetOf(argv, env);
  if (!get) return undefined;
  const caller = await staticCallerCredentials(get.request.profile);
  if (!caller) return undefined;
  const key = await resolveRequest({ ...get.request, credentials: caller }).cacheKey(caller);
  const hit = await peekCachedCredentials(key);
  return hit && formatCredentials(hit, get.format, env.SHELL);
}
