import type { Command } from 'commander';
import { type GlobalOptions, readGlobalOptions } from '../globalOptions.ts';
import { type TargetInput, toRequestOptions } from '../requestOptions.ts';
import { addTargetOptions } from '../targetOptions.ts';
import { fetchCredentials } from './get.ts';

/**
 * `stscreds whoami`: gets credentials for a target account, asks STS who they are, and
 * prints the assumed identity and when it expires.
 *
 * @example
 * await runWhoami({ account: 'prod' }, globals, print);
 * // arn:aws:sts::222222222222:assumed-role/lambda_sts/alice (account 222222222222) …
 */
export async function runWhoami(
  input: TargetInput & { readonly cache: boolean },
  globals: GlobalOptions,
  print: (line: string) => void,
): Promise<number> {
  const [{ GetCallerIdentityCommand, STSClient }, { resolveStsEndpoint }, { redactKeyId }] =
    await Promise.all([
      import('@aws-sdk/client-sts'),
      import('../brokerClient.ts'),
      import('@stscreds/contract'),
    ]);
  const c = await fetchCredentials(toRequestOptions(input, globals), globals, { cache: input.cache });
  const sts = new STSClient({
    region: globals.region,
    endpoint: await resolveStsEndpoint({ region: globals.region, profile: globals.profile }),
    credentials: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    },
  });
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  const minutes = Math.round((Date.parse(c.Expiration) - Date.now()) / 60_000);
  print(`${identity.Arn} (account ${identity.Account})`);
  print(`key ${redactKeyId(c.AccessKeyId)}, expires ${c.Expiration} (in ${minutes} min)`);
  return 0;
}

export function registerWhoamiCommand(program: Command, setExitCode: (code: number) => void): void {
  addTargetOptions(
    program
      .command('whoami')
      .argument('<account>', 'the target account id, or an alias of the access policy')
      .description('show who credentials for a target account are, and when they expire')
      .option('--no-cache', 'always ask the broker, and keep nothing on disk'),
  )
    .addHelpText('after', '\nExamples:\n  $ stscreds whoami prod --profile alice')
    .action(async (account: string, options: TargetInput & { cache: boolean }) => {
      setExitCode(
        await runWhoami({ ...options, account }, readGlobalOptions(program), (line) =>
          process.stdout.write(`${line}\n`),
        ),
      );
    });
}
