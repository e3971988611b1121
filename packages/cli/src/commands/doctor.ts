import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AccountHealth, DoctorReport } from '@stscreds/iam/doctor';
import type { ManagedPolicyPreset } from '@stscreds/iam/policies';
import { type Command, InvalidArgumentError } from 'commander';
import { readGlobalOptions } from '../globalOptions.ts';

export interface DoctorInput {
  readonly brokerRole: string;
  readonly targetRole: string;
  readonly preset: ManagedPolicyPreset;
  /** Policy names or ARNs for the custom preset. */
  readonly managedPolicy: readonly string[];
  readonly organizationId?: string | undefined;
  readonly requireSourceIdentity: boolean;
  readonly trustLambdaService: boolean;
  readonly concurrency: number;
  readonly json: boolean;
}

export interface DoctorDependencies {
  readonly print: (line: string) => void;
  /** Progress for a person watching; undefined when nobody is (stderr is not a terminal). */
  readonly progress?: ((line: string) => void) | undefined;
  readonly organizations: OrganizationsClient;
  readonly iamFor: (accountId: string) => Promise<IAMClient>;
  /** Undefined without broker credentials: the assume check is then skipped. */
  readonly assumeAsBroker?: ((roleArn: string) => Promise<void>) | undefined;
}

/** Exit codes: 0 every account healthy, 1 drift in at least one, 2 nothing could be checked. */
const DRIFT = 1;
const CANNOT_CHECK = 2;

const infra = async () => ({
  ...(await import('@stscreds/iam/doctor')),
  ...(await import('@stscreds/iam/policies')),
});

const toJson = (report: DoctorReport) => ({
  healthy: report.healthy,
  accounts: report.accounts.map((a: AccountHealth) => ({
    accountId: a.accountId,
    name: a.name,
    status: a.status,
    healthy: a.healthy,
    checks: a.checks,
  })),
});

/**
 * `stscreds doctor`: lists every account of the organization and checks its target role
 * against the shared policy builders, a few accounts at a time, as a table (or JSON).
 *
 * @example
 * const code = await runDoctor({ brokerRole, targetRole: 'lambda_sts', preset: 'seed', managedPolicy: [],
 *   requireSourceIdentity: false, trustLambdaService: false, concurrency: 4, json: false }, deps);
 * // 0 healthy, 1 drift
 */
export async function runDoctor(input: DoctorInput, deps: DoctorDependencies): Promise<number> {
  const {
    PolicyBuilderError,
    checkOrganization,
    formatDoctorTable,
    managedPolicyArns,
    targetRoleTrustPolicy,
  } = await infra();
  const partition = /^arn:([\w-]+):/.exec(input.brokerRole)?.[1] ?? 'aws';
  let expected: Parameters<typeof checkOrganization>[0]['expected'];
  try {
    expected = {
      partition,
      brokerRoleArn: input.brokerRole,
      targetRoleName: input.targetRole,
      trustPolicy: targetRoleTrustPolicy({
        brokerRoleArn: input.brokerRole,
        organizationId: input.organizationId,
        requireSourceIdentity: input.requireSourceIdentity,
        trustLambdaService: input.trustLambdaService,
      }),
      managedPolicyArns: managedPolicyArns({ partition, preset: input.preset, custom: input.managedPolicy }),
    };
  } catch (error) {
    if (!(error instanceof PolicyBuilderError)) throw error;
    deps.print(`stscreds doctor: ${error.message}`);
    return CANNOT_CHECK;
  }
  let report: DoctorReport;
  try {
    report = await checkOrganization({
      organizations: deps.organizations,
      expected,
      iamFor: deps.iamFor,
      assumeAsBroker: deps.assumeAsBroker,
      concurrency: input.concurrency,
      onProgress: (done, total, last) =>
        deps.progress?.(
          `checked ${done}/${total} accounts (last: ${last.accountId} ${last.healthy ? 'ok' : 'DRIFT'})`,
        ),
    });
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    deps.print(`stscreds doctor: cannot list the organization's accounts (${message})`);
    return CANNOT_CHECK;
  }
  if (input.json) deps.print(JSON.stringify(toJson(report), null, 2));
  else for (const line of formatDoctorTable(report)) deps.print(line);
  return report.healthy ? 0 : DRIFT;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const concurrency = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    throw new InvalidArgumentError('must be a whole number from 1 to 20');
  return n;
};
const preset = (value: string): ManagedPolicyPreset => {
  if (value !== 'seed' && value !== 'readonly' && value !== 'custom') {
    throw new InvalidArgumentError('must be seed, readonly or custom');
  }
  return value;
};

/** On a terminal, one line rewritten in place; elsewhere nothing, so logs and CI output stay clean. */
const terminalProgress = (): ((line: string) => void) | undefined =>
  process.stderr.isTTY ? (line) => process.stderr.write(`\r\x1b[K${line}`) : undefined;

export function registerDoctorCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('doctor')
    .description(
      "check every account of the organization: the target role, its trust, its policies, the broker's reach",
    )
    .requiredOption('--broker-role <arn>', "the broker's execution role")
    .option(
      '--broker-profile <name>',
      "a profile whose credentials are a session of the broker's role: try assuming as the broker",
    )
    .option('--target-role <name>', "the target role's name", 'lambda_sts')
    .option(
      '--preset <preset>',
      'the managed policy preset: seed, readonly or custom',
      preset,
      'seed' as ManagedPolicyPreset,
    )
    .option('--managed-policy <name|arn>', 'a policy of the custom preset (repeatable)', collect, [])
    .option('--organization-id <id>', 'the trust also requires aws:PrincipalOrgID to be this organization')
    .option('--require-source-identity', 'the trust also requires a SourceIdentity', false)
    .option('--trust-lambda-service', 'the trust also names lambda.amazonaws.com, as the seed did', false)
    .option(
      '--read-role <name>',
      'the role assumed in each account to read IAM',
      'OrganizationAccountAccessRole',
    )
    .option('--concurrency <n>', 'accounts checked at once, 1-20', concurrency, 4)
    .option('--json', 'print the report as JSON, for CI', false)
    .addHelpText(
      'after',
      `
Run it with the management account's credentials (or a delegated administrator's): it calls
Organizations ListAccounts, then reads IAM in each account through --read-role.
Exit codes: 0 every account healthy, 1 drift in at least one, 2 nothing could be checked.

Examples:
  $ stscreds doctor --profile management --broker-role arn:aws:iam::111111111111:role/stscreds-broker
  $ stscreds doctor --profile management --broker-role arn:aws:iam::111111111111:role/stscreds-broker \\
      --broker-profile broker --organization-id o-a1b2c3d4e5 --preset readonly --json > doctor.json
  $ source .stscreds/dev/env.sh && stscreds doctor --profile operator --broker-profile broker \\
      --broker-role arn:aws:iam::111111111111:role/lambda_basic_execution   # the local organization`,
    )
    .action(async (options: DoctorInput & { brokerProfile?: string; readRole: string }) => {
      const globals = readGlobalOptions(program);
      const [
        { OrganizationsClient },
        { fromIni, fromNodeProviderChain },
        { liveIamClients },
        { createBrokerAssumer },
      ] = await Promise.all([
        import('@aws-sdk/client-organizations'),
        import('@aws-sdk/credential-providers'),
        import('@stscreds/iam/verify'),
        import('@stscreds/iam/doctor'),
      ]);
      const credentials = globals.profile ? fromIni({ profile: globals.profile }) : fromNodeProviderChain();
      setExitCode(
        await runDoctor(options, {
          print: (line) => process.stdout.write(`${line}\n`),
          progress: terminalProgress(),
          organizations: new OrganizationsClient({ region: globals.region, credentials }),
          iamFor: liveIamClients({ region: globals.region, credentials, readRoleName: options.readRole }),
          assumeAsBroker:
            options.brokerProfile === undefined
              ? undefined
              : createBrokerAssumer({
                  region: globals.region,
                  credentials: fromIni({ profile: options.brokerProfile }),
                }),
        }),
      );
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    });
}
