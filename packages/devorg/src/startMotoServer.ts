import { type ChildProcess, spawn } from 'node:child_process';

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

const motoEnv = (): NodeJS.ProcessEnv => {
  // MOTO_ACCOUNT_ID would force every request into one account; accounts come from credentials.
  const { MOTO_ACCOUNT_ID: _forced, ...inherited } = process.env;
  return {
    ...inherited,
    MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
    // Auth stays off while the organization is seeded, then enforceAuth() turns it on.
    INITIAL_NO_AUTH_ACTION_COUNT: '1000000',
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
  const child = spawn(command, ['-H', '127.0.0.1', '-p', '0'], {
    env: motoEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
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
