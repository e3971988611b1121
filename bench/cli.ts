import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createCredentialRequester } from '@stscreds/client';
import type { DevOrg } from '@stscreds/devorg';
import { median } from './stats.ts';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '..');

/** Wall and CPU time of one kind of run: the median wall time, and the mean CPU time (user + system). */
export interface RunTimes {
  readonly wallMs: number;
  readonly cpuMs: number;
}

export interface CliTimes {
  /** Which Node.js, in which environment: the caller's as it is, or a variant of it. */
  readonly label: string;
  readonly runs: number;
  readonly node: RunTimes;
  /** The profile's credential_process command line, served from the warm disk cache. */
  readonly cached: RunTimes;
  /** The same with --no-cache: one round trip to the broker. */
  readonly uncached: RunTimes;
  /** One request to the broker made in-process with the client, as the uncached CLI makes it. */
  readonly roundTripMs: number;
  readonly cachedRatio: number;
  readonly cachedCpuRatio: number;
  /** What the uncached run costs over Node.js's start and the round trip. */
  readonly uncachedOverheadMs: number;
}

/** Another Node.js, or the caller's environment less some variables, to time the CLI under too. */
export interface CliVariant {
  readonly label: string;
  /** The Node.js binary. Default: the one running the benchmark. */
  readonly node?: string;
  /** Variables of the caller's environment to leave out. */
  readonly withoutEnv?: readonly string[];
}

/**
 * The variants `npm run bench` times besides the caller's environment: without
 * `NODE_EXTRA_CA_CERTS` where it is set (Node.js 20 reads it at every start, and a leaner
 * start makes the CLI's own share larger), and each Node.js binary that
 * `STSCREDS_BENCH_NODES` names (a colon-separated list of paths).
 */
export function cliVariants(env: NodeJS.ProcessEnv = process.env): CliVariant[] {
  return [
    ...(env.NODE_EXTRA_CA_CERTS
      ? [
          {
            label: `Node.js ${process.version}, without NODE_EXTRA_CA_CERTS`,
            withoutEnv: ['NODE_EXTRA_CA_CERTS'],
          },
        ]
      : []),
    ...(env.STSCREDS_BENCH_NODES ?? '')
      .split(':')
      .filter(Boolean)
      .map((node) => ({ label: node, node })),
  ];
}

const omit = (env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));

/** CPU time, in clock ticks, of this process's children that have been waited for (Linux). */
const childTicks = async (): Promise<number> => {
  const stat = await readFile('/proc/self/stat', 'utf8');
  // Fields after the command name, which sits in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]);
};

const timeOne = async (
  command: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ wallMs: number; ticks: number }> => {
  const before = await childTicks();
  const started = performance.now();
  const [file, ...args] = command as [string, ...string[]];
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', fail);
    child.once('exit', done);
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`${command.join(' ')} exited ${code}`);
  return { wallMs, ticks: (await childTicks()) - before };
};

/** Packs the CLI as it ships and installs the tarball into `dir`, as a user would. */
export async function installPackedCli(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await run('npm', ['pack', '--silent', '--pack-destination', dir, '-w', '@stscreds/cli'], { cwd: REPO });
  const tarball = (await readdir(dir)).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  const prefix = join(dir, 'install');
  await run(
    'npm',
    ['install', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', '--silent', join(dir, tarball)],
    { cwd: dir },
  );
  return join(prefix, 'node_modules/@stscreds/cli/bin/stscreds.js');
}

/**
 * The installed CLI as credential_process runs it, against `node -e 0` in the same run:
 * paired, alternating runs of each, with a warm disk cache and without one.
 */
export async function measureCli(
  org: DevOrg,
  bin: string,
  cacheDir: string,
  runs = 20,
  variant: CliVariant = { label: `Node.js ${process.version}, the caller's environment` },
): Promise<CliTimes> {
  const { stdout: clockTicks } = await run('getconf', ['CLK_TCK']);
  const msPerTick = 1000 / Number(clockTicks.trim());
  // The caller's environment, as the AWS CLI hands it to credential_process: what Node.js does
  // at every start (NODE_EXTRA_CA_CERTS, for one, costs it tens of milliseconds) counts for both.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      // NODE_OPTIONS carries the workspace's source condition, which an installed CLI never sees.
      ([name]) => !name.startsWith('AWS_') && !name.startsWith('STSCREDS_') && name !== 'NODE_OPTIONS',
    ),
  );
  const env: NodeJS.ProcessEnv = {
    ...(variant.withoutEnv ? omit(inherited, variant.withoutEnv) : inherited),
    ...org.environment,
    XDG_CACHE_HOME: cacheDir,
  };
  const node = variant.node ?? process.execPath;
  const get = [node, bin, 'get', 'prod', '--format', 'process', '--profile', 'alice'];
  const commands = {
    node: [node, '-e', '0'],
    cached: get,
    uncached: [...get, '--no-cache'],
  };
  // One discarded round warms the file cache and fills the credential cache.
  for (const command of Object.values(commands)) await timeOne(command, env);
  const times = { node: [] as number[], cached: [] as number[], uncached: [] as number[] };
  const ticks = { node: 0, cached: 0, uncached: 0 };
  const kinds = Object.keys(commands) as (keyof typeof commands)[];
  for (let i = 0; i < runs; i += 1) {
    // Rotate the order, so that no kind always runs right after another.
    for (const kind of [...kinds.slice(i % 3), ...kinds.slice(0, i % 3)]) {
      const one = await timeOne(commands[kind], env);
      times[kind].push(one.wallMs);
      ticks[kind] += one.ticks;
    }
  }
  const of = (kind: keyof typeof commands): RunTimes => ({
    wallMs: median(times[kind]),
    cpuMs: (ticks[kind] * msPerTick) / runs,
  });
  const roundTripMs = await measureRoundTrip(env, runs);
  const label = variant.node
    ? `Node.js ${(await run(variant.node, ['--version'])).stdout.trim()}${variant.withoutEnv ? `, without ${variant.withoutEnv.join(', ')}` : ''}`
    : variant.label;
  const bare = of('node');
  const cached = of('cached');
  const uncached = of('uncached');
  return {
    label,
    runs,
    node: bare,
    cached,
    uncached,
    roundTripMs,
    cachedRatio: cached.wallMs / bare.wallMs,
    cachedCpuRatio: cached.cpuMs / bare.cpuMs,
    uncachedOverheadMs: uncached.wallMs - bare.wallMs - roundTripMs,
  };
}

/** The median of in-process requests to the broker with the client, under the CLI's environment. */
const measureRoundTrip = async (env: NodeJS.ProcessEnv, runs: number): Promise<number> => {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    // A new client each time, as each CLI process makes its own connection.
    const ask = () =>
      createCredentialRequester({
        accountId: 'prod',
        profile: 'alice',
        audience: env.STSCREDS_AUDIENCE,
      }).request();
    await ask();
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const started = performance.now();
      await ask();
      times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    for (const name of Object.keys(env)) delete process.env[name];
    Object.assign(process.env, saved);
  }
};
