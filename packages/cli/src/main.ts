import { Command, CommanderError } from 'commander';
import { registerDevCommand } from './commands/dev.ts';
import { registerPolicyCommand } from './commands/policy.ts';

/**
 * Runs the `stscreds` command with the given argv and answers the exit code. Errors are
 * printed as one line, never as a stack.
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('stscreds')
    .description('cross-account AWS credentials from the getSTScreds broker')
    .exitOverride()
    .showHelpAfterError();
  const setExitCode = (code: number): void => {
    exitCode = code;
  };
  registerDevCommand(program, setExitCode);
  registerPolicyCommand(program, setExitCode);
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`stscreds: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
