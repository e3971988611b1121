import type { Command } from 'commander';
import { type GlobalOptions, readGlobalOptions } from '../globalOptions.ts';
import { type TargetInput, toRequestOptions } from '../requestOptions.ts';
import { STALE_CREDENTIAL_VARIABLES } from '../server/staleCredentialVariables.ts';
import { addTargetOptions } from '../targetOptions.ts';

export interface ServeDependencies {
  readonly print: (line: string) => void;
  readonly note: (line: string) => void;
  readonly untilInterrupted: () => Promise<void>;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * `stscreds serve`: a container-credentials endpoint for a target account, on loopback,
 * until interrupted. It prints the shell lines a process needs to act as the target: the
 * endpoint and its token, shared config files of its own (the region and endpoints of the
 * profile in effect, no credentials) that live as long as the server, and an `unset` of every
 * variable that would make an SDK find other credentials first.
 *
 * @example
 * await runServe({ account: 'prod' }, globals, deps); // export AWS_CONTAINER_CREDENTIALS_FULL_URI=…
 */
export async function runServe(
  input: TargetInput,
  globals: GlobalOptions,
  deps: ServeDependencies,
): Promise<number> {
  const [{ fromStsCreds }, { startCredentialServer }, { describeFailure }, { writeChildConfig }] =
    await Promise.all([
      import('../credentialProvider.ts'),
      import('../server/startCredentialServer.ts'),
      import('../describeFailure.ts'),
      import('../server/writeChildConfig.ts'),
    ]);
  const server = await startCredentialServer(fromStsCreds(toRequestOptions(input, globals)), (error) =>
    deps.note(describeFailure(error).line),
  );
  const files = await writeChildConfig(deps.env ?? process.env);
  try {
    deps.print(`unset ${STALE_CREDENTIAL_VARIABLES.join(' ')}`);
    deps.print(`export AWS_CONFIG_FILE='${files.env.AWS_CONFIG_FILE}'`);
    deps.print(`export AWS_SHARED_CREDENTIALS_FILE='${files.env.AWS_SHARED_CREDENTIALS_FILE}'`);
    deps.print(`export AWS_CONTAINER_CREDENTIALS_FULL_URI='${server.uri}'`);
    deps.print(`export AWS_CONTAINER_AUTHORIZATION_TOKEN='${server.token}'`);
    deps.note('stscreds: serving until Ctrl-C');
    await deps.untilInterrupted();
    return 0;
  } finally {
    await Promise.all([server.close(), files.remove()]);
  }
}

export function registerServeCommand(
  program: Command,
  setExitCode: (code: number) => void,
  untilInterrupted: () => Promise<void>,
): void {
  addTargetOptions(
    program
      .command('serve')
      .argument('<account>', 'the target account id, or an alias of the access policy')
      .description("serve refreshing credentials on 127.0.0.1 for the SDKs' container provider"),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ stscreds serve prod          # prints shell lines; paste them where the job runs`,
    )
    .action(async (account: string, options: TargetInput) => {
      setExitCode(
        await runServe({ ...options, account }, readGlobalOptions(program), {
          print: (line) => process.stdout.write(`${line}\n`),
          note: (line) => process.stderr.write(`${line}\n`),
          untilInterrupted,
        }),
      );
    });
}
