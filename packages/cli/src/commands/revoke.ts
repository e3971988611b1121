import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AccessRevocation } from '@stscreds/broker';
import type { AccessPolicyStore, RevocationChange } from '@stscreds/iam/revocations';
import { type Command, InvalidArgumentError } from 'commander';
import { readGlobalOptions } from '../globalOptions.ts';
import { openPolicyStore } from '../revoke/openPolicyStore.ts';

/** Where revocations are delivered on the AWS side, and how. */
export interface DeliveryInput {
  /** Write the service control policy (run as the management account). */
  readonly scp: boolean;
  /** Write the inline policy on the target role in these accounts. */
  readonly inline: readonly string[];
  readonly targetRole: string;
  readonly dryRun: boolean;
}

export interface RevokeAddInput extends DeliveryInput {
  /** Caller ARNs; empty with `roleWide`. */
  readonly callers: readonly string[];
  readonly roleWide: boolean;
  readonly accounts: readonly string[];
  readonly reason: string;
  readonly id?: string | undefined;
  /** Sessions issued before this are denied. Default: now, plus the policy's cache age for callers. */
  readonly at?: string | undefined;
  /** How long brokers may hold the policy before they read it again, in seconds. */
  readonly policyMaxAge: number;
}

export interface RevokeDependencies {
  readonly store: AccessPolicyStore;
  readonly print: (line: string) => void;
  readonly now: () => number;
  /** The ARN partition of the target roles. Default: `aws`. */
  readonly partition?: string;
  readonly organizations?: (() => OrganizationsClient) | undefined;
  readonly iamFor?: ((accountId: string) => Promise<IAMClient>) | undefined;
}

/** Exit codes: 0 done, 2 refused (nothing written). */
const REFUSED = 2;

const revocations = () => import('@stscreds/iam/revocations');

const instant = (ms: number): string =>
  new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');

const report = (
  change: RevocationChange,
  input: DeliveryInput,
  deps: RevokeDependencies,
  what: string,
): void => {
  deps.print(`${input.dryRun ? 'would write' : 'wrote'} ${deps.store.describe}: ${what}`);
  for (const delivery of change.deliveries) {
    deps.print(`${delivery.action}: ${delivery.target}`);
    if (input.dryRun && delivery.document) deps.print(JSON.stringify(delivery.document, null, 2));
  }
  if (input.scp) {
    deps.print(
      'note: a service control policy does not reach the management account; deliver there with --inline <its id> if it has the role',
    );
  }
  if (!input.scp && input.inline.length === 0) {
    deps.print(
      'note: only the broker refuses now; sessions it issued live on until they expire (add --scp or --inline <account>)',
    );
  }
};

/** Runs a change, answering REFUSED with one clear line for what the policy or AWS cannot take. */
const run = async (
  input: DeliveryInput,
  deps: RevokeDependencies,
  change: Parameters<Awaited<ReturnType<typeof revocations>>['changeRevocations']>[0]['change'],
  what: string,
): Promise<number> => {
  const { changeRevocations, RevocationNotDeliverableError, RevocationPolicyTooLargeError } =
    await revocations();
  const { AccessPolicyError } = await import('@stscreds/broker');
  try {
    const result = await changeRevocations({
      store: deps.store,
      change,
      now: deps.now(),
      partition: deps.partition ?? 'aws',
      targetRoleName: input.targetRole,
      organizations: input.scp ? deps.organizations?.() : undefined,
      inlineAccounts: input.inline,
      iamFor: deps.iamFor,
      dryRun: input.dryRun,
    });
    report(result, input, deps, what);
    return 0;
  } catch (error) {
    if (
      error instanceof AccessPolicyError ||
      error instanceof RevocationNotDeliverableError ||
      error instanceof RevocationPolicyTooLargeError ||
      (error instanceof Error && /already has|has no revocation|was lifted/.test(error.message))
    ) {
      deps.print(`stscreds revoke: ${error.message}; nothing was written`);
      return REFUSED;
    }
    throw error;
  }
};

/**
 * `stscreds revoke add`: shuts callers out. The access policy gains a revocation, so that
 * brokers refuse them new credentials (within the policy's cache age), and a deny on their
 * SourceIdentity for sessions issued before it goes to the SCP or the target roles.
 *
 * @example
 * await runRevokeAdd({ callers: ['arn:aws:iam::111111111111:user/alice'], roleWide: false, accounts: [],
 *   reason: 'key leaked', policyMaxAge: 300, scp: true, inline: [], targetRole: 'lambda_sts', dryRun: false }, deps);
 */
export async function runRevokeAdd(input: RevokeAddInput, deps: RevokeDependencies): Promise<number> {
  const { addRevocation } = await revocations();
  if (input.roleWide === input.callers.length > 0) {
    deps.print(
      'stscreds revoke: name the callers to revoke, or --role-wide, and not both; nothing was written',
    );
    return REFUSED;
  }
  const now = deps.now();
  // A caller's revocation lies past the cache age, so that no broker still holding the old
  // policy can issue a session after it; a role-wide one denies only what was issued so far.
  const revokedAt = input.at ?? instant(input.roleWide ? now : now + input.policyMaxAge * 1000);
  const revocation: AccessRevocation = {
    id: input.id ?? `revoke-${instant(now).replace(/[-:]/g, '')}`,
    ...(input.roleWide ? { roleWide: true } : { callers: [...input.callers] }),
    ...(input.accounts.length > 0 && { accounts: [...input.accounts] }),
    revokedAt,
    reason: input.reason,
  };
  return run(
    input,
    deps,
    (document) => addRevocation(document, revocation),
    `revocation ${revocation.id} of ${input.roleWide ? 'every session of the role' : revocation.callers?.join(', ')}, denying sessions issued before ${revokedAt}`,
  );
}

/**
 * `stscreds revoke lift`: the broker issues to the callers again. What was issued before the
 * revocation stays denied until it has expired.
 *
 * @example
 * await runRevokeLift('revoke-20261201T153500Z', { scp: true, inline: [], targetRole: 'lambda_sts', dryRun: false }, deps);
 */
export async function runRevokeLift(
  id: string,
  input: DeliveryInput,
  deps: RevokeDependencies,
): Promise<number> {
  const { liftRevocation } = await revocations();
  return run(input, deps, (document) => liftRevocation(document, id, deps.now()), `revocation ${id} lifted`);
}

/**
 * `stscreds revoke list`: every revocation of the access policy, in force or lifted.
 *
 * @example
 * await runRevokeList(deps); // ID  STATE  WHO  ACCOUNTS  REVOKED AT  REASON
 */
export async function runRevokeList(deps: Pick<RevokeDependencies, 'store' | 'print'>): Promise<number> {
  const { parseAccessPolicy } = await import('@stscreds/broker');
  const policy = parseAccessPolicy(await deps.store.read());
  if (policy.revocations.length === 0) {
    deps.print(`No revocations in ${deps.store.describe}.`);
    return 0;
  }
  const rows = policy.revocations.map((r) => [
    r.id,
    r.liftedAt ? `lifted ${r.liftedAt}` : 'in force',
    r.roleWide ? 'every session of the role' : (r.callers ?? []).join(', '),
    r.accounts?.join(', ') ?? '*',
    r.revokedAt,
    r.reason,
  ]);
  const header = ['ID', 'STATE', 'WHO', 'ACCOUNTS', 'REVOKED AT', 'REASON'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  for (const row of [header, ...rows]) {
    deps.print(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  }
  return 0;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const accountId = (value: string, previous: string[] = []): string[] => {
  if (!/^[0-9]{12}$/.test(value)) throw new InvalidArgumentError('must be a 12-digit account id');
  return [...previous, value];
};
const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 86_400)
    throw new InvalidArgumentError('must be whole seconds, 0-86400');
  return n;
};
const utc = (value: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('must be a UTC time such as 2026-12-01T15:35:00Z');
  }
  return value;
};

const storeOptions = (command: Command): Command =>
  command
    .option(
      '--policy-parameter <name>',
      'the SSM parameter holding the access policy (STSCREDS_ACCESS_POLICY_PARAMETER)',
      process.env.STSCREDS_ACCESS_POLICY_PARAMETER,
    )
    .option('--policy-file <path>', 'the access policy file, instead of SSM');

const deliveryOptions = (command: Command): Command =>
  storeOptions(command)
    .option(
      '--scp',
      'write the service control policy stscreds-revocations (as the management account)',
      false,
    )
    .option(
      '--inline <account>',
      'write the inline policy stscreds-revocations on the target role there (repeatable)',
      accountId,
      [],
    )
    .option('--target-role <name>', "the target role's name", 'lambda_sts')
    .option(
      '--read-role <name>',
      'the role assumed in each account to write IAM',
      'OrganizationAccountAccessRole',
    )
    .option('--dry-run', 'print the access policy change and the documents, and write nothing', false);

type StoreFlags = { policyParameter?: string; policyFile?: string };
type DeliveryFlags = StoreFlags & {
  scp: boolean;
  inline: string[];
  targetRole: string;
  readRole: string;
  dryRun: boolean;
};

export function registerRevokeCommand(program: Command, setExitCode: (code: number) => void): void {
  const dependencies = async (flags: StoreFlags & { readRole?: string }): Promise<RevokeDependencies> => {
    const globals = readGlobalOptions(program);
    const [{ fromIni, fromNodeProviderChain }, { OrganizationsClient }, { liveIamClients }] =
      await Promise.all([
        import('@aws-sdk/credential-providers'),
        import('@aws-sdk/client-organizations'),
        import('@stscreds/iam/verify'),
      ]);
    const credentials = globals.profile ? fromIni({ profile: globals.profile }) : fromNodeProviderChain();
    return {
      store: await openPolicyStore({
        file: flags.policyFile,
        parameter: flags.policyFile ? undefined : flags.policyParameter,
        region: globals.region,
        credentials,
      }),
      print: (line) => process.stdout.write(`${line}\n`),
      now: Date.now,
      partition: globals.region.startsWith('cn-')
        ? 'aws-cn'
        : globals.region.startsWith('us-gov-')
          ? 'aws-us-gov'
          : 'aws',
      organizations: () => new OrganizationsClient({ region: globals.region, credentials }),
      iamFor: liveIamClients({
        region: globals.region,
        credentials,
        readRoleName: flags.readRole ?? 'OrganizationAccountAccessRole',
      }),
    };
  };
  const revoke = program
    .command('revoke')
    .description('shut callers out: the broker refuses them, and AWS denies what it already issued them')
    .addHelpText(
      'after',
      `
Examples:
  $ stscreds revoke add arn:aws:iam::111111111111:user/alice --reason "key leaked" --scp --profile management
  $ stscreds revoke list
  $ stscreds revoke lift revoke-20261201T153000Z --scp --profile management`,
    );
  deliveryOptions(
    revoke
      .command('add')
      .argument(
        '[caller-arn...]',
        'the callers to revoke, as the broker sees them (arn:aws:iam::…:user/alice, arn:aws:sts::…:assumed-role/ci/build-42)',
      )
      .requiredOption('--reason <text>', 'why; recorded in the access policy and shown in every refusal')
      .option(
        '--account <id|alias>',
        'only in this account (repeatable; default: every account)',
        collect,
        [],
      )
      .option(
        '--role-wide',
        'deny every session of the target role issued before now, whoever the caller',
        false,
      )
      .option('--id <id>', 'the revocation id (default: revoke-<time>)')
      .option(
        '--at <time>',
        'deny sessions issued before this UTC time (default: now plus the policy cache age)',
        utc,
      )
      .option(
        '--policy-max-age <seconds>',
        'how long brokers keep the policy before reading it again (STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS)',
        seconds,
        Number(process.env.STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS ?? 300),
      ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ stscreds revoke add arn:aws:iam::111111111111:user/alice --reason "laptop stolen" --scp --inline 111111111111
  $ stscreds revoke add arn:aws:sts::111111111111:assumed-role/ci/build-42 --account prod --reason "job compromised" --inline 222222222222
  $ stscreds revoke add --role-wide --reason "unknown caller leaked a session" --scp --dry-run`,
    )
    .action(
      async (
        callers: string[],
        flags: DeliveryFlags & {
          reason: string;
          account: string[];
          roleWide: boolean;
          id?: string;
          at?: string;
          policyMaxAge: number;
        },
      ) => {
        setExitCode(
          await runRevokeAdd(
            {
              ...flags,
              callers,
              accounts: flags.account,
              reason: flags.reason,
              policyMaxAge: flags.policyMaxAge,
            },
            await dependencies(flags),
          ),
        );
      },
    );
  deliveryOptions(
    revoke.command('lift').argument('<id>', 'the revocation to lift').description('let the callers in again'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ stscreds revoke lift revoke-20261201T153500Z --scp --inline 111111111111',
    )
    .action(async (id: string, flags: DeliveryFlags) => {
      setExitCode(await runRevokeLift(id, flags, await dependencies(flags)));
    });
  storeOptions(revoke.command('list').description('list the revocations, in force or lifted'))
    .addHelpText('after', '\nExamples:\n  $ stscreds revoke list --policy-parameter /stscreds/access-policy')
    .action(async (flags: StoreFlags) => {
      setExitCode(await runRevokeList(await dependencies(flags)));
    });
  for (const command of revoke.commands) command.exitOverride();
}
