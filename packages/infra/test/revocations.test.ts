import { runSimulation } from '@cloud-copilot/iam-simulate';
import { sourceIdentityOf } from '@stscreds/broker';
import type { PolicyDocument } from '@stscreds/iam/policies';
import {
  type RevocationInput,
  RevocationPolicyTooLargeError,
  type RevocationTarget,
  revocationPolicy,
} from '@stscreds/iam/revocations';
import { describe, expect, it } from 'vitest';

const ALICE = sourceIdentityOf('arn:aws:iam::111111111111:user/alice');
const BOB = sourceIdentityOf('arn:aws:iam::111111111111:user/bob');
const PROD = '222222222222';
const SCP: RevocationTarget = { kind: 'scp', targetRoleName: 'lambda_sts', partition: 'aws' };
const INLINE: RevocationTarget = { kind: 'inline', accountId: PROD };
const REVOKED_AT = '2026-12-01T15:35:00Z';
const NOW = Date.parse('2026-12-01T15:30:00Z');
const FULL_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const S3_FULL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };

const aliceRevoked: RevocationInput = {
  id: 'leak',
  sourceIdentities: [ALICE],
  revokedAt: REVOKED_AT,
  lifted: false,
};

/** A session of lambda_sts in prod, as the broker would have issued it, reading an object. */
const simulate = async (
  how: { scp?: PolicyDocument; inline?: PolicyDocument },
  session: { sourceIdentity: string; issuedAt: string },
) => {
  const answer = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${PROD}:assumed-role/lambda_sts/session`,
        action: 's3:GetObject',
        resource: { resource: 'arn:aws:s3:::stscreds-dev-prod-222222222222/report.csv', accountId: PROD },
        contextVariables: {
          'aws:SourceIdentity': session.sourceIdentity,
          'aws:TokenIssueTime': session.issuedAt,
          'aws:PrincipalArn': `arn:aws:iam::${PROD}:role/lambda_sts`,
          'aws:PrincipalAccount': PROD,
        },
      },
      identityPolicies: [
        { name: 'AmazonS3FullAccess', policy: S3_FULL },
        ...(how.inline ? [{ name: 'stscreds-revocations', policy: how.inline }] : []),
      ],
      serviceControlPolicies: how.scp
        ? [
            {
              orgIdentifier: 'r-root',
              policies: [
                { name: 'FullAWSAccess', policy: FULL_ACCESS },
                { name: 'stscreds-revocations', policy: how.scp },
              ],
            },
            { orgIdentifier: PROD, policies: [{ name: 'FullAWSAccess', policy: FULL_ACCESS }] },
          ]
        : [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (answer.resultType === 'error') throw new Error(answer.errors.message);
  return answer.overallResult;
};

describe.each([
  ['a service control policy', SCP],
  ["an inline policy on prod's lambda_sts", INLINE],
])('a revocation delivered as %s, in the IAM simulator', (_, target) => {
  const deliver = (revocations: RevocationInput[], now = NOW) => {
    const document = revocationPolicy(revocations, target, now);
    if (!document) throw new Error('nothing to deliver');
    return target.kind === 'scp' ? { scp: document } : { inline: document };
  };

  it("denies the revoked caller's session issued before the revocation", async () => {
    expect(
      await simulate(deliver([aliceRevoked]), { sourceIdentity: ALICE, issuedAt: '2026-12-01T15:10:00Z' }),
    ).toBe('ExplicitlyDenied');
  });

  it("allows another caller's session issued at the same time", async () => {
    expect(
      await simulate(deliver([aliceRevoked]), { sourceIdentity: BOB, issuedAt: '2026-12-01T15:10:00Z' }),
    ).toBe('Allowed');
  });

  it('allows a session issued after the revocation was lifted', async () => {
    // Lifting at 15:32 moves revokedAt back to the lift, and the broker issues again.
    const lifted = { ...aliceRevoked, revokedAt: '2026-12-01T15:32:00Z', lifted: true };
    const after = deliver([lifted], Date.parse('2026-12-01T15:33:00Z'));
    expect(await simulate(after, { sourceIdentity: ALICE, issuedAt: '2026-12-01T15:33:00Z' })).toBe(
      'Allowed',
    );
    expect(await simulate(after, { sourceIdentity: ALICE, issuedAt: '2026-12-01T15:10:00Z' })).toBe(
      'ExplicitlyDenied',
    );
  });

  it('denies every session of the role issued before a role-wide revocation, whoever the caller', async () => {
    const roleWide = deliver([{ id: 'all', revokedAt: REVOKED_AT, lifted: false }]);
    expect(await simulate(roleWide, { sourceIdentity: BOB, issuedAt: '2026-12-01T15:10:00Z' })).toBe(
      'ExplicitlyDenied',
    );
    expect(await simulate(roleWide, { sourceIdentity: BOB, issuedAt: '2026-12-01T15:36:00Z' })).toBe(
      'Allowed',
    );
  });
});

describe('revocationPolicy', () => {
  it('scopes a revocation of some accounts with aws:PrincipalAccount in the SCP, and leaves other accounts out of inline', async () => {
    const stagingOnly = { ...aliceRevoked, accountIds: ['333333333333'] };
    const scp = revocationPolicy([stagingOnly], SCP, NOW);
    expect(
      scp && (await simulate({ scp }, { sourceIdentity: ALICE, issuedAt: '2026-12-01T15:10:00Z' })),
    ).toBe('Allowed');
    expect(revocationPolicy([stagingOnly], INLINE, NOW)).toBeUndefined();
  });

  it('leaves out revocations whose sessions have all expired, an hour after revokedAt', () => {
    expect(revocationPolicy([aliceRevoked], SCP, Date.parse(REVOKED_AT) + 3_600_000)).toBeUndefined();
    expect(revocationPolicy([aliceRevoked], SCP, Date.parse(REVOKED_AT) + 3_599_999)).toBeDefined();
  });

  it('compacts revocations in force into one statement, and keeps lifted ones apart', () => {
    const many: RevocationInput[] = Array.from({ length: 40 }, (_, i) => ({
      id: `r${i}`,
      sourceIdentities: [sourceIdentityOf(`arn:aws:iam::111111111111:user/user${i}`)],
      revokedAt: `2026-12-01T15:${String(10 + (i % 20)).padStart(2, '0')}:00Z`,
      lifted: false,
    }));
    const lifted = { ...aliceRevoked, lifted: true, revokedAt: '2026-12-01T15:20:00Z' };
    const document = revocationPolicy([...many, lifted], SCP, NOW);
    expect(document?.Statement).toHaveLength(2);
    expect(JSON.stringify(document?.Statement[0])).toContain('2026-12-01T15:29:00Z');
    expect(JSON.stringify(document?.Statement[1])).toContain('2026-12-01T15:20:00Z');
  });

  it('refuses, naming the sizes, what does not fit an SCP even compacted; a role holds twice as much', () => {
    const many: RevocationInput[] = Array.from({ length: 200 }, (_, i) => ({
      id: `r${i}`,
      sourceIdentities: [sourceIdentityOf(`arn:aws:iam::111111111111:user/user-number-${i}`)],
      revokedAt: REVOKED_AT,
      lifted: false,
    }));
    expect(() => revocationPolicy(many, SCP, NOW)).toThrow(RevocationPolicyTooLargeError);
    expect(() => revocationPolicy(many, SCP, NOW)).toThrow(/over the 5120 AWS allows/);
    expect(() => revocationPolicy(many.slice(0, 120), SCP, NOW)).toThrow(RevocationPolicyTooLargeError);
    expect(revocationPolicy(many.slice(0, 120), INLINE, NOW)).toBeDefined();
    // The role's other inline policies share its 10,240 characters.
    expect(() =>
      revocationPolicy(many.slice(0, 120), { ...INLINE, otherInlineCharacters: 8_000 }, NOW),
    ).toThrow(RevocationPolicyTooLargeError);
  });
});
