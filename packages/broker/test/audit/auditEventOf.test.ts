import { describe, expect, it } from 'vitest';
import { auditEventOf } from '../../src/audit/auditEventOf.ts';
import { AccessDeniedError, ProofRefusedError, UpstreamError, ValidationError } from '../../src/errors.ts';
import { type Caller, toCaller } from '../../src/identity/caller.ts';

const alice = toCaller('arn:aws:iam::111111111111:user/alice', '111111111111', 'identity-proof') as Caller;
const allowed = {
  effect: 'allow',
  ruleId: 'alice',
  accountId: '222222222222',
  durationSeconds: 1800,
  policyArns: [],
} as const;
const session = { sessionName: 'alice', sourceIdentity: 'alice', tags: [] };
const targetRoleArn = 'arn:aws:iam::222222222222:role/lambda_sts';
/** Everything the broker learns of a request that reaches STS. */
const complete = (stsLatencyMs: number) => ({
  requestId: 'r',
  caller: alice,
  decision: allowed,
  targetRoleArn,
  session,
  stsLatencyMs,
});

describe('auditEventOf', () => {
  it('records an issue with everything learned', () => {
    const facts = complete(7);
    expect(auditEventOf(facts, { outcome: 'issued', cache: 'miss' }, 12)).toEqual({
      requestId: 'r',
      outcome: 'issued',
      callerArn: alice.arn,
      callerAccount: '111111111111',
      verifiedBy: 'identity-proof',
      targetRoleArn,
      ruleId: 'alice',
      sessionName: 'alice',
      durationSeconds: 1800,
      cache: 'miss',
      latencyMs: 12,
      stsLatencyMs: 7,
    });
  });

  it('records a refused proof under identity-proof, with its reason and no caller', () => {
    const failure = new ProofRefusedError('Identity proof refused: x-amz-date is malformed');
    expect(auditEventOf({ requestId: 'r' }, { outcome: 'refused', failure }, 3)).toEqual({
      requestId: 'r',
      outcome: 'denied',
      ruleId: 'identity-proof',
      code: 'AccessDenied',
      reason: 'Identity proof refused: x-amz-date is malformed',
      latencyMs: 3,
    });
  });

  it('records a denial under its rule, with the rule reason', () => {
    const decision = {
      effect: 'deny',
      ruleId: 'freeze',
      accountId: '222222222222',
      reason: 'frozen',
    } as const;
    const failure = new AccessDeniedError('Access denied: frozen (freeze)');
    const event = auditEventOf(
      { requestId: 'r', caller: alice, decision, targetRoleArn },
      { outcome: 'refused', failure },
      3,
    );
    expect(event).toMatchObject({ outcome: 'denied', ruleId: 'freeze', reason: 'frozen', targetRoleArn });
    expect(event).not.toHaveProperty('durationSeconds');
    expect(event).not.toHaveProperty('cache');
  });

  it('records an STS failure as failed, with what was asked', () => {
    const failure = new UpstreamError('STS could not be reached');
    const facts = complete(3000);
    expect(auditEventOf(facts, { outcome: 'refused', failure }, 3001)).toMatchObject({
      outcome: 'failed',
      code: 'UpstreamError',
      ruleId: 'alice',
      reason: 'STS could not be reached',
      durationSeconds: 1800,
      stsLatencyMs: 3000,
    });
  });

  it('records a validation failure as failed, under no rule', () => {
    const failure = new ValidationError('Invalid request. policyArns: too many');
    const event = auditEventOf({ requestId: 'r', caller: alice }, { outcome: 'refused', failure }, 1);
    expect(event).toMatchObject({ outcome: 'failed', code: 'ValidationError', callerArn: alice.arn });
    expect(event).not.toHaveProperty('ruleId');
  });
});
