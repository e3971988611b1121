import type { Command } from 'commander';
import { type GlobalOptions, readGlobalOptions } from '../globalOptions.ts';
import { addTargetOptions, type TargetInput, toRequestOptions } from '../targetOptions.ts';

export interface ServeDependencies {
  readonly print: (line: string) => void;
  readonly note: (line: string) => void;
  readonly untilInterrupted: () => Promise<void>;
}

/**
 * `stscreds serve`: a container-credentials endpoint for a target account, on loopback,
 * until interrupted. It prints the two variables a process needs to use it.
 *
 * @example
 * await runServe({ account: 'prod' }, globals, deps); // export AWS_CONTAINER_CREDENTIALS_FULL_URI=…
 */
export async function runServe(
  input: TargetInput,
  globals: GlobalOptions,
  deps: ServeDependencies,
): Promise<number> {
  const [{ fromStsCreds }, { startCredentialServer }, { describeFailure }] = await Promise.all([
    import('../brokerClient.ts'),
    import('../server/startCredentialServer.ts'),
    import('../describeFailure.ts'),
  ]);
  const server = await startCredentialServer(fromStsCreds(toRequestOptions(input, globals)), (error) =>
    deps.note(describeFailure(error).line),
  );
  try {
    deps.print(`export AWS_CONTAINER_CREDENTIALS_FULL_URI='${server.uri}'`);
    deps.print(`export AWS_CONTAINER_AUTHORIZATION_TOKEN='${server.token}'`);
    deps.note('stscreds: serving until Ctrl-C');
    await deps.untilInterrupted();
    return 0;
  } finally {
    await server.close();
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
  $ stscreds serve prod          # prints two export lines; paste them where the job runs`,
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
