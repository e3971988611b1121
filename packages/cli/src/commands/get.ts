import { resolveRequest, type StsCredsRequestOptions } from '@stscreds/client';
import type { CredentialResponse } from '@stscreds/contract';
import { type Command, Option } from 'commander';
import { staticCallerCredentials } from '../cache/staticCallerCredentials.ts';
import { FORMATS, type Format, formatCredentials } from '../formatCredentials.ts';
import { type GlobalOptions, readGlobalOptions } from '../globalOptions.ts';
import { type TargetInput, toRequestOptions } from '../requestOptions.ts';
import { addTargetOptions } from '../targetOptions.ts';

export interface GetInput extends TargetInput {
  readonly format: Format;
  readonly cache: boolean;
}

export interface GetDependencies {
  readonly print: (text: string) => void;
  readonly note: (line: string) => void;
  readonly shell: string | undefined;
  readonly cacheDir?: string;
}

/**
 * Fetches credentials, through the on-disk cache unless it is turned off. The cache key is
 * the requester's: the caller (its access key id and a digest of its secret, from its own
 * credentials, so no STS call) and everything that decides the answer as resolved, the Lambda
 * endpoint that answers included, whether it came from `--endpoint`, `AWS_ENDPOINT_URL_LAMBDA`,
 * `AWS_ENDPOINT_URL` or the profile's `services` section. For a caller of static keys, the
 * key is computed, a cached answer served and the broker asked without loading the AWS SDK's
 * clients or credential providers.
 */
export async function fetchCredentials(
  request: StsCredsRequestOptions,
  globals: GlobalOptions,
  options: { cache: boolean; cacheDir?: string | undefined; note?: (line: string) => void },
): Promise<CredentialResponse> {
  if (globals.verbose && options.note) {
    const resolved = resolveRequest(request);
    const endpoint = (await resolved.lambdaEndpoint()) ?? `https://lambda.${resolved.region}.amazonaws.com`;
    const via = request.functionUrl ? `its Function URL ${request.functionUrl}` : endpoint;
    const caller = request.profile ? `profile ${request.profile}` : 'from the default credential chain';
    const audience = (() => {
      try {
        return resolved.audience();
      } catch {
        return '(none)';
      }
    })();
    options.note(
      `stscreds: broker ${resolved.functionName} in ${resolved.region} at ${via}, audience ${audience}, identity proof for ${await resolved.stsEndpoint()}, caller ${caller}, cache ${options.cache ? 'on' : 'off'}`,
    );
  }
  // Static keys are read as the SDK reads them, without loading its credential providers, and
  // the request is signed with exactly the keys the cache key names; for any other caller the
  // SDK resolves the credentials.
  const staticCaller = request.credentials ? undefined : await staticCallerCredentials(request.profile);
  const asked = staticCaller ? { ...request, credentials: staticCaller } : request;
  // The client is loaded only when the broker is asked: a cache hit needs none of it.
  const requester = async () => (await import('../brokerClient.ts')).createCredentialRequester(asked);
  if (!options.cache) return (await requester()).request();
  const key = staticCaller
    ? await resolveRequest(asked).cacheKey(staticCaller)
    : await (await requester()).cacheKey();
  const fetch = async (): Promise<CredentialResponse> => (await requester()).request();
  const { cachedCredentials } = await import('../cache/cachedCredentials.ts');
  return cachedCredentials(key, fetch, {
    ...(options.cacheDir && { dir: options.cacheDir }),
    ...(options.note && { note: options.note }),
  });
}

/**
 * `stscreds get`: credentials for a target account, printed in the chosen format.
 *
 * @example
 * await runGet({ account: 'prod', format: 'process', cache: true }, globals, deps);
 */
export async function runGet(
  input: GetInput,
  globals: GlobalOptions,
  deps: GetDependencies,
): Promise<number> {
  const credentials = await fetchCredentials(toRequestOptions(input, globals), globals, {
    cache: input.cache,
    cacheDir: deps.cacheDir,
    note: deps.note,
  });
  if (globals.verbose) {
    const { redactKeyId } = await import('@stscreds/contract');
    deps.note(
      `stscreds: ${redactKeyId(credentials.AccessKeyId)} for ${credentials.AssumedRoleArn}, expiring ${credentials.Expiration}`,
    );
  }
  deps.print(formatCredentials(credentials, input.format, deps.shell));
  return 0;
}

/**
 * Declares `get` on the program. `run` does the work (default: {@link runGet}); tests give
 * their own to see what a command line asks for.
 */
export function registerGetCommand(
  program: Command,
  setExitCode: (code: number) => void,
  run: typeof runGet = runGet,
): void {
  addTargetOptions(
    program
      .command('get')
      .argument('<account>', 'the target account id, or an alias of the access policy')
      .description('print credentials for a target account')
      .addOption(
        new Option('--format <format>', 'json, process (credential_process), env or shell')
          .choices(FORMATS)
          .default('json'),
      )
      .option('--no-cache', 'always ask the broker, and keep nothing on disk'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ stscreds get 222222222222 --profile alice
  $ stscreds get prod --format process            # for credential_process
  $ eval "$(stscreds get staging --format shell)"`,
    )
    .action(async (account: string, options: Omit<GetInput, 'account'>) => {
      setExitCode(
        await run({ ...options, account }, readGlobalOptions(program), {
          print: (text) => process.stdout.write(`${text}\n`),
          note: (line) => process.stderr.write(`${line}\n`),
          shell: process.env.SHELL,
        }),
      );
    });
}
