import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRequest } from '@stscreds/client';
import type { CredentialResponse } from '@stscreds/contract';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerFromCache, cachedGetOf, OPTIONS } from '../src/answerFromCache.ts';
import { cachedCredentials } from '../src/cache/cachedCredentials.ts';
import { entryPath } from '../src/cache/cacheEntry.ts';
import { type GetInput, registerGetCommand } from '../src/commands/get.ts';
import { formatCredentials } from '../src/formatCredentials.ts';
import type { GlobalOptions } from '../src/globalOptions.ts';
import { createProgram } from '../src/main.ts';
import { toRequestOptions } from '../src/requestOptions.ts';

const argv = (...args: string[]) => ['node', 'stscreds', ...args];

/** What commander makes of a command line: the request and format `get` would run with, or why not. */
const commanderOf = async (args: string[], env: NodeJS.ProcessEnv) => {
  const saved = process.env;
  process.env = env;
  try {
    let seen: { input: GetInput; globals: GlobalOptions } | undefined;
    const program = createProgram().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    registerGetCommand(
      program,
      () => {},
      async (input, globals) => {
        seen = { input, globals };
        return 0;
      },
    );
    for (const command of program.commands)
      command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    await program.parseAsync(argv(...args)).catch(() => undefined);
    if (!seen) return 'refused';
    return {
      request: toRequestOptions(seen.input, seen.globals),
      format: seen.input.format,
      cache: seen.input.cache,
      verbose: seen.globals.verbose,
    };
  } finally {
    process.env = saved;
  }
};

const GLOBAL = ['--function', '--region', '--endpoint', '--function-url', '--profile', '--audience'];
const OWN = ['--format', '--role', '--duration', '--session-name', '--policy-arn'];
const text = fc.oneof(
  { arbitrary: fc.constantFrom('prod', 'get', 'dev', 'process', 'alice', 'ü', 'a b', ''), weight: 4 },
  { arbitrary: fc.constantFrom('a=b', '-x', '--', '--format'), weight: 1 },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 2 },
);
/** A value for an option, mostly one commander accepts. */
const valueFor = (name: string) => {
  if (name === '--format')
    return fc.oneof(
      { arbitrary: fc.constantFrom('json', 'process', 'env', 'shell'), weight: 5 },
      { arbitrary: text, weight: 1 },
    );
  if (name === '--duration')
    return fc.oneof(
      { arbitrary: fc.integer({ min: 900, max: 3600 }).map(String), weight: 5 },
      { arbitrary: fc.constantFrom('899', '3601', '1e3', '0x384', ' 900', '900.0', ''), weight: 2 },
    );
  return text;
};
/** Options once each (`--policy-arn` maybe twice), the shared ones before or after `get`. */
const options = fc
  .uniqueArray(fc.constantFrom(...GLOBAL, ...OWN, '--policy-arn'), { maxLength: 6 })
  .chain((names) =>
    fc.tuple(...names.map((name) => fc.tuple(fc.constant(name), valueFor(name), fc.boolean()))),
  );
/** What may spoil a command line, now and then. */
const spoiler = fc.constantFrom(
  ['--verbose'],
  ['--no-cache'],
  ['--help'],
  ['-V'],
  ['--'],
  ['--unknown', 'x'],
  ['--prof', 'alice'],
  ['--format=process'],
  ['--profile', 'again'],
  ['--role', 'again'],
  ['extra'],
);
const commandLine = fc
  .record({
    options,
    command: fc.constantFrom('get', 'get', 'get', 'get', 'whoami'),
    account: fc.oneof(
      { arbitrary: fc.constantFrom('prod', '222222222222', 'get', 'dev'), weight: 5 },
      { arbitrary: fc.constantFrom('-prod', ''), weight: 1 },
      { arbitrary: fc.string({ maxLength: 5 }), weight: 1 },
    ),
    spoil: fc.option(fc.tuple(spoiler, fc.boolean()), { nil: undefined, freq: 3 }),
  })
  .map(({ options, command, account, spoil }) => {
    const before: string[] = [];
    const after: string[] = [];
    for (const [name, value, early] of options) (early ? before : after).push(name, value);
    if (spoil) (spoil[1] ? before : after).push(...spoil[0]);
    return [...before, command, account, ...after];
  });

const ENV = {
  STSCREDS_FUNCTION: 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds',
  STSCREDS_AUDIENCE: 'aud-from-env',
  AWS_PROFILE: 'from-env',
};

describe('cachedGetOf', () => {
  it('reads a command line exactly as commander does, whenever it reads one at all', async () => {
    let read = 0;
    await fc.assert(
      fc.asyncProperty(commandLine, fc.constantFrom({}, ENV), async (args, env) => {
        const fast = cachedGetOf(argv(...args), env);
        if (fast === undefined) return;
        read += 1;
        const full = await commanderOf(args, env);
        expect(full).not.toBe('refused');
        expect(full).toEqual({ request: fast.request, format: fast.format, cache: true, verbose: false });
      }),
      { numRuns: 600 },
    );
    // The property says something only about the command lines it reads.
    expect(read).toBeGreaterThan(30);
  });

  it('knows every option of get and of the program, so that none decides the request unseen', () => {
    const program = createProgram();
    registerGetCommand(program, () => {});
    const get = program.commands.find((command) => command.name() === 'get');
    const declared = [...program.options, ...(get?.options ?? [])].map((option) =>
      option.long?.replace(/^--/, ''),
    );
    // Left to the whole CLI: what says something instead of asking, or asks without the cache.
    const leftToTheCli = ['version', 'verbose', 'no-cache'];
    expect(declared.filter((name) => !leftToTheCli.includes(name ?? '')).sort()).toEqual(
      Object.keys(OPTIONS).sort(),
    );
  });

  it('reads the command lines that stscreds profile writes', async () => {
    for (const args of [
      ['get', '222222222222', '--format', 'process'],
      ['get', 'prod', '--format', 'process', '--profile', 'alice', '--audience', 'aud'],
      ['--profile', 'alice', 'get', 'prod', '--format', 'process', '--role', 'deploy', '--duration', '900'],
      [
        'get',
        'prod',
        '--format',
        'process',
        '--policy-arn',
        'arn:a',
        '--policy-arn',
        'arn:b',
        '--session-name',
        's',
      ],
      [
        'get',
        'prod',
        '--format',
        'process',
        '--function',
        'f',
        '--region',
        'eu-west-1',
        '--endpoint',
        'http://127.0.0.1:1',
      ],
      ['get', 'prod', '--format', 'env', '--function-url', 'https://x.lambda-url.us-west-2.on.aws/'],
    ]) {
      const fast = cachedGetOf(argv(...args), {});
      expect(fast).toBeDefined();
      expect(await commanderOf(args, {})).toEqual({ ...fast, cache: true, verbose: false });
    }
  });

  it.each([
    [['--help']],
    [['get', '--help']],
    [['get', 'prod', '-h']],
    [['--version']],
    [['get', 'prod', '--verbose']],
    [['get', 'prod', '--no-cache']],
    [['get', 'prod', '--format=process']],
    [['get', 'prod', '--format', 'yaml']],
    [['get', 'prod', '--duration', '60']],
    [['get', 'prod', '--profile', 'a', '--profile', 'b']],
    [['get', 'prod', '--', '--format', 'process']],
    [['get', 'prod', 'extra']],
    [['get']],
    [['whoami', 'prod']],
    [['get', 'prod', '--prof', 'alice']],
    [['get', 'prod', '--unknown']],
  ])('leaves %j to the whole CLI', (args) => {
    expect(cachedGetOf(argv(...args), {})).toBeUndefined();
  });
});

describe('answerFromCache', () => {
  const CREDENTIALS: CredentialResponse = {
    Version: 1,
    AccessKeyId: 'ASIAISSUED0000000001',
    SecretAccessKey: 'issued-secret',
    SessionToken: 'issued-token',
    Expiration: new Date(Date.now() + 3600_000).toISOString(),
    AccountId: '222222222222',
    AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
  };
  let work: string;
  const saved = { ...process.env };
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'stscreds-fast-'));
    await writeFile(
      join(work, 'credentials'),
      '[alice]\naws_access_key_id = AKIACALLER0000000001\naws_secret_access_key = alice-secret\n',
    );
    for (const name of Object.keys(process.env))
      if (name.startsWith('AWS_') || name.startsWith('STSCREDS_')) delete process.env[name];
    process.env.AWS_CONFIG_FILE = join(work, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(work, 'credentials');
    process.env.AWS_ENDPOINT_URL_LAMBDA = 'http://127.0.0.1:1';
    process.env.AWS_ENDPOINT_URL_STS = 'http://127.0.0.1:2';
    process.env.XDG_CACHE_HOME = join(work, 'cache');
  });
  afterEach(async () => {
    process.env = { ...saved };
    await rm(work, { recursive: true, force: true });
  });

  const ARGS = argv('get', 'prod', '--format', 'process', '--profile', 'alice', '--audience', 'aud');
  /** Fills the cache as the whole `get` does, for the request of `args`. */
  const fill = async (args: string[], credentials = CREDENTIALS) => {
    const get = cachedGetOf(args);
    if (!get) throw new Error('not a cached get');
    const caller = { accessKeyId: 'AKIACALLER0000000001', secretAccessKey: 'alice-secret' };
    const key = await resolveRequest({ ...get.request, credentials: caller }).cacheKey(caller);
    await cachedCredentials(key, async () => credentials);
    return entryPath(join(work, 'cache', 'stscreds'), key);
  };

  it('answers what get prints, from the entry get wrote', async () => {
    await fill(ARGS);
    expect(await answerFromCache(ARGS)).toBe(formatCredentials(CREDENTIALS, 'process', undefined));
  });

  it('answers nothing for another request, another caller, or a caller the SDK must resolve', async () => {
    await fill(ARGS);
    expect(
      await answerFromCache(
        argv('get', 'staging', '--format', 'process', '--profile', 'alice', '--audience', 'aud'),
      ),
    ).toBeUndefined();
    expect(
      await answerFromCache(
        argv('get', 'prod', '--format', 'process', '--profile', 'alice', '--audience', 'other'),
      ),
    ).toBeUndefined();
    // New files, not rewritten ones: the SDK's parser keeps what it read of a path for the process.
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(work, 'credentials-rotated');
    await writeFile(
      process.env.AWS_SHARED_CREDENTIALS_FILE,
      '[alice]\naws_access_key_id = AKIACALLER0000000001\naws_secret_access_key = another-secret\n',
    );
    expect(await answerFromCache(ARGS)).toBeUndefined();
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(work, 'credentials');
    expect(await answerFromCache(ARGS)).toBeDefined();
    process.env.AWS_CONFIG_FILE = join(work, 'config-role');
    await writeFile(
      process.env.AWS_CONFIG_FILE,
      '[profile alice]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = alice\n',
    );
    expect(await answerFromCache(ARGS)).toBeUndefined();
  });

  it('answers nothing when get would ask the broker: too little time left', async () => {
    await fill(ARGS, { ...CREDENTIALS, Expiration: new Date(Date.now() + 10 * 60_000).toISOString() });
    expect(await answerFromCache(ARGS)).toBeUndefined();
  });

  it.each([
    [
      'a symlink to an entry',
      async (path: string) => {
        await rename(path, `${path}.real`);
        await symlink(`${path}.real`, path);
      },
    ],
    ['an entry others may write', (path: string) => chmod(path, 0o666)],
    [
      'a FIFO where the entry was',
      async (path: string) => {
        await rm(path);
        execFileSync('mkfifo', [path]);
      },
    ],
    [
      'an entry outside the contract',
      (path: string) =>
        writeFile(
          path,
          JSON.stringify({ credentials: { ...CREDENTIALS, AccountId: 'x' }, failures: 0, retryAt: 0 }),
          { mode: 0o600 },
        ),
    ],
    [
      'an entry with a key the contract does not name',
      (path: string) =>
        writeFile(
          path,
          JSON.stringify({ credentials: { ...CREDENTIALS, Extra: 1 }, failures: 0, retryAt: 0 }),
          { mode: 0o600 },
        ),
    ],
    ['a torn entry', (path: string) => writeFile(path, '{"credentials":{"Version":1,', { mode: 0o600 })],
  ])('answers nothing from %s, planted where get wrote, and never hangs', async (_, plant) => {
    const path = await fill(ARGS);
    await plant(path);
    expect(await answerFromCache(ARGS)).toBeUndefined();
  });

  it('answers nothing from a cache others may write', async () => {
    await fill(ARGS);
    await chmod(join(work, 'cache', 'stscreds'), 0o777);
    expect(await answerFromCache(ARGS)).toBeUndefined();
  });

  it('answers nothing, and writes nothing, when there is no cache at all', async () => {
    expect(await answerFromCache(ARGS)).toBeUndefined();
    await mkdir(join(work, 'cache'), { recursive: true });
    expect(await answerFromCache(ARGS)).toBeUndefined();
  });
});
