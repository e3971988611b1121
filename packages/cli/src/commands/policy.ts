import { readFile } from 'node:fs/promises';
import type { AccessPolicy, Caller } from '@stscreds/broker';
import { type Command, InvalidArgumentError } from 'commander';

export interface PolicyCheckInput {
  readonly file: string;
  /** The broker's own account, whose callers are always trusted; unknown when undefined. */
  readonly brokerAccount?: string | undefined;
}

export interface PolicyExplainInput {
  readonly file: string;
  /** The caller's ARN; undefined asks about an unverified caller. */
  readonly caller?: string | undefined;
  readonly account: string;
  readonly role: string;
  readonly duration?: number | undefined;
  /** The broker's own account, whose callers are always trusted; unknown when undefined. */
  readonly brokerAccount?: string | undefined;
  /** Session policy ARNs the request would carry. */
  readonly policyArns?: readonly string[] | undefined;
  /** Whether the request would carry an inline session policy. */
  readonly sessionPolicy?: boolean | undefined;
}

export interface PolicyDependencies {
  readonly readText: (path: string) => Promise<string>;
  readonly print: (line: string) => void;
}

/** Exit codes: 0 valid or allowed, 1 denied, 2 an invalid policy or question. */
const DENIED = 1;
const INVALID = 2;

/** The broker is loaded only when a policy command runs, so that other commands start fast. */
const broker = () => import('@stscreds/broker');

const load = async (file: string, deps: PolicyDependencies): Promise<AccessPolicy | undefined> => {
  const { AccessPolicyError, parseAccessPolicy } = await broker();
  let text: string;
  try {
    text = await deps.readText(file);
  } catch (error) {
    deps.print(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  try {
    return parseAccessPolicy(text);
  } catch (error) {
    if (error instanceof AccessPolicyError) {
      deps.print(`${file}: invalid access policy`);
      for (const problem of error.problems) deps.print(`  ${problem}`);
      return undefined;
    }
    throw error;
  }
};

/**
 * Checks an access policy file and reports each defect with its JSON path, then warns of
 * what a valid policy lets happen that its author may not mean: rules open to strangers'
 * accounts, and what `allowUnverifiedCallers` leaves unenforceable.
 *
 * @example
 * await runPolicyCheck({ file: 'access-policy.json', brokerAccount: '111111111111' }, deps); // 0 when valid, 2 when not
 */
export async function runPolicyCheck(input: PolicyCheckInput, deps: PolicyDependencies): Promise<number> {
  const policy = await load(input.file, deps);
  if (!policy) return INVALID;
  const { reviewAccessPolicy } = await broker();
  deps.print(
    `${input.file}: valid, ${policy.rules.length} rule(s), ${policy.aliases.size} alias(es), unverified callers ${policy.allowUnverifiedCallers ? 'ALLOWED' : 'denied'}`,
  );
  const trusted = [input.brokerAccount ?? "the broker's own account", ...policy.trustedCallerAccounts];
  deps.print(`callers trusted from: ${trusted.join(', ')}`);
  for (const warning of reviewAccessPolicy(policy, { brokerAccountId: input.brokerAccount })) {
    deps.print(`warning: ${warning}`);
  }
  return 0;
}

/** The account a caller ARN names, so the ARN can be read as STS would have reported it. */
const callerOf = async (arn: string): Promise<Caller | undefined> => {
  const { toCaller } = await broker();
  const account = /^arn:[\w-]+:(?:iam|sts)::([0-9]{12}):/.exec(arn)?.[1];
  return account ? toCaller(arn, account, 'identity-proof') : undefined;
};

/**
 * Explains what the broker would decide for a caller, an account and a role, and which
 * rule decides it.
 *
 * @example
 * await runPolicyExplain({ file, caller: 'arn:aws:iam::111111111111:user/bob', account: 'prod', role: 'lambda_sts' }, deps);
 * // deny (default-deny): no rule allows arn:aws:iam::111111111111:user/bob to assume lambda_sts in 222222222222
 */
export async function runPolicyExplain(input: PolicyExplainInput, deps: PolicyDependencies): Promise<number> {
  const policy = await load(input.file, deps);
  if (!policy) return INVALID;
  const { authorize, BrokerError } = await broker();
  const caller = input.caller === undefined ? undefined : await callerOf(input.caller);
  if (input.caller !== undefined && !caller) {
    deps.print(`${input.caller} is not a caller ARN such as arn:aws:iam::111111111111:user/alice`);
    return INVALID;
  }
  try {
    const decision = authorize(
      policy,
      caller,
      {
        account: input.account,
        roleName: input.role,
        durationSeconds: input.duration,
        policyArns: input.policyArns,
        ...(input.sessionPolicy && { policy: '(an inline session policy)' }),
      },
      { brokerAccountId: input.brokerAccount },
    );
    if (decision.effect === 'deny') {
      deps.print(`deny (${decision.ruleId}): ${decision.reason}`);
      return DENIED;
    }
    const scope = [
      ...(decision.policyArns.length ? [`, scoped down by ${decision.policyArns.join(', ')}`] : []),
      ...(decision.policy ? [', with its inline session policy'] : []),
    ].join('');
    deps.print(
      `allow (${decision.ruleId}): ${input.role} in ${decision.accountId} for ${decision.durationSeconds} s${scope}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof BrokerError) {
      deps.print(error.message);
      return INVALID;
    }
    throw error;
  }
}

const accountOption = (value: string): string => {
  if (!/^[0-9]{12}$/.test(value)) throw new InvalidArgumentError('must be a 12-digit account id');
  return value;
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const durationOption = (value: string): number => {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 3600) {
    throw new InvalidArgumentError('must be a whole number of seconds from 900 to 3600');
  }
  return seconds;
};

export function registerPolicyCommand(program: Command, setExitCode: (code: number) => void): void {
  const deps: PolicyDependencies = {
    readText: (path) => readFile(path, 'utf8'),
    print: (line) => process.stdout.write(`${line}\n`),
  };
  const policy = program.command('policy').description('check and explain access policies');
  policy
    .command('check')
    .argument('<file>', 'the access policy JSON file')
    .description('validate an access policy and report each defect with its JSON path')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stscreds policy check access-policy.json --broker-account 111111111111    # exit 0 valid, 2 invalid',
    )
    .option(
      '--broker-account <id>',
      "the broker's own account, whose callers are always trusted",
      accountOption,
    )
    .action(async (file: string, options: { brokerAccount?: string }) =>
      setExitCode(await runPolicyCheck({ file, ...options }, deps)),
    );
  policy
    .command('explain')
    .argument('<file>', 'the access policy JSON file')
    .description('print the decision for a caller, an account and a role, and the rule that made it')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stscreds policy explain access-policy.json --caller arn:aws:iam::111111111111:user/bob --account prod\n  # exit 0 allow, 1 deny, 2 invalid',
    )
    .option('--caller <arn>', 'the caller ARN (omit for an unverified caller)')
    .requiredOption('--account <id|alias>', 'the target account id or alias')
    .option('--role <name>', "the target role (default: the broker's, lambda_sts)")
    .option('--duration <seconds>', 'the requested duration', durationOption)
    .option(
      '--broker-account <id>',
      "the broker's own account, whose callers are always trusted",
      accountOption,
    )
    .option('--policy-arn <arn>', 'a session policy ARN the request carries (repeatable)', collect)
    .option('--session-policy', 'the request carries an inline session policy')
    .action(
      async (
        file: string,
        options: {
          caller?: string;
          account: string;
          role?: string;
          duration?: number;
          brokerAccount?: string;
          policyArn?: string[];
          sessionPolicy?: boolean;
        },
      ) => {
        const { policyArn, ...rest } = options;
        const role = options.role ?? (await import('@stscreds/contract')).DEFAULT_ROLE_NAME;
        setExitCode(await runPolicyExplain({ file, ...rest, role, policyArns: policyArn }, deps));
      },
    );
}
