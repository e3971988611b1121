import type { PolicyDocument } from '../policies/policyDocument.ts';

/** How one check of one account came out. */
export type CheckState = 'ok' | 'drift' | 'skipped' | 'error';

export interface CheckResult {
  readonly state: CheckState;
  /** What was found, in a few words; for drift, what is wrong. */
  readonly detail: string;
}

/** The checks doctor makes of each account, in table order. */
export const CHECK_NAMES = ['role', 'trust', 'policies', 'assume', 'revocations'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** One account of the organization and how its target role fares. */
export interface AccountHealth {
  readonly accountId: string;
  readonly name: string;
  /** The account's status in Organizations, such as ACTIVE or SUSPENDED. */
  readonly status: string;
  readonly checks: Readonly<Record<CheckName, CheckResult>>;
  /** No check drifted or failed. */
  readonly healthy: boolean;
}

/** What every account's target role should be, from the shared policy builders. */
export interface DoctorExpectation {
  readonly partition: string;
  readonly brokerRoleArn: string;
  readonly targetRoleName: string;
  /** The trust policy `targetRoleTrustPolicy` builds for this deployment. */
  readonly trustPolicy: PolicyDocument;
  /** The ARNs `managedPolicyArns` gives for the configured preset. */
  readonly managedPolicyArns: readonly string[];
}

/** The organization's health: every account, and whether any drifted. */
export interface DoctorReport {
  readonly accounts: readonly AccountHealth[];
  readonly healthy: boolean;
}
