import { MAX_DURATION_SECONDS, MAX_POLICY_ARNS } from '@stscreds/contract';
import { ValidationError } from '../errors.ts';
import type { Caller } from '../identity/caller.ts';
import type { AccessRule } from './accessPolicySchema.ts';
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
  readonly policyArns?: readonly string[] | undefined;
}

export interface Allowed {
  readonly effect: 'allow';
  readonly ruleId: string;
  readonly accountId: string;
  readonly durationSeconds: number;
  /** The caller's policy ARNs and the rule's forced scope-down, together. */
  readonly policyArns: readonly string[];
}

export interface Denied {
  readonly effect: 'deny';
  /** The deny rule that matched, `default-deny` when no rule allows, or `unverified-caller`. */
  readonly ruleId: string;
  readonly accountId: string;
  readonly reason: string;
}

export type Decision = Allowed | Denied;

const coversAccount = (policy: AccessPolicy, rule: AccessRule, accountId: string): boolean =>
  rule.accounts.some(
    (entry) => entry === '*' || entry === accountId || policy.aliases.get(entry) === accountId,
  );

/** An unverified caller has no ARN: only rules for anyone (`*`) can speak of it. */
const coversCaller = (rule: AccessRule, caller: Caller | undefined): boolean =>
  rule.callers.some((pattern) => (caller ? matchesPattern(pattern, caller.principalArn) : pattern === '*'));

/**
 * Decides a request against the access policy: deny by default, an explicit deny wins, and
 * the first allow rule in document order that fits the duration decides the rest. Every
 * decision names the rule that made it.
 *
 * @throws {ValidationError} when the account is an alias the policy does not define, or the
 * rule's forced policies leave no room for the caller's.
 * @example
 * const decision = authorize(policy, caller, { account: 'prod', roleName: 'lambda_sts' });
 * if (decision.effect === 'deny') throw new AccessDeniedError(decision.reason);
 */
export function authorize(
  policy: AccessPolicy,
  caller: Caller | undefined,
  request: AccessRequest,
): Decision {
  const accountId = resolveAccount(policy, request.account);
  const who = caller?.principalArn ?? 'an unverified caller';
  if (!caller && !policy.allowUnverifiedCallers) {
    return {
      effect: 'deny',
      ruleId: 'unverified-caller',
      accountId,
      reason: 'an identity proof is required: the access policy does not allow unverified callers',
    };
  }
  const matching = policy.rules.filter(
    (rule) =>
      coversCaller(rule, caller) &&
      coversAccount(policy, rule, accountId) &&
      rule.roles.some((pattern) => matchesPattern(pattern, request.roleName)),
  );
  const denial = matching.find((rule) => rule.effect === 'deny');
  if (denial) {
    return { effect: 'deny', ruleId: denial.id, accountId, reason: `rule ${denial.id} denies ${who}` };
  }
  const allows = matching.filter((rule) => rule.effect === 'allow');
  const fitting = allows.find(
    (rule) =>
      request.durationSeconds === undefined ||
      request.durationSeconds <= (rule.maxDurationSeconds ?? MAX_DURATION_SECONDS),
  );
  if (!fitting) {
    const [first] = allows;
    return first
      ? {
          effect: 'deny',
          ruleId: first.id,
          accountId,
          reason: `durationSeconds ${request.durationSeconds} is over the ${first.maxDurationSeconds ?? MAX_DURATION_SECONDS} seconds that rule ${first.id} allows`,
        }
      : {
          effect: 'deny',
          ruleId: 'default-deny',
          accountId,
          reason: `no rule allows ${who} to assume ${request.roleName} in ${accountId}`,
        };
  }
  const policyArns = [...new Set([...(request.policyArns ?? []), ...(fitting.policyArns ?? [])])];
  if (policyArns.length > MAX_POLICY_ARNS) {
    throw new ValidationError(
      `Invalid request. policyArns: rule ${fitting.id} adds ${fitting.policyArns?.length} policies of its own; with the request's, that is over ${MAX_POLICY_ARNS}`,
    );
  }
  return {
    effect: 'allow',
    ruleId: fitting.id,
    accountId,
    durationSeconds: request.durationSeconds ?? fitting.maxDurationSeconds ?? MAX_DURATION_SECONDS,
    policyArns,
  };
}
