import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_ORG } from './defaults.ts';

/** A moto_server child process on a loopback port, and the calls that manage it. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** From now on moto checks signatures and enforces identity policies. */
  enforceAuth(): Promise<void>;
  /** Stops moto and its process group; safe to call more than once. */
  stop(): Promise<void>;
  /** moto's last lines of output, for explaining a failure. */
  recentOutput(): readonly string[];
}

export interface StartMotoServerOptions {
  /** The executable; `moto_server` on PATH by default. */
  readonly command?: string;
  /** How long moto may take to listen. Default: 30 s. */
  readonly startTimeoutMs?: number;
  /**
   * The account id Organizations' CreateAccount gives each account name, instead of a random
   * one. AWS never lets anyone choose an account id; existing accounts join an organization by
   * invitation, which moto does not implement. So that the local organization's existing target
   * accounts can be its members, moto's id draw is replaced for these names alone.
   *
   * @default - the local organization's targets, by alias: `{ prod: '222222222222', staging: '333333333333' }`
   */
  readonly memberAccountIds?: Readonly<Record<string, string>>;
}

/** moto_server is missing or would not start. */
export class MotoServerError extends Error {
  override readonly name = 'MotoServerError';
}

const INSTALL_HINT = 'Install it with: pip install "moto[server]"';
const READY_LINE = /Running on (http:\/\/127\.0\.0\.1:\d+)/;
const KEPT_OUTPUT_LINES = 200;
const STOP_GRACE_MS = 3000;

/** Every moto this process started, so that an abrupt exit still takes them down. */
const running = new Set<ChildProcess>();
const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
};
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/**
 * Loaded by moto_server's Python at start-up (through PYTHONPATH): CreateAccount for a name in
 * STSCREDS_MOTO_MEMBER_ACCOUNT_IDS gets that id; every other draw stays moto's own.
 */
const ACCOUNT_ID_PATCH = `import json, os, threading
_ids = json.loads(os.environ.get("STSCREDS_MOTO_MEMBER_ACCOUNT_IDS") or "{}")
if _ids:
    from moto.organizations import models as _models, utils as _utils
    _named = threading.local()
    _draw = _utils.make_random_account_id
    _init = _models.FakeAccount.__init__
    def _account_init(self, organization, **kwargs):
        _named.name = kwargs.get("AccountName")
        try:
            _init(self, organization, **kwargs)
        finally:
            _named.name = None
    def _account_id():
        name = getattr(_named, "name", None)
        return _ids.pop(name) if name in _ids else _draw()
    _models.FakeAccount.__init__ = _account_init
    _utils.make_random_account_id = _account_id
`;

const motoEnv = (patchDir: string | undefined, ids: Readonly<Record<string, string>>): NodeJS.ProcessEnv => {
  // MOTO_ACCOUNT_ID would force every request into one account; accounts come from credentials.
  const { MOTO_ACCOUNT_ID: _forced, ...inherited } = process.env;
  return {
    ...inherited,
    MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
    // Auth stays off while the organization is seeded, then enforceAuth() turns it on.
    INITIAL_NO_AUTH_ACTION_COUNT: '1000000',
    ...(patchDir && {
      PYTHONPATH: [patchDir, inherited.PYTHONPATH].filter(Boolean).join(':'),
      STSCREDS_MOTO_MEMBER_ACCOUNT_IDS: JSON.stringify(ids),
    }),
  };
};

/**
 * Starts moto_server on a free loopback port, with AWS managed policies loaded and
 * authentication off until {@link MotoServer.enforceAuth} is called.
 *
 * @throws {MotoServerError} when moto_server is not installed or does not come up.
 * @example
 * const moto = await startMotoServer();
 * try { … } finally { await moto.stop(); }
 */
export function startMotoServer(options: StartMotoServerOptions = {}): Promise<MotoServer> {
  const command = options.command ?? 'moto_server';
  const ids =
    options.memberAccountIds ?? Object.fromEntries(DEV_ORG.targets.map((t) => [t.alias, t.accountId]));
  const patchDir = Object.keys(ids).length > 0 ? mkdtempSync(join(tmpdir(), 'stscreds-moto-')) : undefined;
  if (patchDir) writeFileSync(join(patchDir, 'sitecustomize.py'), ACCOUNT_ID_PATCH);
  const child = spawn(command, ['-H', '127.0.0.1', '-p', '0'], {
    env: motoEnv(patchDir, ids),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  if (patchDir) void exited.then(() => rmSync(patchDir, { recursive: true, force: true }));
  void exited.then(() => running.delete(child));

  const stop = async (): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<MotoServer>((resolve, reject) => {
    const fail = (message: string): void => {
      void stop().then(() => reject(new MotoServerError(message)));
    };
    const timer = setTimeout(
      () =>
        fail(
          `moto_server did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output.join('\n')}`,
        ),
      options.startTimeoutMs ?? 30_000,
    );
    const onLine = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        if (output.length > KEPT_OUTPUT_LINES) output.shift();
        const ready = READY_LINE.exec(line);
        if (ready?.[1]) {
          clearTimeout(timer);
          const endpoint = ready[1];
          resolve({
            endpoint,
            stop,
            enforceAuth: () => resetAuth(endpoint),
            recentOutput: () => [...output],
          });
        }
      }
    };
    // Both pipes are drained for moto's whole life, or its request log would fill them and stall it.
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      running.delete(child);
      reject(
        new MotoServerError(
          error.code === 'ENOENT' ? `${command} was not found on PATH. ${INSTALL_HINT}` : error.message,
          { cause: error },
        ),
      );
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new MotoServerError(
          `moto_server exited (${signal ?? `code ${code}`}) before it was ready. ${INSTALL_HINT}\n${output.join('\n')}`,
        ),
      );
    });
  });
}

const resetAuth = async (endpoint: string): Promise<void> => {
  const response = await fetch(`${endpoint}/moto-api/reset-auth`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: '0',
  });
  if (!response.ok) {
    throw new MotoServerError(`moto refused to enforce authentication: HTTP ${response.status}`);
  }
};
