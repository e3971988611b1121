import { runSimulation } from '@cloud-copilot/iam-simulate';
import { type AccessRequest, authorize, parseAccessPolicy, toCaller } from '@stscreds/broker';
import { describe, expect, it } from 'vitest';

// What the IAM simulator shows of a forced scope-down. It models one session policy; a session
// with several (an inline one and managed ARNs) allows what any of them allows, so several are
// simulated as one document holding all their statements. The managed policies are stand-ins
// with the shape of the AWS ones, not their full text.
const READONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const MANAGED: Record<string, object[]> = {
  [READONLY]: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }],
  [ADMIN]: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};
const ALLOW_ALL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

const policy = parseAccessPolicy(
  JSON.stringify({
    version: 1,
    aliases: { prod: '222222222222' },
    rules: [
      {
        id: 'deploy-readonly',
        effect: 'allow',
        callers: ['arn:aws:iam::111111111111:user/alice'],
        accounts: ['prod'],
        roles: ['deploy'],
        policyArns: [READONLY],
      },
    ],
  }),
);
const alice = toCaller('arn:aws:iam::111111111111:user/alice', '111111111111', 'identity-proof');
if (!alice) throw new Error('alice is no caller');

/** Whether a session of `deploy` (which may do anything) with these session policies may do `action`. */
const sessionMay = async (
  action: string,
  sessionPolicy: { policy?: string; policyArns: readonly string[] },
) => {
  const statements = [
    ...sessionPolicy.policyArns.flatMap((arn) => MANAGED[arn] ?? []),
    ...(sessionPolicy.policy ? (JSON.parse(sessionPolicy.policy).Statement as object[]) : []),
  ];
  const answer = await runSimulation(
    {
      request: {
        principal: 'arn:aws:sts::222222222222:assumed-role/deploy/session',
        action,
        resource: {
          resource:
            action === 's3:GetObject' ? 'arn:aws:s3:::prod-data/report.csv' : 'arn:aws:s3:::prod-data',
          accountId: '222222222222',
        },
        contextVariables: {},
      },
      identityPolicies: [{ name: 'admin', policy: { Version: '2012-10-17', Statement: MANAGED[ADMIN] } }],
      sessionPolicy: { Version: '2012-10-17', Statement: statements },
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (answer.resultType === 'error') throw new Error(JSON.stringify(answer.errors));
  return answer.overallResult;
};

const ATTEMPTS: readonly [string, Partial<AccessRequest>][] = [
  ['nothing of its own', {}],
  ['the forced policy again', { policyArns: [READONLY] }],
  ['AdministratorAccess', { policyArns: [ADMIN] }],
  ['AdministratorAccess beside the forced policy', { policyArns: [ADMIN, READONLY] }],
  ['an inline allow-everything policy', { policy: ALLOW_ALL }],
  ['both', { policy: ALLOW_ALL, policyArns: [ADMIN, READONLY] }],
];

describe('a forced scope-down, in the IAM simulator', () => {
  it('would be void if the caller could add session policies of its own', async () => {
    expect(await sessionMay('s3:CreateBucket', { policyArns: [READONLY] })).toBe('ImplicitlyDenied');
    expect(await sessionMay('s3:CreateBucket', { policy: ALLOW_ALL, policyArns: [ADMIN, READONLY] })).toBe(
      'Allowed',
    );
  });

  it.each(ATTEMPTS)(
    'holds whatever the caller brings (%s): what the broker would send never allows more than the forced set',
    async (_, attempt) => {
      const decision = authorize(
        policy,
        alice,
        { account: 'prod', roleName: 'deploy', ...attempt },
        { brokerAccountId: '111111111111' },
      );
      if (decision.effect === 'deny') {
        expect(decision.ruleId).toBe('deploy-readonly');
        return;
      }
      expect(await sessionMay('s3:CreateBucket', decision)).toBe('ImplicitlyDenied');
      expect(await sessionMay('s3:GetObject', decision)).toBe('Allowed');
    },
  );

  it('lets through only the requests that bring nothing beyond the forced set', () => {
    const allowed = ATTEMPTS.filter(
      ([, attempt]) =>
        authorize(
          policy,
          alice,
          { account: 'prod', roleName: 'deploy', ...attempt },
          { brokerAccountId: '111111111111' },
        ).effect === 'allow',
    ).map(([name]) => name);
    expect(allowed).toEqual(['nothing of its own', 'the forced policy again']);
  });
});
