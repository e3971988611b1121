import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Command } from 'commander';
import { type GlobalOptions, readGlobalOptions } from '../globalOptions.ts';
import { type TargetInput, toRequestOptions } from '../requestOptions.ts';
import { STALE_CREDENTIAL_VARIABLES } from '../server/staleCredentialVariables.ts';
import { addTargetOptions } from '../targetOptions.ts';
import { fetchCredentials } from './get.ts';

export interface ExecInput extends TargetInput {
  readonly command: readonly string[];
  /** Serve refreshing credentials to the child instead of handing it fixed keys. */
  readonly server: boolean;
  readonly cache: boolean;
}

/** The child's environment: the parent's, less stale credentials, plus `credentials`. */
export function childEnvironment(
  parent: NodeJS.ProcessEnv,
  credentials: Record<string, string>,
): NodeJS.ProcessEnv {
  const env = { ...parent };
  for (const name of STALE_CREDENTIAL_VARIABLES) delete env[name];
  return { ...env, ...credentials };
}

const NOT_FOUND = 127;
const CANNOT_RUN = 126;

const run = (command: readonly string[], env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((resolve, reject) => {
    const [file, ...args] = command;
    if (!file) return reject(new Error('exec needs a command after --'));
    const child = spawn(file, args, { env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map(
      (signal) => [signal, forward(signal)] as const,
    );
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const done = (): void => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      done();
      // As shells answer: 127 when the command is not found, 126 when it cannot be run.
      const code = error.code === 'ENOENT' ? NOT_FOUND : error.code === 'EACCES' ? CANNOT_RUN : undefined;
      if (code === undefined) return reject(new Error(`cannot run ${file}: ${error.message}`));
      process.stderr.write(
        `stscreds: ${file}: ${code === NOT_FOUND ? 'command not found' : 'permission denied'}\n`,
      );
      resolve(code);
    });
    child.once('exit', (code, signal) => {
      done();
      // A child killed by a signal exits as shells report it: 128 + the signal's number.
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });

/**
 * `stscreds exec`: runs a command with credentials for a target account, and answers its
 * exit code. With `server`, the child gets a container-credentials endpoint that keeps its
 * credentials fresh instead of fixed keys, and shared config files of its own that keep the
 * region and endpoints but hold no credentials, so that it acts as the target whatever the
 * user's files and `AWS_PROFILE` say.
 *
 * @example
 * const code = await runExec({ account: 'prod', command: ['aws', 's3', 'ls'], server: false, cache: true }, globals);
 */
export async function runExec(
  input: ExecInput,
  globals: GlobalOptions,
  parentEnv = process.env,
): Promise<number> {
  const request = toRequestOptions(input, globals);
  if (input.server) {
    const [{ fromStsCreds }, { startCredentialServer }, { writeChildConfig }] = await Promise.all([
      import('../credentialProvider.ts'),
      import('../server/startCredentialServer.ts'),
      import('../server/writeChildConfig.ts'),
    ]);
    const server = await startCredentialServer(fromStsCreds(request));
    // The shared files rank above the container provider in every SDK: the child gets its own.
    const files = await writeChildConfig(parentEnv);
    try {
      return await run(
        input.command,
        childEnvironment(parentEnv, {
          ...files.env,
          AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: server.token,
        }),
      );
    } finally {
      await Promise.all([server.close(), files.remove()]);
    }
  }
  const c = await fetchCredentials(request, globals, { cache: input.cache });
  return run(
    input.command,
    childEnvironment(parentEnv, {
      AWS_ACCESS_KEY_ID: c.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
      AWS_SESSION_TOKEN: c.SessionToken,
      AWS_CREDENTIAL_EXPIRATION: c.Expiration,
    }),
  );
}

export function registerExecCommand(program: Command, setExitCode: (code: number) => void): void {
  addTargetOptions(
    program
      .command('exec')
      .argument('<account>', 'the target account id, or an alias of the access policy')
      .argument('<command...>', 'the command to run, after --')
      .description("run a command with a target account's credentials in its environment")
      .option('--server', 'serve refreshing credentials to the command instead of fixed keys', false)
      .option('--no-cache', 'always ask the broker, and keep nothing on disk'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ stscreds exec prod -- aws s3 ls
  $ stscreds exec staging --server -- terraform apply   # credentials stay fresh past one hour

The command's exit code is stscreds' exit code.`,
    )
    .action(
      async (
        account: string,
        command: string[],
        options: { server: boolean; cache: boolean } & TargetInput,
      ) => {
        setExitCode(await runExec({ ...options, account, command }, readGlobalOptions(program)));
      },
    );
}
