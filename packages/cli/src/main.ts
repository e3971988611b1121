import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { registerConsoleCommand } from './commands/console.ts';
import { registerDevCommand } from './commands/dev.ts';
import { registerDoctorCommand } from './commands/doctor.ts';
import { registerExecCommand } from './commands/exec.ts';
import { registerGetCommand } from './commands/get.ts';
import { registerPolicyCommand } from './commands/policy.ts';
import { registerProfileCommand } from './commands/profile.ts';
import { registerRevokeCommand } from './commands/revoke.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerVerifyCommand } from './commands/verify.ts';
import { registerWhoamiCommand } from './commands/whoami.ts';
import { EXIT_CODES } from './exitCodes.ts';
import { addGlobalOptions } from './globalOptions.ts';

const untilInterrupted = (): Promise<void> =>
  new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

/**
 * The `stscreds` program without its commands: its name, version, help and the options every
 * command shares. Parse errors throw, for the caller to turn into an exit code.
 */
export function createProgram(): Command {
  return addGlobalOptions(
    new Command('stscreds')
      .description('cross-account AWS credentials from the getSTScreds broker')
      .version(packageJson.version, '-V, --version', "print stscreds' version")
      .exitOverride()
      .showHelpAfterError()
      .configureHelp({ showGlobalOptions: true }),
  ).addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 unexpected, 2 usage, 3 AccessDenied, 4 ValidationError, 5 Throttled,
6 UpstreamError, 7 InternalError, 141 the reader closed the output pipe. exec answers its
command's own (127 not found, 126 not executable). policy explain answers 0 allow, 1 deny,
2 invalid; verify 0 as expected, 1 unexpected, 2 cannot verify.`,
  );
}

/**
 * Runs the `stscreds` command with the given argv and answers the exit code. Failures are
 * printed as one line on stderr, never as a stack.
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const setExitCode = (code: number): void => {
    exitCode = code;
  };
  const program = createProgram();
  registerGetCommand(program, setExitCode);
  registerExecCommand(program, setExitCode);
  registerServeCommand(program, setExitCode, untilInterrupted);
  registerProfileCommand(program, setExitCode);
  registerWhoamiCommand(program, setExitCode);
  registerPolicyCommand(program, setExitCode);
  registerDevCommand(program, setExitCode, untilInterrupted);
  registerVerifyCommand(program, setExitCode);
  registerDoctorCommand(program, setExitCode);
  registerConsoleCommand(program, setExitCode);
  registerRevokeCommand(program, setExitCode);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT_CODES.Usage;
    }
    // Loaded only on failure: it knows the client's error classes.
    const { describeFailure } = await import('./describeFailure.ts');
    const failure = describeFailure(error);
    process.stderr.write(`${failure.line}\n`);
    return failure.code;
  }
}
