import type { AccessRule } from './accessPolicySchema.ts';
import type { AccessPolicy } from './parseAccessPolicy.ts';

export interface ReviewContext {
  /** The broker's own account, when known: its callers are trusted whatever the policy lists. */
  readonly brokerAccountId?: string | undefined;
}

/** The account a caller pattern fixes, or undefined when it may match callers of many accounts. */
const accountOf = (pattern: string): string | undefined => {
  const fields = pattern.split(':');
  const wildAt = pattern.search(/[*?]/);
  if (fields.length < 6 && wildAt !== -1) return undefined;
  const account = fields[4];
  return account === undefined || /[*?]/.test(account) ? undefined : account;
};

const list = (rules: readonly AccessRule[]): string => rules.map((rule) => rule.id).join(', ');

/**
 * What a valid access policy lets happen that its author may not mean, one warning a line:
 * allow rules open to callers of any account, caller patterns of accounts the policy does not
 * trust, what `allowUnverifiedCallers` leaves unenforceable, and denies that only a session
 * name holds, which whoever assumes the role picks.
 *
 * @example
 * for (const warning of reviewAccessPolicy(policy, { brokerAccountId: '111111111111' })) console.log(warning);
 */
export function reviewAccessPolicy(policy: AccessPolicy, context: ReviewContext = {}): string[] {
  const warnings: string[] = [];
  const trusted = (account: string): boolean =>
    account === context.brokerAccountId || policy.trustedCallerAccounts.has(account);
  const trustedText = [
    context.brokerAccountId ? `${context.brokerAccountId} (the broker's own)` : "the broker's own account",
    ...policy.trustedCallerAccounts,
  ].join(', ');
  const allows = policy.rules.filter((rule) => rule.effect === 'allow');
  const denies = policy.rules.filter((rule) => rule.effect === 'deny');
  for (const rule of policy.rules) {
    for (const pattern of rule.callers) {
      const account = accountOf(pattern);
      if (account === undefined && rule.effect === 'allow') {
        warnings.push(
          `rule ${rule.id} allows ${pattern}, which matches principals of any AWS account, strangers' too: only the trusted caller accounts (${trustedText}) keep them out`,
        );
      } else if (account !== undefined && !trusted(account)) {
        warnings.push(
          `rule ${rule.id} names ${pattern}, of account ${account}, which is not a trusted caller account: the rule never applies to it${context.brokerAccountId ? '' : " unless that is the broker's own account"}`,
        );
      }
    }
  }
  for (const rule of denies) {
    for (const pattern of rule.callers) {
      const session = /:assumed-role\/([^/*?]+)\/([^/*?]+)$/.exec(pattern);
      if (session)
        warnings.push(
          `rule ${rule.id} denies the session name ${session[2]} of the role ${session[1]}: whoever may assume ${session[1]} picks that name, so deny the role, or the principal that assumes it`,
        );
    }
  }
  if (policy.allowUnverifiedCallers) {
    const open = allows.filter((rule) => rule.callers.includes('*'));
    const named = allows.filter((rule) => !rule.callers.includes('*'));
    const namedDenies = denies.filter((rule) => !rule.callers.includes('*'));
    warnings.push(
      'allowUnverifiedCallers: a caller without a proof could be anyone who may invoke the function, of any account; it gets no more than any verified caller would',
    );
    if (open.length > 0)
      warnings.push(
        `allowUnverifiedCallers: rules ${list(open)} allow * and so any unverified caller, whose account cannot be checked against the trusted caller accounts`,
      );
    if (namedDenies.length > 0)
      warnings.push(
        `allowUnverifiedCallers: deny rules ${list(namedDenies)} name callers that an unverified caller cannot be told from, so they deny every unverified caller for their accounts and roles`,
      );
    if (named.length > 0)
      warnings.push(
        `allowUnverifiedCallers: allow rules ${list(named)} name callers, and never allow an unverified caller`,
      );
  }
  return warnings;
}
