import { fileURLToPath } from 'node:url';
import type { ChainModel, ReadLiveChainOptions, Simulator } from '@stscreds/iam/verify';
import { type Command, InvalidArgumentError } from 'commander';
import { readGlobalOptions } from '../globalOptions.ts';

export interface VerifyInput {
  /** The cloud assembly folder (`cdk.out`); ignored with `live`. */
  readonly dir: string;
  /** Read the roles with the IAM API instead of from templates. */
  readonly live: boolean;
  /** Target accounts to check. Offline: defaults to those the policy names; live: required. */
  readonly accounts: readonly string[];
  /** Live: the broker's execution role ARN. */
  readonly brokerRole?: string | undefined;
  /** Live: the target role's name. */
  readonly targetRole: string;
  /** Live: the organization, when the deployment uses one. */
  readonly organizationId?: string | undefined;
}

export interface VerifyDependencies {
  readonly print: (line: string) => void;
  /** Loads the optional IAM simulator; rejects with SimulatorMissingError when absent. */
  readonly loadSimulator: () => Promise<Simulator>;
  /** Live: an IAM client that reads the given account. */
  readonly iamFor: ReadLiveChainOptions['iamFor'];
  /** Live: a Lambda client for the broker's account, to read its functions. */
  readonly lambdaFor?: ReadLiveChainOptions['lambdaFor'];
}

/** Exit codes: 0 every case as expected, 1 an unexpected result, 2 nothing could be verified. */
const UNEXPECTED = 1;
const CANNOT_VERIFY = 2;

const SIMULATOR = '@cloud-copilot/iam-simulate';

/** Where the optional simulator would load from, if it is installed where this CLI can load it. */
export function simulatorLocation(
  resolveModule: (name: string) => string = import.meta.resolve,
): string | undefined {
  try {
    return resolveModule(SIMULATOR);
  } catch {
    return undefined;
  }
}

const simulatorHelp = (): string => {
  const location = simulatorLocation();
  return location
    ? `Uses the optional IAM simulator (${SIMULATOR}, AGPL-3.0), installed at\n${fileURLToPath(location)}.`
    : `Needs the optional IAM simulator (${SIMULATOR}, AGPL-3.0), which is not installed where stscreds
is: npm install ${SIMULATOR} there (npm install -g ${SIMULATOR} beside a global stscreds).`;
};

/** The infra package is loaded only when verify runs, so that other commands start fast. */
const infra = () => import('@stscreds/iam/verify');

const readModel = async (input: VerifyInput, deps: VerifyDependencies): Promise<ChainModel> => {
  const { ChainInputError, readCloudAssemblyChain, readLiveChain } = await infra();
  if (!input.live) return readCloudAssemblyChain(input.dir, { accountIds: input.accounts });
  if (!input.brokerRole) throw new ChainInputError('--live needs --broker-role <arn>');
  if (input.accounts.length === 0) throw new ChainInputError('--live needs at least one --account <id>');
  return readLiveChain({
    brokerRoleArn: input.brokerRole,
    targetAccountIds: input.accounts,
    targetRoleName: input.targetRole,
    organizationId: input.organizationId,
    iamFor: deps.iamFor,
    ...(deps.lambdaFor && { lambdaFor: deps.lambdaFor }),
  });
};

/**
 * `stscreds verify`: simulates the whole credential chain (the broker's identity policies,
 * each target role's trust policy, and the resource policies of the broker's functions) for
 * the cases that must be allowed and those that must be denied, and prints account × role × caller → Allowed or Denied, with the reason.
 *
 * @example
 * await runVerify({ dir: 'cdk.out', live: false, accounts: [], targetRole: 'lambda_sts' }, deps);
 * // 0 when every case came out as expected, 1 when one did not
 */
export async function runVerify(input: VerifyInput, deps: VerifyDependencies): Promise<number> {
  const { ChainInputError, SimulatorMissingError, chainCases, formatChainTable, simulateChain } =
    await infra();
  let simulator: Simulator;
  let model: ChainModel;
  try {
    simulator = await deps.loadSimulator();
    model = await readModel(input, deps);
  } catch (error) {
    if (error instanceof SimulatorMissingError || error instanceof ChainInputError) {
      deps.print(error.message);
      return CANNOT_VERIFY;
    }
    throw error;
  }
  const scope = model.organizationId ? `organization ${model.organizationId}` : 'no organization';
  deps.print(
    `Credential chain of ${input.live ? 'the deployed roles' : input.dir}: broker ${model.broker.roleArn}, target role ${model.targetRoleName}, ${scope}`,
  );
  const results = await simulateChain(chainCases(model), simulator);
  for (const line of formatChainTable(results)) deps.print(line);
  for (const note of model.notes) deps.print(`note: ${note}`);
  const unexpected = results.filter((r) => r.unexpected);
  if (unexpected.length > 0) {
    deps.print(`${unexpected.length} of ${results.length} cases UNEXPECTED:`);
    for (const r of unexpected) deps.print(`  ${r.why}: expected ${r.expected}, got ${r.actual}`);
    return UNEXPECTED;
  }
  deps.print(`All ${results.length} cases as expected.`);
  return 0;
}

const accountOption = (value: string, previous: string[] = []): string[] => {
  if (!/^[0-9]{12}$/.test(value)) throw new InvalidArgumentError('must be a 12-digit account id');
  return [...previous, value];
};

export function registerVerifyCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('verify')
    .argument('[cdk-out]', 'the cloud assembly folder that cdk synth wrote', 'cdk.out')
    .description('simulate the credential chain and check who reaches which role: from cdk.out, or --live')
    .option('--live', 'read the roles with the IAM API instead of from templates', false)
    .option('--account <id>', 'a target account to check (repeatable)', accountOption, [])
    .option('--broker-role <arn>', "live: the broker's execution role")
    .option('--target-role <name>', "live: the target role's name", 'lambda_sts')
    .option('--organization-id <id>', 'live: the organization the roles are conditioned on')
    .option(
      '--read-role <name>',
      'live: the role assumed in other accounts to read IAM',
      'OrganizationAccountAccessRole',
    )
    .addHelpText(
      'after',
      () => `
${simulatorHelp()}

Examples:
  $ stscreds verify packages/infra/cdk.out
  $ stscreds verify --live --profile audit --broker-role arn:aws:iam::111111111111:role/stscreds-broker \\
      --account 222222222222 --account 333333333333 --organization-id o-a1b2c3d4e5`,
    )
    .action(
      async (
        dir: string,
        options: {
          live: boolean;
          account: string[];
          brokerRole?: string;
          targetRole: string;
          organizationId?: string;
          readRole: string;
        },
      ) => {
        const globals = readGlobalOptions(program);
        const { liveIamClients, liveLambdaClients, loadSimulator } = await infra();
        const clients = { region: globals.region, profile: globals.profile, readRoleName: options.readRole };
        const iamFor = liveIamClients(clients);
        const lambdaFor = liveLambdaClients(clients);
        setExitCode(
          await runVerify(
            {
              dir,
              live: options.live,
              accounts: options.account,
              brokerRole: options.brokerRole,
              targetRole: options.targetRole,
              organizationId: options.organizationId,
            },
            {
              print: (line) => process.stdout.write(`${line}\n`),
              loadSimulator: () => loadSimulator(),
              iamFor,
              lambdaFor,
            },
          ),
        );
      },
    );
}
