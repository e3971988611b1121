import type { SessionAttribution } from '../attribution/attributeSession.ts';
import type { CacheOutcome } from '../cache/createExpiringCache.ts';
import { type BrokerError, ProofRefusedError } from '../errors.ts';
import type { Caller } from '../identity/caller.ts';
import type { Decision } from '../policy/authorize.ts';
import { type AuditEvent, PROOF_RULE_ID } from './recordAudit.ts';

/** What the broker had learned about a request when it answered; each step adds its own part. */
export interface RequestFacts {
  readonly requestId: string;
  readonly caller?: Caller | undefined;
  readonly decision?: Decision;
  readonly targetRoleArn?: string;
  readonly session?: SessionAttribution;
  readonly stsLatencyMs?: number;
}

/** How the request ended: credentials from the cache or STS, or a failure. */
export type RequestEnding =
  | { readonly outcome: 'issued'; readonly cache: CacheOutcome }
  | { readonly outcome: 'refused'; readonly failure: BrokerError };

/**
 * The audit event of one request, derived from what the broker learned and how it ended.
 * A refused proof is recorded under the rule `identity-proof`; a denial under its rule, with
 * the rule's reason.
 *
 * @example
 * auditEventOf({ requestId, caller, decision }, { outcome: 'issued', cache: 'miss' }, 12);
 */
export function auditEventOf(facts: RequestFacts, ending: RequestEnding, latencyMs: number): AuditEvent {
  const { caller, decision, session } = facts;
  const failure = ending.outcome === 'refused' ? ending.failure : undefined;
  const ruleId = failure instanceof ProofRefusedError ? PROOF_RULE_ID : decision?.ruleId;
  return {
    requestId: facts.requestId,
    outcome: ending.outcome === 'issued' ? 'issued' : failure?.code === 'AccessDenied' ? 'denied' : 'failed',
    ...(caller && { callerArn: caller.arn, callerAccount: caller.accountId, verifiedBy: caller.verifiedBy }),
    ...(facts.targetRoleArn !== undefined && { targetRoleArn: facts.targetRoleArn }),
    ...(ruleId !== undefined && { ruleId }),
    ...(session && { sessionName: session.sessionName }),
    ...(decision?.effect === 'allow' && session && { durationSeconds: decision.durationSeconds }),
    ...(ending.outcome === 'issued' && { cache: ending.cache }),
    ...(failure && {
      code: failure.code,
      reason: decision?.effect === 'deny' ? decision.reason : failure.message,
    }),
    latencyMs,
    ...(facts.stsLatencyMs !== undefined && { stsLatencyMs: facts.stsLatencyMs }),
  };
}
