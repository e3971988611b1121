import { MAX_DURATION_SECONDS } from '@stscreds/contract';
import type { Caller } from '../identity/caller.ts';
import type { AccessRule } from './accessPolicySchema.ts';
import { findRevocation } from './findRevocation.ts';
import { matchesPattern } from './matchesPattern.ts';
import type { AccessPolicy } from './parseAccessPolicy.ts';
import { resolveAccount } from './resolveAccount.ts';

/** What the caller asks for, before the policy has its say. */
export interface AccessRequest {
  /** An account id, or an alias the policy defines. */
  readonly account: string;
  readonly roleName: string;
  /** Undefined when the caller leaves the duration to the broker. */
  readonly durationSeconds?: number | undefined;
  /** The caller's inline session policy, if any. */
  readonly policy?: string | undefined;
  readonly policyArns?: readonly string[] | undefined;
}

/** What the broker knows of itself that the policy does not say. */
export interface AuthorizeContext {
  /** The broker's own account, whose callers are trusted whatever the policy lists. */
  readonly brokerAccountId?: string | undefined;
}

export interface Allowed {
  readonly effect: 'allow';
  readonly ruleId: string;
  readonly accountId: string;
  readonly durationSeconds: number;
  /** The inline session policy to send: the caller's, never under a rule that forces its own. */
  readonly policy?: string | undefined;
  /** The session policy ARNs to send: the rule's forced scope-down, or else the caller's. */
  readonly policyArns: readonly string[];
}

export interface Denied {
  readonly effect: 'deny';
  /**
   * The deny rule that matched, the allow rule that did not fit, `default-deny` when no rule
   * allows, `unverified-caller`, or `untrusted-account`.
   */
  readonly ruleId: string;
  readonly accountId: string;
  readonly reason: string;
}

export type Decision = Allowed | Denied;

const coversAccount = (policy: AccessPolicy, rule: AccessRule, accountId: string): boolean =>
  rule.accounts.some(
    (entry) => entry === '*' || entry === accountId || policy.aliases.get(entry) === accountId,
  );

/** A pattern names a caller as reported (a role session's own ARN) or, for a session, as its role. */
const coversCaller = (rule: AccessRule, caller: Caller): boolean =>
  rule.callers.some(
    (pattern) => matchesPattern(pattern, caller.arn) || matchesPattern(pattern, caller.principalArn),
  );

const isTrusted = (policy: AccessPolicy, context: AuthorizeContext, caller: Caller): boolean =>
  caller.accountId === context.brokerAccountId || policy.trustedCallerAccounts.has(caller.accountId);

const capOf = (rule: AccessRule): number => rule.maxDurationSeconds ?? MAX_DURATION_SECONDS;

/** Session policies widen a session (any one of them may allow), so a forced scope-down admits no other. */
const takesSessionPolicies = (rule: AccessRule, request: AccessRequest): boolean =>
  !rule.policyArns?.length ||
  (request.policy === undefined && (request.policyArns ?? []).every((arn) => rule.policyArns?.includes(arn)));

/**
 * Decides a request against the access policy: a caller from an untrusted account is denied
 * before any rule, then deny by default, an explicit deny wins, and the first allow rule in
 * document order that fits the duration and the session policies decides the rest. Every
 * decision names the rule that made it.
 *
 * An unverified caller (under `allowUnverifiedCallers`) could be anyone, so it gets no more
 * than any verified caller would: every deny rule for the account and role applies to it,
 * whatever callers it names, and only allow rules for anyone (`*`) can allow it.
 *
 * @throws {ValidationError} when the account is an alias the policy does not define.
 * @example
 * const decision = authorize(policy, caller, { account: 'prod', roleName: 'lambda_sts' }, { brokerAccountId });
 * if (decision.effect === 'deny') throw new AccessDeniedError(decision.reason);
 */
export function authorize(
  policy: AccessPolicy,
  caller: Caller | undefined,
  request: AccessRequest,
  context: AuthorizeContext = {},
): Decision {
  const accountId = resolveAccount(policy, request.account);
  const deny = (ruleId: string, reason: string): Denied => ({ effect: 'deny', ruleId, accountId, reason });
  if (!caller && !policy.allowUnverifiedCallers) {
    return deny(
      'unverified-caller',
      'an identity proof is required: the access policy does not allow unverified callers',
    );
  }
  if (caller && !isTrusted(policy, context, caller)) {
    return deny(
      'untrusted-account',
      `${caller.accountId}, the account of ${caller.arn}, is not one the access policy trusts callers from`,
    );
  }
  const who = caller?.principalArn ?? 'an unverified caller';
  const revoked = findRevocation(policy, caller, accountId);
  if (revoked) {
    return deny(
      revoked.id,
      `${caller?.arn ?? 'an unverified caller'} is revoked (since ${revoked.revokedAt}: ${revoked.reason})`,
    );
  }
  const matching = policy.rules.filter(
    (rule) =>
      coversAccount(policy, rule, accountId) &&
      rule.roles.some((pattern) => matchesPattern(pattern, request.roleName)),
  );
  const denial = matching.find(
    (rule) => rule.effect === 'deny' && (caller ? coversCaller(rule, caller) : true),
  );
  if (denial) {
    return deny(
      denial.id,
      caller
        ? `rule ${denial.id} denies ${caller.arn}`
        : `rule ${denial.id} denies callers that an unverified caller may be`,
    );
  }
  const allows = matching.filter(
    (rule) => rule.effect === 'allow' && (caller ? coversCaller(rule, caller) : rule.callers.includes('*')),
  );
  const fitsDuration = (rule: AccessRule): boolean =>
    request.durationSeconds === undefined || request.durationSeconds <= capOf(rule);
  const fitting = allows.find((rule) => fitsDuration(rule) && takesSessionPolicies(rule, request));
  if (!fitting) {
    const [first] = allows;
    if (!first)
      return deny('default-deny', `no rule allows ${who} to assume ${request.roleName} in ${accountId}`);
    return fitsDuration(first)
      ? deny(
          first.id,
          `rule ${first.id} forces the session policies ${first.policyArns?.join(', ')}: it takes no policy, and no policyArns beyond those, from the caller`,
        )
      : deny(
          first.id,
          `durationSeconds ${request.durationSeconds} is over the ${capOf(first)} seconds that rule ${first.id} allows`,
        );
  }
  const forced = fitting.policyArns ?? [];
  return {
    effect: 'allow',
    ruleId: fitting.id,
    accountId,
    durationSeconds: request.durationSeconds ?? fitting.maxDurationSeconds ?? MAX_DURATION_SECONDS,
    ...(forced.length === 0 && request.policy !== undefined && { policy: request.policy }),
    policyArns: forced.length > 0 ? forced : [...new Set(request.policyArns ?? [])],
  };
}
