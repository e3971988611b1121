export type {
  AccountHealth,
  CheckName,
  CheckResult,
  CheckState,
  DoctorExpectation,
  DoctorReport,
} from './AccountHealth.ts';
export { CHECK_NAMES } from './AccountHealth.ts';
export type { CheckAccountDependencies, OrganizationAccount } from './checkAccount.ts';
export { checkAccount } from './checkAccount.ts';
export type { CheckOrganizationOptions } from './checkOrganization.ts';
export { checkOrganization } from './checkOrganization.ts';
export { compareTrustPolicy } from './compareTrustPolicy.ts';
export type { BrokerAssumerOptions } from './createBrokerAssumer.ts';
export { createBrokerAssumer } from './createBrokerAssumer.ts';
export { formatDoctorTable } from './formatDoctorTable.ts';
export { listOrganizationAccounts } from './listOrganizationAccounts.ts';
export { mapWithConcurrency } from './mapWithConcurrency.ts';
