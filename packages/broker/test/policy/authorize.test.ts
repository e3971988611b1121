import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { type Caller, toCaller } from '../../src/identity/caller.ts';
import { type AccessRequest, authorize, type Decision } from '../../src/policy/authorize.ts';
import { type AccessPolicy, parseAccessPolicy } from '../../src/policy/parseAccessPolicy.ts';

const PROD = '222222222222';
const STAGING = '333333333333';
const OTHER = '444444444444';

const ALICE_ARN = 'arn:aws:iam::111111111111:user/alice';
const BOB_ARN = 'arn:aws:iam::555555555555:user/bob';
const CI_SESSION_ARN = 'arn:aws:sts::111111111111:assumed-role/ci-deploy/build-42';
const CI_ROLE_ARN = 'arn:aws:iam::111111111111:role/ci-deploy';

const callerOf = (arn: string): Caller => {
  const caller = toCaller(arn, arn.split(':')[4] ?? '', 'identity-proof');
  if (!caller) throw new Error(`not a caller: ${arn}`);
  return caller;
};

const alice = callerOf(ALICE_ARN);
const bob = callerOf(BOB_ARN);
const ci = callerOf(CI_SESSION_ARN);

interface RuleInput {
  id: string;
  effect?: 'allow' | 'deny';
  callers?: string[];
  accounts?: string[];
  roles?: string[];
  maxDurationSeconds?: number;
  policyArns?: string[];
}

const rule = ({
  effect = 'allow',
  callers = ['*'],
  accounts = ['*'],
  roles = ['*'],
  ...rest
}: RuleInput) => ({
  effect,
  callers,
  accounts,
  roles,
  ...rest,
});

/** A policy parsed from its JSON text, as the broker would load it. */
const policyOf = (
  rules: RuleInput[],
  extra: { allowUnverifiedCallers?: boolean; trustedCallerAccounts?: string[] } = {},
): AccessPolicy =>
  parseAccessPolicy(
    JSON.stringify({
      version: 1,
      aliases: { prod: PROD, live: PROD, staging: STAGING },
      trustedCallerAccounts: ['111111111111', '555555555555'],
      rules: rules.map(rule),
      ...extra,
    }),
  );

const request = (overrides: Partial<AccessRequest> = {}): AccessRequest => ({
  account: PROD,
  roleName: 'lambda_sts',
  ...overrides,
});

const effectOf = (decision: Decision): string => `${decision.effect}:${decision.ruleId}`;

describe('authorize', () => {
  describe('accounts and aliases', () => {
    it.each([
      ['alias', 'prod', 'alias', 'prod'],
      ['alias', 'prod', 'id', PROD],
      ['id', PROD, 'alias', 'prod'],
      ['id', PROD, 'id', PROD],
      ['another alias of the same account', 'live', 'alias', 'prod'],
      ['*', '*', 'alias', 'staging'],
      ['*', '*', 'id', OTHER],
    ])('a rule naming the %s %s allows a request by %s %s', (_kind, entry, _by, account) => {
      const decision = authorize(policyOf([{ id: 'r', accounts: [entry] }]), alice, request({ account }));
      expect(decision.effect).toBe('allow');
      expect(decision.ruleId).toBe('r');
    });

    it.each([
      ['prod', STAGING],
      ['prod', 'staging'],
      [PROD, 'staging'],
      [STAGING, OTHER],
    ])('a rule naming %s does not cover %s', (entry, account) => {
      expect(
        effectOf(authorize(policyOf([{ id: 'r', accounts: [entry] }]), alice, request({ account }))),
      ).toBe('deny:default-deny');
    });

    it('answers the account id an alias resolves to, in allows and denies alike', () => {
      const policy = policyOf([
        { id: 'to-prod', accounts: ['prod'] },
        { id: 'no-staging', effect: 'deny', accounts: ['staging'] },
      ]);
      expect(authorize(policy, alice, request({ account: 'live' })).accountId).toBe(PROD);
      expect(authorize(policy, alice, request({ account: 'staging' }))).toMatchObject({
        effect: 'deny',
        ruleId: 'no-staging',
        accountId: STAGING,
      });
      expect(authorize(policy, alice, request({ account: OTHER }))).toMatchObject({
        effect: 'deny',
        ruleId: 'default-deny',
        accountId: OTHER,
      });
    });

    it.each(['prd', 'Prod', '*', 'constructor', 'toString', '__proto__', ''])(
      'throws ValidationError for %j, which no alias defines',
      (account) => {
        const policy = policyOf([{ id: 'anything' }]);
        expect(() => authorize(policy, alice, request({ account }))).toThrow(ValidationError);
        expect(() => authorize(policy, alice, request({ account }))).toThrow(
          `Invalid request. accountId: "${account}" is not an alias the access policy defines`,
        );
      },
    );

    it('checks the alias before the caller, so an unverified caller learns the same', () => {
      expect(() => authorize(policyOf([]), undefined, request({ account: 'prd' }))).toThrow(ValidationError);
    });
  });

  describe('caller and role patterns', () => {
    it.each([
      [ALICE_ARN, alice, true],
      [ALICE_ARN, bob, false],
      ['arn:aws:iam::111111111111:user/*', alice, true],
      ['arn:aws:iam::111111111111:user/*', bob, false],
      ['arn:aws:iam::111111111111:user/*', ci, false],
      ['arn:aws:iam::*:user/*', bob, true],
      ['arn:aws:iam::111111111111:user/al?ce', alice, true],
      ['arn:aws:iam::111111111111:user/a?ce', alice, false],
      ['arn:aws:iam::111111111111:*', ci, true],
      ['arn:aws:iam::111111111111:*', bob, false],
      ['arn:aws:iam::55555555555?:user/bob', bob, true],
      ['arn:aws:iam::111111111111:user/ALICE', alice, true],
      ['*', bob, true],
    ])('caller pattern %s for %o: allowed %s', (pattern, caller, allowed) => {
      const decision = authorize(policyOf([{ id: 'r', callers: [pattern] }]), caller, request());
      expect(effectOf(decision)).toBe(allowed ? 'allow:r' : 'deny:default-deny');
    });

    it.each([
      ['lambda_sts', 'lambda_sts', true],
      ['lambda_sts', 'lambda_st', false],
      ['lambda_sts', 'Lambda_sts', true],
      ['deploy-*', 'deploy-prod', true],
      ['deploy-*', 'deploy-', true],
      ['deploy-*', 'deploy', false],
      ['deploy-*', 'xdeploy-prod', false],
      ['?eploy', 'deploy', true],
      ['?eploy', 'redeploy', false],
      ['read-on??', 'read-only', true],
      ['read-on??', 'read-on', false],
      ['*', 'anything', true],
    ])('role pattern %s for role %s: allowed %s', (pattern, roleName, allowed) => {
      const decision = authorize(policyOf([{ id: 'r', roles: [pattern] }]), alice, request({ roleName }));
      expect(effectOf(decision)).toBe(allowed ? 'allow:r' : 'deny:default-deny');
    });

    it('needs caller, account and role to match together in one rule', () => {
      const policy = policyOf([
        { id: 'alice-anywhere-readonly', callers: [ALICE_ARN], roles: ['read-only'] },
        { id: 'anyone-staging-deploy', accounts: ['staging'], roles: ['deploy'] },
      ]);
      expect(effectOf(authorize(policy, alice, request({ roleName: 'read-only' })))).toBe(
        'allow:alice-anywhere-readonly',
      );
      expect(effectOf(authorize(policy, bob, request({ account: 'staging', roleName: 'deploy' })))).toBe(
        'allow:anyone-staging-deploy',
      );
      expect(effectOf(authorize(policy, alice, request({ roleName: 'deploy' })))).toBe('deny:default-deny');
      expect(effectOf(authorize(policy, bob, request({ roleName: 'read-only' })))).toBe('deny:default-deny');
    });

    it('lets any entry of a list match', () => {
      const policy = policyOf([
        { id: 'r', callers: [BOB_ARN, ALICE_ARN], accounts: [OTHER, 'staging'], roles: ['x', 'deploy'] },
      ]);
      expect(effectOf(authorize(policy, alice, request({ account: STAGING, roleName: 'deploy' })))).toBe(
        'allow:r',
      );
      expect(effectOf(authorize(policy, bob, request({ account: OTHER, roleName: 'x' })))).toBe('allow:r');
    });
  });

  describe('assumed-role callers', () => {
    it('matches an assumed-role session as its role ARN', () => {
      expect(ci.principalArn).toBe(CI_ROLE_ARN);
      expect(effectOf(authorize(policyOf([{ id: 'ci', callers: [CI_ROLE_ARN] }]), ci, request()))).toBe(
        'allow:ci',
      );
      expect(
        effectOf(
          authorize(
            policyOf([{ id: 'ci', callers: ['arn:aws:iam::111111111111:role/ci-*'] }]),
            ci,
            request(),
          ),
        ),
      ).toBe('allow:ci');
    });

    it('matches an assumed-role session by its own session ARN too, and only that session', () => {
      for (const pattern of [CI_SESSION_ARN, 'arn:aws:sts::111111111111:assumed-role/ci-deploy/*']) {
        expect(effectOf(authorize(policyOf([{ id: 'ci', callers: [pattern] }]), ci, request()))).toBe(
          'allow:ci',
        );
      }
      const other = callerOf('arn:aws:sts::111111111111:assumed-role/ci-deploy/build-43');
      expect(effectOf(authorize(policyOf([{ id: 'ci', callers: [CI_SESSION_ARN] }]), other, request()))).toBe(
        'deny:default-deny',
      );
    });

    it('denies the session a deny rule names by its session ARN, as the audit log shows it', () => {
      const mallory = callerOf('arn:aws:sts::111111111111:assumed-role/ci-deploy/mallory');
      const policy = policyOf([
        { id: 'ci', callers: [CI_ROLE_ARN] },
        { id: 'no-mallory', effect: 'deny', callers: [mallory.arn] },
        { id: 'no-mallory-anywhere', effect: 'deny', callers: ['arn:aws:sts::*:assumed-role/*/mallory'] },
      ]);
      expect(authorize(policy, mallory, request())).toEqual({
        effect: 'deny',
        ruleId: 'no-mallory',
        accountId: PROD,
        reason: `rule no-mallory denies ${mallory.arn}`,
      });
      expect(
        effectOf(authorize(policy, callerOf(mallory.arn.replace('mallory', 'MALLORY')), request())),
      ).toBe('deny:no-mallory');
      expect(effectOf(authorize(policy, ci, request()))).toBe('allow:ci');
    });

    it('denies every session of a denied role', () => {
      const policy = policyOf([{ id: 'all' }, { id: 'no-ci', effect: 'deny', callers: [CI_ROLE_ARN] }]);
      for (const session of ['build-1', 'build-2', 'alice']) {
        const caller = callerOf(`arn:aws:sts::111111111111:assumed-role/ci-deploy/${session}`);
        expect(authorize(policy, caller, request())).toMatchObject({
          effect: 'deny',
          ruleId: 'no-ci',
          reason: `rule no-ci denies ${caller.arn}`,
        });
      }
      expect(effectOf(authorize(policy, alice, request()))).toBe('allow:all');
    });
  });

  describe('explicit deny', () => {
    const allowRule: RuleInput = { id: 'allow-alice', callers: [ALICE_ARN] };
    const denyRule: RuleInput = { id: 'freeze-prod', effect: 'deny', accounts: ['prod'] };

    it.each([
      ['after', [allowRule, denyRule]],
      ['before', [denyRule, allowRule]],
    ])('wins over an allow when it comes %s it', (_order, rules) => {
      expect(authorize(policyOf(rules), alice, request({ account: 'prod' }))).toEqual({
        effect: 'deny',
        ruleId: 'freeze-prod',
        accountId: PROD,
        reason: `rule freeze-prod denies ${ALICE_ARN}`,
      });
    });

    it('names the first matching deny rule in document order', () => {
      const policy = policyOf([
        allowRule,
        { id: 'deny-other-role', effect: 'deny', roles: ['admin'] },
        { id: 'deny-a', effect: 'deny' },
        { id: 'deny-b', effect: 'deny' },
      ]);
      expect(authorize(policy, alice, request()).ruleId).toBe('deny-a');
    });

    it('wins even where no duration would fit', () => {
      const policy = policyOf([{ id: 'short', maxDurationSeconds: 900 }, denyRule]);
      expect(effectOf(authorize(policy, alice, request({ durationSeconds: 3600 })))).toBe('deny:freeze-prod');
    });

    it('only where it matches caller, account and role', () => {
      const policy = policyOf([allowRule, denyRule]);
      expect(effectOf(authorize(policy, alice, request({ account: STAGING })))).toBe('allow:allow-alice');
      const narrow = policyOf([allowRule, { id: 'no-bob', effect: 'deny', callers: [BOB_ARN] }]);
      expect(effectOf(authorize(narrow, alice, request()))).toBe('allow:allow-alice');
      const role = policyOf([allowRule, { id: 'no-admin', effect: 'deny', roles: ['admin*'] }]);
      expect(effectOf(authorize(role, alice, request({ roleName: 'lambda_sts' })))).toBe('allow:allow-alice');
      expect(effectOf(authorize(role, alice, request({ roleName: 'administrator' })))).toBe('deny:no-admin');
    });
  });

  describe('default deny', () => {
    it('denies when no rule matches, naming default-deny', () => {
      expect(authorize(policyOf([]), alice, request({ account: 'staging', roleName: 'deploy' }))).toEqual({
        effect: 'deny',
        ruleId: 'default-deny',
        accountId: STAGING,
        reason: `no rule allows ${ALICE_ARN} to assume deploy in ${STAGING}`,
      });
    });

    it('denies when only other callers are allowed', () => {
      expect(effectOf(authorize(policyOf([{ id: 'bob', callers: [BOB_ARN] }]), alice, request()))).toBe(
        'deny:default-deny',
      );
    });
  });

  describe('unverified callers', () => {
    it('are denied as unverified-caller unless the policy allows them', () => {
      expect(authorize(policyOf([{ id: 'anyone' }]), undefined, request({ account: 'prod' }))).toEqual({
        effect: 'deny',
        ruleId: 'unverified-caller',
        accountId: PROD,
        reason: 'an identity proof is required: the access policy does not allow unverified callers',
      });
    });

    it('are decided by the rules for anyone (*) when the policy allows them', () => {
      const policy = policyOf([{ id: 'anyone', roles: ['lambda_sts'] }], { allowUnverifiedCallers: true });
      expect(authorize(policy, undefined, request())).toEqual({
        effect: 'allow',
        ruleId: 'anyone',
        accountId: PROD,
        durationSeconds: 3600,
        policyArns: [],
      });
      expect(authorize(policy, undefined, request({ roleName: 'deploy' }))).toMatchObject({
        effect: 'deny',
        ruleId: 'default-deny',
        reason: `no rule allows an unverified caller to assume deploy in ${PROD}`,
      });
    });

    it.each(['arn:*:iam::*:*', 'arn:aws:iam::*:*', 'arn:aws:iam::111111111111:*', ALICE_ARN])(
      'are not matched by the caller pattern %s, wildcards or not',
      (pattern) => {
        const policy = policyOf([{ id: 'r', callers: [pattern] }], { allowUnverifiedCallers: true });
        expect(effectOf(authorize(policy, undefined, request()))).toBe('deny:default-deny');
      },
    );

    it('are matched by a rule that lists * among other caller patterns', () => {
      const policy = policyOf([{ id: 'r', callers: [ALICE_ARN, '*'] }], { allowUnverifiedCallers: true });
      expect(effectOf(authorize(policy, undefined, request()))).toBe('allow:r');
    });

    it('are denied by every deny rule for the account and role, whatever callers it names', () => {
      const forAnyone = policyOf([{ id: 'anyone' }, { id: 'freeze', effect: 'deny', accounts: ['prod'] }], {
        allowUnverifiedCallers: true,
      });
      expect(authorize(forAnyone, undefined, request())).toMatchObject({
        effect: 'deny',
        ruleId: 'freeze',
        reason: 'rule freeze denies callers that an unverified caller may be',
      });
      const forBob = policyOf([{ id: 'anyone' }, { id: 'no-bob', effect: 'deny', callers: [BOB_ARN] }], {
        allowUnverifiedCallers: true,
      });
      expect(effectOf(authorize(forBob, bob, request()))).toBe('deny:no-bob');
      // bob, sending no proof, must not get what he is denied when he proves who he is.
      expect(effectOf(authorize(forBob, undefined, request()))).toBe('deny:no-bob');
      expect(effectOf(authorize(forBob, undefined, request({ account: STAGING })))).toBe('deny:no-bob');
      expect(effectOf(authorize(forBob, alice, request()))).toBe('allow:anyone');
    });

    it('are not denied by a deny rule for another account or role', () => {
      const policy = policyOf(
        [{ id: 'anyone' }, { id: 'no-bob-admin', effect: 'deny', callers: [BOB_ARN], roles: ['admin'] }],
        { allowUnverifiedCallers: true },
      );
      expect(effectOf(authorize(policy, undefined, request()))).toBe('allow:anyone');
      expect(effectOf(authorize(policy, undefined, request({ roleName: 'Admin' })))).toBe(
        'deny:no-bob-admin',
      );
    });

    it('do not change how verified callers are decided', () => {
      const policy = policyOf([{ id: 'alice', callers: [ALICE_ARN] }], { allowUnverifiedCallers: true });
      expect(effectOf(authorize(policy, alice, request()))).toBe('allow:alice');
      expect(effectOf(authorize(policy, bob, request()))).toBe('deny:default-deny');
      expect(effectOf(authorize(policy, undefined, request()))).toBe('deny:default-deny');
    });
  });

  describe('durations', () => {
    it('denies a duration over the rule cap, naming the rule and the cap', () => {
      expect(
        authorize(
          policyOf([{ id: 'short', maxDurationSeconds: 900 }]),
          alice,
          request({ durationSeconds: 1800 }),
        ),
      ).toEqual({
        effect: 'deny',
        ruleId: 'short',
        accountId: PROD,
        reason: 'durationSeconds 1800 is over the 900 seconds that rule short allows',
      });
    });

    it('allows a duration at or under the cap, as asked', () => {
      const policy = policyOf([{ id: 'half', maxDurationSeconds: 1800 }]);
      expect(authorize(policy, alice, request({ durationSeconds: 1800 }))).toMatchObject({
        effect: 'allow',
        durationSeconds: 1800,
      });
      expect(authorize(policy, alice, request({ durationSeconds: 1799 }))).toMatchObject({
        effect: 'allow',
        durationSeconds: 1799,
      });
      expect(effectOf(authorize(policy, alice, request({ durationSeconds: 1801 })))).toBe('deny:half');
    });

    it('gives a request without a duration the rule cap', () => {
      const decision = authorize(policyOf([{ id: 'short', maxDurationSeconds: 900 }]), alice, request());
      expect(decision).toMatchObject({ effect: 'allow', ruleId: 'short', durationSeconds: 900 });
    });

    it('gives a request without a duration 3600 under a rule without a cap', () => {
      const decision = authorize(policyOf([{ id: 'open' }]), alice, request({ durationSeconds: undefined }));
      expect(decision).toMatchObject({ effect: 'allow', ruleId: 'open', durationSeconds: 3600 });
    });

    it('allows up to 3600 under a rule without a cap', () => {
      expect(authorize(policyOf([{ id: 'open' }]), alice, request({ durationSeconds: 3600 }))).toMatchObject({
        effect: 'allow',
        durationSeconds: 3600,
      });
    });

    it('denies over 3600 under a rule without a cap, naming the 3600 that applies', () => {
      const decision = authorize(policyOf([{ id: 'open' }]), alice, request({ durationSeconds: 7200 }));
      expect(decision.effect).toBe('deny');
      expect(decision.ruleId).toBe('open');
      expect(decision).toMatchObject({
        reason: 'durationSeconds 7200 is over the 3600 seconds that rule open allows',
      });
    });

    it('falls through to a later allow rule whose cap fits', () => {
      const policy = policyOf([
        { id: 'short', maxDurationSeconds: 900 },
        { id: 'long', maxDurationSeconds: 3600 },
      ]);
      expect(authorize(policy, alice, request({ durationSeconds: 1800 }))).toMatchObject({
        effect: 'allow',
        ruleId: 'long',
        durationSeconds: 1800,
      });
      expect(authorize(policy, alice, request({ durationSeconds: 900 }))).toMatchObject({
        ruleId: 'short',
        durationSeconds: 900,
      });
      expect(authorize(policy, alice, request())).toMatchObject({ ruleId: 'short', durationSeconds: 900 });
    });

    it('names the first matching allow rule when none fits', () => {
      const policy = policyOf([
        { id: 'other-role', roles: ['deploy'], maxDurationSeconds: 3600 },
        { id: 'first', maxDurationSeconds: 900 },
        { id: 'second', maxDurationSeconds: 1200 },
      ]);
      expect(authorize(policy, alice, request({ durationSeconds: 1800 }))).toMatchObject({
        effect: 'deny',
        ruleId: 'first',
        reason: 'durationSeconds 1800 is over the 900 seconds that rule first allows',
      });
    });
  });

  describe('trusted caller accounts', () => {
    const STRANGER = callerOf('arn:aws:iam::999999999999:user/alice');
    const open = (extra = {}) =>
      policyOf([{ id: 'anyone' }, { id: 'any-alice', callers: ['arn:aws:iam::*:user/alice'] }], extra);

    it('denies a caller of an account the policy does not trust before any rule, even a rule for *', () => {
      expect(authorize(open(), STRANGER, request())).toEqual({
        effect: 'deny',
        ruleId: 'untrusted-account',
        accountId: PROD,
        reason:
          '999999999999, the account of arn:aws:iam::999999999999:user/alice, is not one the access policy trusts callers from',
      });
      expect(effectOf(authorize(open(), alice, request()))).toBe('allow:anyone');
    });

    it("trusts the broker's own account whatever the policy lists, and only that one by default", () => {
      const none = open({ trustedCallerAccounts: [] });
      const context = { brokerAccountId: '999999999999' };
      expect(effectOf(authorize(none, STRANGER, request(), context))).toBe('allow:anyone');
      expect(effectOf(authorize(none, alice, request(), context))).toBe('deny:untrusted-account');
      expect(effectOf(authorize(none, alice, request()))).toBe('deny:untrusted-account');
      expect(effectOf(authorize(open(), STRANGER, request(), { brokerAccountId: '111111111111' }))).toBe(
        'deny:untrusted-account',
      );
    });

    it('takes trusted accounts by alias too', () => {
      const policy = open({ trustedCallerAccounts: ['staging'] });
      const fromStaging = callerOf('arn:aws:iam::333333333333:user/carol');
      expect(effectOf(authorize(policy, fromStaging, request()))).toBe('allow:anyone');
      expect(effectOf(authorize(policy, alice, request()))).toBe('deny:untrusted-account');
    });

    it('is checked before the deny rules, and names no rule a stranger could learn from', () => {
      const policy = policyOf([{ id: 'freeze', effect: 'deny' }]);
      expect(effectOf(authorize(policy, STRANGER, request()))).toBe('deny:untrusted-account');
    });
  });

  describe('names in any case', () => {
    const policy = policyOf([
      { id: 'anyone' },
      { id: 'no-admin', effect: 'deny', roles: ['Admin*'] },
      { id: 'no-ci-admin', effect: 'deny', callers: ['arn:aws:iam::111111111111:role/CI-*'], roles: ['ops'] },
    ]);

    it.each(['Admin', 'admin', 'ADMIN', 'administrator', 'aDmIn-prod'])(
      'denies the role %s, which IAM takes as the role a deny on Admin* names',
      (roleName) => {
        expect(effectOf(authorize(policy, alice, request({ roleName })))).toBe('deny:no-admin');
      },
    );

    it('denies a caller whose role differs from the pattern only in case', () => {
      expect(effectOf(authorize(policy, ci, request({ roleName: 'ops' })))).toBe('deny:no-ci-admin');
      expect(effectOf(authorize(policy, ci, request({ roleName: 'OPS' })))).toBe('deny:no-ci-admin');
    });
  });

  describe('session policies', () => {
    const READONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
    const INLINE = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
    const forced = policyOf([{ id: 'readonly', policyArns: [READONLY] }]);

    it('sends a forced scope-down alone', () => {
      expect(authorize(forced, alice, request())).toEqual({
        effect: 'allow',
        ruleId: 'readonly',
        accountId: PROD,
        durationSeconds: 3600,
        policyArns: [READONLY],
      });
    });

    it.each([
      ['a policy ARN of its own', { policyArns: [ADMIN] }],
      ['a policy ARN of its own beside the forced one', { policyArns: [ADMIN, READONLY] }],
      ['an inline session policy', { policy: INLINE }],
      ['an inline session policy beside the forced ARN', { policy: INLINE, policyArns: [READONLY] }],
    ])('refuses a caller that brings %s under a forced scope-down, naming the rule', (_, asked) => {
      expect(authorize(forced, alice, request(asked))).toEqual({
        effect: 'deny',
        ruleId: 'readonly',
        accountId: PROD,
        reason: `rule readonly forces the session policies ${READONLY}: it takes no policy, and no policyArns beyond those, from the caller`,
      });
    });

    it('takes a caller naming only the forced policies, which changes nothing', () => {
      expect(authorize(forced, alice, request({ policyArns: [READONLY, READONLY] }))).toMatchObject({
        effect: 'allow',
        policyArns: [READONLY],
      });
      expect(authorize(forced, alice, request({ policyArns: [] }))).toMatchObject({ policyArns: [READONLY] });
    });

    it('falls through to a later allow rule that forces nothing, which allowed as much anyway', () => {
      const policy = policyOf([
        { id: 'readonly', policyArns: [READONLY] },
        { id: 'open', callers: [ALICE_ARN] },
      ]);
      expect(authorize(policy, alice, request({ policy: INLINE, policyArns: [ADMIN] }))).toEqual({
        effect: 'allow',
        ruleId: 'open',
        accountId: PROD,
        durationSeconds: 3600,
        policy: INLINE,
        policyArns: [ADMIN],
      });
      expect(effectOf(authorize(policy, bob, request({ policyArns: [ADMIN] })))).toBe('deny:readonly');
    });

    it("sends the caller's own session policies under a rule that forces none, deduplicated", () => {
      expect(
        authorize(policyOf([{ id: 'r' }]), alice, request({ policy: INLINE, policyArns: [ADMIN, ADMIN] })),
      ).toMatchObject({ effect: 'allow', policy: INLINE, policyArns: [ADMIN] });
      expect(authorize(policyOf([{ id: 'r' }]), alice, request())).not.toHaveProperty('policy');
    });

    it('keeps a duration over the cap the reason when the first rule fits neither', () => {
      const policy = policyOf([{ id: 'readonly', maxDurationSeconds: 900, policyArns: [READONLY] }]);
      expect(authorize(policy, alice, request({ durationSeconds: 901, policy: INLINE }))).toMatchObject({
        ruleId: 'readonly',
        reason: 'durationSeconds 901 is over the 900 seconds that rule readonly allows',
      });
    });
  });

  describe('first fitting allow rule', () => {
    const first: RuleInput = {
      id: 'first',
      callers: [ALICE_ARN],
      maxDurationSeconds: 1800,
      policyArns: ['arn:aws:iam::aws:policy/First'],
    };
    const second: RuleInput = {
      id: 'second',
      callers: ['*'],
      maxDurationSeconds: 1200,
      policyArns: ['arn:aws:iam::aws:policy/Second'],
    };

    it.each([
      [[first, second], 'first', 1800, 'arn:aws:iam::aws:policy/First'],
      [[second, first], 'second', 1200, 'arn:aws:iam::aws:policy/Second'],
    ])('decides in document order (%#)', (rules, ruleId, durationSeconds, forced) => {
      expect(authorize(policyOf(rules), alice, request())).toEqual({
        effect: 'allow',
        ruleId,
        accountId: PROD,
        durationSeconds,
        policyArns: [forced],
      });
    });

    it('skips allow rules that do not match', () => {
      expect(authorize(policyOf([first, second]), bob, request())).toMatchObject({
        effect: 'allow',
        ruleId: 'second',
        policyArns: ['arn:aws:iam::aws:policy/Second'],
      });
    });
  });
});
