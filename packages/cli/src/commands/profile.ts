import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { profileNameProblem } from '../config/profileNameProblem.ts';
import { ProfileSettingError, upsertProfile } from '../config/upsertProfile.ts';
import { readConfigFile, writeConfigFile } from '../config/writeConfigFile.ts';
import { credentialProcessCommand } from '../credentialProcessCommand.ts';
import { type GlobalOptions, globalFlags, readGlobalOptions } from '../globalOptions.ts';
import type { TargetInput } from '../requestOptions.ts';
import { addTargetOptions, targetFlags } from '../targetOptions.ts';

export interface ProfileAddInput extends TargetInput {
  readonly name: string;
  /** The region the new profile's clients use. Default: the broker's region. */
  readonly targetRegion?: string | undefined;
  /** A `[services …]` section for the new profile, such as the local organization's endpoints. */
  readonly services?: string | undefined;
}

/** The AWS config file: `AWS_CONFIG_FILE`, or `~/.aws/config`. */
export const configFilePath = (env: NodeJS.ProcessEnv = process.env): string =>
  env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config');

/**
 * The settings of a profile whose credentials come from `stscreds get … --format process`,
 * recorded with the global options given.
 *
 * @example
 * profileSettings({ name: 'prod', account: '222222222222' }, globals);
 * // [['credential_process', '/usr/bin/node …/stscreds.js get 222222222222 --format process'], ['region', 'us-west-2']]
 */
export function profileSettings(input: ProfileAddInput, globals: GlobalOptions): [string, string][] {
  const command = credentialProcessCommand([
    'get',
    input.account,
    '--format',
    'process',
    ...targetFlags(input),
    ...globalFlags(globals),
  ]);
  return [
    ['credential_process', command],
    ['region', input.targetRegion ?? globals.region],
    ...(input.services ? ([['services', input.services]] as [string, string][]) : []),
  ];
}

/**
 * `stscreds profile add`: writes (or rewrites) a credential_process profile in the AWS config
 * file, keeping every other section and comment, atomically and with a backup.
 *
 * @example
 * await runProfileAdd({ name: 'myprod', account: '222222222222' }, globals, print);
 */
export async function runProfileAdd(
  input: ProfileAddInput,
  globals: GlobalOptions,
  print: (line: string) => void,
  path = configFilePath(),
): Promise<number> {
  const servicesProblem = input.services === undefined ? undefined : profileNameProblem(input.services);
  if (servicesProblem) {
    throw new ProfileSettingError(
      `Invalid services section ${JSON.stringify(input.services)}: ${servicesProblem}`,
    );
  }
  const before = await readConfigFile(path);
  const after = upsertProfile(before, input.name, profileSettings(input, globals));
  if (after === before) {
    print(`profile ${input.name} in ${path} is already up to date`);
    return 0;
  }
  const { backup } = await writeConfigFile(path, after);
  print(`profile ${input.name} written to ${path}${backup ? ` (previous file kept as ${backup})` : ''}`);
  print(`try: aws --profile ${input.name} sts get-caller-identity`);
  return 0;
}

export function registerProfileCommand(program: Command, setExitCode: (code: number) => void): void {
  const profile = program
    .command('profile')
    .description('manage AWS profiles that get their credentials from stscreds');
  addTargetOptions(
    profile
      .command('add')
      .argument('<name>', 'the profile to write')
      .requiredOption('--account <id|alias>', 'the target account id, or an alias of the access policy')
      .option('--target-region <region>', "the profile's region (default: the broker's)")
      .option('--services <name>', 'a [services NAME] section of endpoints for the profile')
      .description('write a credential_process profile into the AWS config file'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ stscreds profile add myprod --account 222222222222 --profile alice
  $ aws --profile myprod s3 ls

The file is AWS_CONFIG_FILE, or ~/.aws/config. The global options given (--profile,
--endpoint, --function, --region, --audience) are recorded in the profile's command.`,
    )
    .action(async (name: string, options: Omit<ProfileAddInput, 'name'>) => {
      setExitCode(
        await runProfileAdd({ ...options, name }, readGlobalOptions(program), (line) =>
          process.stdout.write(`${line}\n`),
        ),
      );
    });
}
