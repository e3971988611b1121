import { DescribeOrganizationCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AccountHealth, DoctorExpectation, DoctorReport } from './AccountHealth.ts';
import { type CheckAccountDependencies, checkAccount } from './checkAccount.ts';
import { listOrganizationAccounts } from './listOrganizationAccounts.ts';
import { mapWithConcurrency } from './mapWithConcurrency.ts';

export interface CheckOrganizationOptions extends CheckAccountDependencies {
  readonly organizations: OrganizationsClient;
  readonly expected: DoctorExpectation;
  /**
   * Accounts checked at once. Each check makes about two STS calls (the read role and the
   * broker's attempt), so the default stays far below the quota of about 600 requests/s.
   *
   * @default 4
   */
  readonly concurrency?: number;
  /** Told after each account, for a progress display. */
  readonly onProgress?: (done: number, total: number, last: AccountHealth) => void;
}

/**
 * Lists every account of the organization and checks the target role in each, a few at a
 * time: the whole organization's health, in account order. The management account and the
 * broker's own account may go without the role; if they have it, it is checked like any other.
 *
 * @example
 * const report = await checkOrganization({ organizations, expected, iamFor, assumeAsBroker });
 * process.exitCode = report.healthy ? 0 : 1;
 */
export async function checkOrganization(options: CheckOrganizationOptions): Promise<DoctorReport> {
  const { Organization: organization } = await options.organizations.send(
    new DescribeOrganizationCommand({}),
  );
  const brokerAccount = options.expected.brokerRoleArn.split(':')[4];
  const accounts = (await listOrganizationAccounts(options.organizations)).map((account) => ({
    ...account,
    roleOptional:
      account.accountId === organization?.MasterAccountId
        ? 'the management account, where service-managed StackSets do not deploy'
        : account.accountId === brokerAccount
          ? "the broker's own account"
          : undefined,
  }));
  let done = 0;
  const checked = await mapWithConcurrency(accounts, options.concurrency ?? 4, async (account) => {
    const health = await checkAccount(account, options.expected, options);
    options.onProgress?.(++done, accounts.length, health);
    return health;
  });
  return { accounts: checked, healthy: checked.every((a) => a.healthy) };
}
