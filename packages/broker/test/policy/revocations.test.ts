import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createBroker } from '../../src/createBroker.ts';
import { type Caller, toCaller } from '../../src/identity/caller.ts';
import { authorize } from '../../src/policy/authorize.ts';
import { AccessPolicyError, parseAccessPolicy } from '../../src/policy/parseAccessPolicy.ts';
import { revocationEpoch } from '../../src/policy/revocationEpoch.ts';
import { ALICE, captureOutput, testConfig, verboseLogger } from '../support.ts';

const BOB = 'arn:aws:iam::111111111111:user/bob';
const alice = toCaller(ALICE, '111111111111', 'identity-proof') as Caller;
const bob = toCaller(BOB, '111111111111', 'identity-proof') as Caller;
const ciBuild = toCaller(
  'arn:aws:sts::111111111111:assumed-role/ci/build-42',
  '111111111111',
  'identity-proof',
) as Caller;

const policyWith = (revocations: object[]) =>
  JSON.stringify({
    version: 1,
    aliases: { prod: '222222222222', staging: '333333333333' },
    rules: [
      {
        id: 'everyone',
        effect: 'allow',
        callers: [ALICE, BOB, 'arn:aws:iam::111111111111:role/ci'],
        accounts: ['*'],
        roles: ['lambda_sts'],
      },
    ],
    revocations,
  });
const revoked = (extra: object = {}) => ({
  id: 'alice-leak',
  callers: [ALICE],
  revokedAt: '2026-12-01T15:35:00Z',
  reason: 'key leaked',
  ...extra,
});
const decide = (revocations: object[], caller: Caller | undefined, account = 'prod') =>
  authorize(
    parseAccessPolicy(policyWith(revocations)),
    caller,
    { account, roleName: 'lambda_sts' },
    { brokerAccountId: '111111111111' },
  );

describe('revocations in the access policy', () => {
  it('takes caller and role-wide revocations', () => {
    const policy = parseAccessPolicy(
      policyWith([
        revoked(),
        { id: 'all', roleWide: true, revokedAt: '2026-12-01T15:00:00Z', reason: 'unknown caller' },
      ]),
    );
    expect(policy.revocations.map((r) => r.id)).toEqual(['alice-leak', 'all']);
  });

  it.each([
    ['both callers and roleWide', revoked({ roleWide: true }), 'not both'],
    ['neither callers nor roleWide', { id: 'x', revokedAt: '2026-12-01T15:35:00Z', reason: 'r' }, 'not both'],
    ['a time with an offset', revoked({ revokedAt: '2026-12-01T15:35:00+01:00' }), 'UTC time'],
    ['a time that is no time', revoked({ revokedAt: '2026-13-45T25:61:00Z' }), 'real time'],
    ['an unknown alias', revoked({ accounts: ['dev'] }), 'unknown alias "dev"'],
    ['the id of a rule', revoked({ id: 'everyone' }), 'duplicates rule id'],
    ['no reason', revoked({ reason: '' }), 'must say why'],
    ['an unknown field', revoked({ until: 'tomorrow' }), 'until'],
  ])('refuses %s', (_, revocation, problem) => {
    expect(() => parseAccessPolicy(policyWith([revocation]))).toThrow(AccessPolicyError);
    expect(() => parseAccessPolicy(policyWith([revocation]))).toThrow(problem);
  });
});

describe('authorize with revocations', () => {
  it('denies the revoked caller, with the revocation as the deciding rule', () => {
    expect(decide([revoked()], alice)).toEqual({
      effect: 'deny',
      ruleId: 'alice-leak',
      accountId: '222222222222',
      reason: `${ALICE} is revoked (since 2026-12-01T15:35:00Z: key leaked)`,
    });
  });

  it('leaves other callers alone, and lets the caller in once lifted', () => {
    expect(decide([revoked()], bob).effect).toBe('allow');
    expect(decide([revoked({ liftedAt: '2026-12-01T15:40:00Z' })], alice).effect).toBe('allow');
  });

  it('keeps to the accounts it names, by alias or id', () => {
    expect(decide([revoked({ accounts: ['staging'] })], alice, 'prod').effect).toBe('allow');
    expect(decide([revoked({ accounts: ['staging'] })], alice, '333333333333').ruleId).toBe('alice-leak');
  });

  it("reaches a role's sessions by the role, and one session by its own ARN", () => {
    expect(decide([revoked({ callers: ['arn:aws:iam::111111111111:role/ci'] })], ciBuild).ruleId).toBe(
      'alice-leak',
    );
    expect(
      decide([revoked({ callers: ['arn:aws:sts::111111111111:assumed-role/ci/build-42'] })], ciBuild).ruleId,
    ).toBe('alice-leak');
    const other = toCaller(
      'arn:aws:sts::111111111111:assumed-role/ci/build-43',
      '111111111111',
      'identity-proof',
    );
    expect(
      decide([revoked({ callers: ['arn:aws:sts::111111111111:assumed-role/ci/build-42'] })], other as Caller)
        .effect,
    ).toBe('allow');
  });

  it('binds an unverified caller by every revocation in force, since it could be anyone', () => {
    const open = (revocations: object[]) =>
      authorize(
        parseAccessPolicy(
          JSON.stringify({
            ...JSON.parse(policyWith(revocations)),
            allowUnverifiedCallers: true,
            rules: [
              { id: 'anyone', effect: 'allow', callers: ['*'], accounts: ['*'], roles: ['lambda_sts'] },
            ],
          }),
        ),
        undefined,
        { account: 'prod', roleName: 'lambda_sts' },
        { brokerAccountId: '111111111111' },
      );
    expect(open([]).effect).toBe('allow');
    expect(open([revoked()]).ruleId).toBe('alice-leak');
    expect(open([revoked({ liftedAt: '2026-12-01T15:40:00Z' })]).effect).toBe('allow');
  });

  it('shuts nobody out with a role-wide revocation: it only denies sessions already issued', () => {
    expect(
      decide([{ id: 'all', roleWide: true, revokedAt: '2026-12-01T15:00:00Z', reason: 'r' }], alice).effect,
    ).toBe('allow');
  });

  it('gives the latest revokedAt that reaches a caller, lifted or role-wide included, for the cache key', () => {
    const policy = parseAccessPolicy(
      policyWith([
        revoked({ liftedAt: '2026-12-01T15:40:00Z' }),
        { id: 'all', roleWide: true, accounts: ['staging'], revokedAt: '2026-12-01T16:00:00Z', reason: 'r' },
      ]),
    );
    expect(revocationEpoch(policy, alice, '222222222222')).toBe('2026-12-01T15:35:00Z');
    expect(revocationEpoch(policy, alice, '333333333333')).toBe('2026-12-01T16:00:00Z');
    expect(revocationEpoch(policy, bob, '222222222222')).toBeNull();
  });
});

describe('the broker and a revocation', () => {
  const stsMock = mockClient(STSClient);
  afterEach(() => stsMock.reset());

  it('refuses the revoked caller, and never serves what it cached before, even once lifted', async () => {
    stsMock.on(AssumeRoleCommand).callsFake(async () => ({
      Credentials: {
        AccessKeyId: `ASIAEXAMPLE${stsMock.commandCalls(AssumeRoleCommand).length}`,
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
      AssumedRoleUser: {
        Arn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
        AssumedRoleId: 'AROA:x',
      },
    }));
    let text = policyWith([]);
    const run = createBroker({
      config: testConfig(),
      sts: new STSClient({ region: 'us-west-2' }),
      logger: verboseLogger(),
      loadPolicy: async () => parseAccessPolicy(text),
      verifyProof: async () => alice,
    });
    const ask = async () =>
      (
        await captureOutput(() =>
          run(
            {
              accountId: 'prod',
              identity: { url: 'https://sts.us-west-2.amazonaws.com/', headers: {}, body: '' },
            },
            { kind: 'invoke' },
            'r',
          ),
        )
      ).result;
    const first = await ask();
    expect(await ask()).toEqual(first); // served from the cache
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);

    text = policyWith([revoked()]);
    const refused = await ask();
    expect(refused).toMatchObject({
      error: { code: 'AccessDenied', message: expect.stringContaining('(alice-leak)') },
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);

    text = policyWith([revoked({ liftedAt: '2026-12-01T15:40:00Z' })]);
    const after = await ask();
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(after).not.toEqual(first);
  });
});
