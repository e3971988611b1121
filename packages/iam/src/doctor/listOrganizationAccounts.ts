import { ListAccountsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { OrganizationAccount } from './checkAccount.ts';

/**
 * Every account of the organization, as Organizations' ListAccounts pages them. Only the
 * management account, or a delegated administrator, may list them.
 *
 * @example
 * const accounts = await listOrganizationAccounts(new OrganizationsClient({ region: 'us-east-1' }));
 */
export async function listOrganizationAccounts(
  organizations: OrganizationsClient,
): Promise<OrganizationAccount[]> {
  const accounts: OrganizationAccount[] = [];
  let token: string | undefined;
  do {
    const page = await organizations.send(new ListAccountsCommand({ NextToken: token }));
    for (const account of page.Accounts ?? []) {
      if (!account.Id) continue;
      accounts.push({
        accountId: account.Id,
        name: account.Name ?? '',
        status: account.State ?? account.Status ?? 'UNKNOWN',
      });
    }
    token = page.NextToken;
  } while (token);
  return accounts.sort((a, b) => a.accountId.localeCompare(b.accountId));
}
