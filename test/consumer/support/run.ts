import { execFile } from 'node:child_process';

export interface RunOptions {
  readonly cwd: string;
  /** Added to the clean environment. */
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment a person's shell would give: this process's, without what npm and the
 * workspace add (npm_* settings, the `@stscreds/source` condition in NODE_OPTIONS), so that
 * a consumer project resolves what it installed and nothing of the repository's.
 */
export const cleanEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(npm_|NODE_OPTIONS$|INIT_CWD$|AWS_|VITEST|TEST$)/i.test(name),
    ),
  ),
  NODE_NO_WARNINGS: '1',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  ...extra,
});

/**
 * Runs a command as a consumer would, in a clean environment, and answers its exit code and
 * output (never throwing on a non-zero exit, so that a test can say what went wrong).
 *
 * @example
 * const { code, stdout } = await run('npm', ['install'], { cwd: project });
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd, env: cleanEnv(options.env), maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
