import { Logger } from '@aws-lambda-powertools/logger';
import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createBroker } from '../../src/createBroker.ts';
import { ValidationError } from '../../src/errors.ts';
import { type Caller, toCaller } from '../../src/identity/caller.ts';
import { type AccessRequest, authorize } from '../../src/policy/authorize.ts';
import { parseAccessPolicy } from '../../src/policy/parseAccessPolicy.ts';
import { testConfig } from '../support.ts';

const SEED = 20_260_611;
const NUM_RUNS = 500;

// ---------------------------------------------------------------------------------------------
// The universe: three callers, three accounts with aliases, three roles.

interface UniverseCaller {
  readonly arn: string;
  readonly account: string;
  /** The ARNs a policy matches the caller as (as reported, and as its role), written out by hand. */
  readonly matchAs: readonly string[];
}

const CALLERS: readonly UniverseCaller[] = [
  {
    arn: 'arn:aws:iam::111111111111:user/alice',
    account: '111111111111',
    matchAs: ['arn:aws:iam::111111111111:user/alice'],
  },
  {
    arn: 'arn:aws:sts::111111111111:assumed-role/ci-deploy/build-42',
    account: '111111111111',
    matchAs: [
      'arn:aws:sts::111111111111:assumed-role/ci-deploy/build-42',
      'arn:aws:iam::111111111111:role/ci-deploy',
    ],
  },
  {
    arn: 'arn:aws:iam::666666666666:user/bob',
    account: '666666666666',
    matchAs: ['arn:aws:iam::666666666666:user/bob'],
  },
];

const CALLER_PATTERNS = [
  ...CALLERS.flatMap((caller) => caller.matchAs),
  '*',
  'arn:aws:iam::111111111111:user/ALICE',
  'arn:aws:iam::111111111111:role/CI-*',
  'arn:aws:iam::111111111111:*',
  'arn:aws:iam::*:user/*',
  'arn:aws:iam::*:user/al?ce',
  'arn:aws:iam::111111111111:role/ci-?eploy',
  'arn:aws:iam::66666666666?:user/*',
  'arn:aws:sts::111111111111:assumed-role/ci-deploy/*',
  'arn:aws:sts::111111111111:assumed-role/ci-deploy/build-43',
];

const ACCOUNTS = ['222222222222', '333333333333', '444444444444'];
const ALIASES: Readonly<Record<string, string>> = {
  prod: '222222222222',
  live: '222222222222',
  staging: '333333333333',
};
const ACCOUNT_ENTRIES = [...ACCOUNTS, ...Object.keys(ALIASES), '*'];
/** `nowhere` is an alias the policy does not define. */
const REQUEST_ACCOUNTS = [...ACCOUNTS, ...Object.keys(ALIASES), 'nowhere'];

const ROLES = ['lambda_sts', 'deploy', 'read-only'];
const DEFAULT_ROLE = 'lambda_sts';
const ROLE_PATTERNS = [
  ...ROLES,
  '*',
  'dep*',
  '?eploy',
  'read-on??',
  'lambda_*',
  'nothing',
  'DEPLOY',
  'Read-*',
];
/** The broker's own account, always trusted; bob's account is trusted only when the policy says so. */
const BROKER_ACCOUNT = '111111111111';
const INLINE_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';

const FORCED_ARNS = ['A', 'B', 'C'].map((name) => `arn:aws:iam::aws:policy/${name}`);
const REQUEST_ARNS = ['B', 'C', 'D'].map((name) => `arn:aws:iam::aws:policy/${name}`);

// ---------------------------------------------------------------------------------------------
// Generators.

interface Rule {
  readonly id: string;
  readonly effect: 'allow' | 'deny';
  readonly callers: readonly string[];
  readonly accounts: readonly string[];
  readonly roles: readonly string[];
  readonly maxDurationSeconds?: number | undefined;
  readonly policyArns?: readonly string[] | undefined;
}

interface Doc {
  readonly version: 1;
  readonly allowUnverifiedCallers: boolean;
  readonly trustedCallerAccounts: readonly string[];
  readonly aliases: Readonly<Record<string, string>>;
  readonly rules: readonly Rule[];
}

const durationArb = fc.oneof(fc.constantFrom(900, 1800, 3600), fc.integer({ min: 900, max: 3600 }));

const ruleArb = fc
  .record({
    effect: fc.oneof(
      { arbitrary: fc.constant<'allow'>('allow'), weight: 5 },
      { arbitrary: fc.constant<'deny'>('deny'), weight: 1 },
    ),
    callers: fc.uniqueArray(fc.constantFrom(...CALLER_PATTERNS), { minLength: 1, maxLength: 3 }),
    accounts: fc.uniqueArray(fc.constantFrom(...ACCOUNT_ENTRIES), { minLength: 1, maxLength: 3 }),
    roles: fc.uniqueArray(fc.constantFrom(...ROLE_PATTERNS), { minLength: 1, maxLength: 3 }),
    maxDurationSeconds: fc.option(durationArb, { nil: undefined }),
    policyArns: fc.option(fc.uniqueArray(fc.constantFrom(...FORCED_ARNS), { maxLength: 3 }), {
      nil: undefined,
      freq: 2,
    }),
  })
  .map(({ effect, callers, accounts, roles, maxDurationSeconds, policyArns }) =>
    effect === 'deny'
      ? { effect, callers, accounts, roles }
      : { effect, callers, accounts, roles, maxDurationSeconds, policyArns },
  );

const docArb: fc.Arbitrary<Doc> = fc
  .record({
    allowUnverifiedCallers: fc.boolean(),
    trustedCallerAccounts: fc.subarray(['666666666666', 'staging']),
    rules: fc.array(ruleArb, { maxLength: 6 }),
  })
  .map(({ allowUnverifiedCallers, trustedCallerAccounts, rules }) => ({
    version: 1,
    allowUnverifiedCallers,
    trustedCallerAccounts,
    aliases: ALIASES,
    rules: rules.map((rule, index) => ({ id: `rule-${index}`, ...rule })),
  }));

interface Scenario {
  /** Undefined for an unverified caller. */
  readonly caller: UniverseCaller | undefined;
  readonly account: string;
  /** Undefined leaves the role to the broker's default. */
  readonly roleName: string | undefined;
  readonly durationSeconds: number | undefined;
  readonly policyArns: readonly string[] | undefined;
  readonly policy: string | undefined;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  caller: fc.oneof(
    { arbitrary: fc.constantFrom(...CALLERS), weight: 4 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  ),
  account: fc.constantFrom(...REQUEST_ACCOUNTS),
  roleName: fc.option(fc.constantFrom(...ROLES, 'Deploy', 'LAMBDA_STS'), { nil: undefined }),
  durationSeconds: fc.option(durationArb, { nil: undefined }),
  policyArns: fc.option(fc.uniqueArray(fc.constantFrom(...REQUEST_ARNS), { minLength: 1, maxLength: 3 }), {
    nil: undefined,
    freq: 2,
  }),
  policy: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 3 },
    { arbitrary: fc.constant(INLINE_POLICY), weight: 1 },
  ),
});

// ---------------------------------------------------------------------------------------------
// The reference: the rules of the access policy, written out as plainly as possible.

/** IAM wildcard matching by dynamic programming over characters, in any case: no regular expressions. */
const globMatches = (anyCasePattern: string, anyCaseValue: string): boolean => {
  const [pattern, value] = [anyCasePattern.toLowerCase(), anyCaseValue.toLowerCase()];
  // row[j]: the pattern so far matches the first j characters of value.
  let row: boolean[] = [true, ...Array.from(value, () => false)];
  for (const p of pattern) {
    const next: boolean[] = [p === '*' && row[0] === true];
    for (let j = 1; j <= value.length; j += 1) {
      next[j] =
        p === '*'
          ? row[j] === true || next[j - 1] === true
          : (p === '?' || p === value[j - 1]) && row[j - 1] === true;
    }
    row = next;
  }
  return row[value.length] === true;
};

type Expected =
  | { readonly kind: 'invalid' }
  | { readonly kind: 'deny'; readonly ruleId: string; readonly accountId: string }
  | {
      readonly kind: 'allow';
      readonly ruleId: string;
      readonly accountId: string;
      readonly durationSeconds: number;
      readonly policyArns: readonly string[];
      readonly policy: string | undefined;
    };

const reference = (doc: Doc, scenario: Scenario): Expected => {
  const roleName = scenario.roleName ?? DEFAULT_ROLE;
  let accountId: string | undefined;
  if (/^[0-9]{12}$/.test(scenario.account)) accountId = scenario.account;
  else if (Object.hasOwn(doc.aliases, scenario.account)) accountId = doc.aliases[scenario.account];
  if (accountId === undefined) return { kind: 'invalid' };

  if (!scenario.caller && !doc.allowUnverifiedCallers) {
    return { kind: 'deny', ruleId: 'unverified-caller', accountId };
  }
  const trusted = [BROKER_ACCOUNT, ...doc.trustedCallerAccounts.map((entry) => doc.aliases[entry] ?? entry)];
  if (scenario.caller && !trusted.includes(scenario.caller.account)) {
    return { kind: 'deny', ruleId: 'untrusted-account', accountId };
  }
  // An unverified caller may be anyone: every deny speaks of it, and only allows for * do.
  const callerFits = (rule: Rule): boolean =>
    rule.callers.some((pattern) =>
      scenario.caller
        ? scenario.caller.matchAs.some((arn) => globMatches(pattern, arn))
        : pattern === '*' || rule.effect === 'deny',
    );
  const accountFits = (rule: Rule): boolean =>
    rule.accounts.some((entry) => entry === '*' || entry === accountId || doc.aliases[entry] === accountId);
  const roleFits = (rule: Rule): boolean => rule.roles.some((pattern) => globMatches(pattern, roleName));
  const applies = (rule: Rule): boolean => callerFits(rule) && accountFits(rule) && roleFits(rule);
  const durationFits = (rule: Rule): boolean =>
    scenario.durationSeconds === undefined || scenario.durationSeconds <= (rule.maxDurationSeconds ?? 3600);
  // Session policies are a union: under a forced scope-down, the caller may add none of its own.
  const forcedOf = (rule: Rule): readonly string[] => rule.policyArns ?? [];
  const sessionPoliciesFit = (rule: Rule): boolean =>
    forcedOf(rule).length === 0 ||
    (scenario.policy === undefined &&
      (scenario.policyArns ?? []).every((arn) => forcedOf(rule).includes(arn)));

  for (const rule of doc.rules) {
    if (rule.effect === 'deny' && applies(rule)) return { kind: 'deny', ruleId: rule.id, accountId };
  }
  for (const rule of doc.rules) {
    if (rule.effect === 'allow' && applies(rule) && durationFits(rule) && sessionPoliciesFit(rule)) {
      const forced = forcedOf(rule);
      return {
        kind: 'allow',
        ruleId: rule.id,
        accountId,
        durationSeconds: scenario.durationSeconds ?? rule.maxDurationSeconds ?? 3600,
        policyArns: [...(forced.length > 0 ? forced : (scenario.policyArns ?? []))].sort(),
        policy: forced.length > 0 ? undefined : scenario.policy,
      };
    }
  }
  const namedAllow = doc.rules.find((rule) => rule.effect === 'allow' && applies(rule));
  return { kind: 'deny', ruleId: namedAllow?.id ?? 'default-deny', accountId };
};

const callerOf = (universe: UniverseCaller | undefined): Caller | undefined => {
  if (!universe) return undefined;
  const caller = toCaller(universe.arn, universe.account, 'identity-proof');
  if (!caller) throw new Error(`not a caller: ${universe.arn}`);
  return caller;
};

/** What `authorize` answers, in the reference's terms. */
const actual = (doc: Doc, scenario: Scenario): Expected => {
  const policy = parseAccessPolicy(JSON.stringify(doc));
  const request: AccessRequest = {
    account: scenario.account,
    roleName: scenario.roleName ?? DEFAULT_ROLE,
    durationSeconds: scenario.durationSeconds,
    policyArns: scenario.policyArns,
    policy: scenario.policy,
  };
  try {
    const decision = authorize(policy, callerOf(scenario.caller), request, {
      brokerAccountId: BROKER_ACCOUNT,
    });
    return decision.effect === 'deny'
      ? { kind: 'deny', ruleId: decision.ruleId, accountId: decision.accountId }
      : {
          kind: 'allow',
          ruleId: decision.ruleId,
          accountId: decision.accountId,
          durationSeconds: decision.durationSeconds,
          policyArns: [...decision.policyArns].sort(),
          policy: decision.policy,
        };
  } catch (error) {
    if (error instanceof ValidationError) return { kind: 'invalid' };
    throw error;
  }
};

// ---------------------------------------------------------------------------------------------

describe('reference implementation', () => {
  it('matches wildcards as IAM does', () => {
    expect(globMatches('*', '')).toBe(true);
    expect(globMatches('a*c', 'abbbc')).toBe(true);
    expect(globMatches('a*c', 'abbb')).toBe(false);
    expect(globMatches('?eploy', 'deploy')).toBe(true);
    expect(globMatches('?eploy', 'eploy')).toBe(false);
    expect(globMatches('a.c', 'abc')).toBe(false);
  });
});

describe('authorize, against a reference implementation', () => {
  it(`allows only when an allow rule fits caller, account, role and duration, and no deny rule matches (seed ${SEED})`, () => {
    const seen = { allow: 0, deny: 0, invalid: 0 };
    fc.assert(
      fc.property(docArb, scenarioArb, (doc, scenario) => {
        const expected = reference(doc, scenario);
        seen[expected.kind] += 1;
        expect(actual(doc, scenario)).toEqual(expected);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
    // The property says little unless every kind of answer came up often.
    expect(seen.allow).toBeGreaterThan(NUM_RUNS / 10);
    expect(seen.deny).toBeGreaterThan(NUM_RUNS / 10);
    expect(seen.invalid).toBeGreaterThan(0);
  });
});

describe('createBroker, end to end against a reference implementation', () => {
  const stsMock = mockClient(STSClient);
  afterEach(() => stsMock.reset());

  const PROOF = { url: 'https://sts.us-west-2.amazonaws.com/', headers: {}, body: '' };
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

  /** STS answers every AssumeRole with a session in the account of the role it was asked for. */
  const answerInRequestedAccount = () =>
    stsMock.on(AssumeRoleCommand).callsFake(async (input: AssumeRoleCommandInput) => {
      const [, account, role] = /^arn:aws:iam::([0-9]{12}):role\/(.+)$/.exec(input.RoleArn ?? '') ?? [];
      return {
        Credentials: {
          AccessKeyId: 'ASIAEXAMPLEKEYID1234',
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(Date.now() + 3600_000),
        },
        AssumedRoleUser: {
          Arn: `arn:aws:sts::${account}:assumed-role/${role}/${input.RoleSessionName}`,
          AssumedRoleId: 'AROAEXAMPLE:x',
        },
      };
    });

  it(`calls AssumeRole only when the reference allows, as the reference decides (seed ${SEED})`, async () => {
    const seen = { allow: 0, deny: 0, invalid: 0 };
    await fc.assert(
      fc.asyncProperty(docArb, scenarioArb, async (doc, scenario) => {
        stsMock.reset();
        answerInRequestedAccount();
        const caller = callerOf(scenario.caller);
        const broker = createBroker({
          config: testConfig({ defaultRoleName: DEFAULT_ROLE }),
          sts: new STSClient({ region: 'us-west-2' }),
          logger,
          loadPolicy: async () => parseAccessPolicy(JSON.stringify(doc)),
          verifyProof: async () => {
            if (!caller) throw new Error('an unverified request has no proof to verify');
            return caller;
          },
        });
        const payload = {
          accountId: scenario.account,
          ...(scenario.roleName !== undefined && { roleName: scenario.roleName }),
          ...(scenario.durationSeconds !== undefined && { durationSeconds: scenario.durationSeconds }),
          ...(scenario.policyArns !== undefined && { policyArns: scenario.policyArns }),
          ...(scenario.policy !== undefined && { policy: scenario.policy }),
          ...(caller && { identity: PROOF }),
        };
        const expected = reference(doc, scenario);
        seen[expected.kind] += 1;

        const answer = await broker(payload, { kind: 'invoke' }, 'req-prop');
        const calls = stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);

        if (expected.kind === 'allow') {
          expect(calls).toHaveLength(1);
          const [input] = calls;
          expect(input?.RoleArn).toBe(
            `arn:aws:iam::${expected.accountId}:role/${scenario.roleName ?? DEFAULT_ROLE}`,
          );
          expect(input?.DurationSeconds).toBe(expected.durationSeconds);
          expect((input?.PolicyArns ?? []).map((entry) => entry.arn).sort()).toEqual(expected.policyArns);
          expect(input?.Policy).toBe(expected.policy);
          expect(answer).toMatchObject({ Version: 1, AccountId: expected.accountId });
        } else {
          expect(calls).toEqual([]);
          expect(answer).toMatchObject({
            error: {
              code: expected.kind === 'deny' ? 'AccessDenied' : 'ValidationError',
              requestId: 'req-prop',
            },
          });
          if (expected.kind === 'deny') {
            expect(answer).toMatchObject({
              error: { message: expect.stringMatching(new RegExp(`\\(${expected.ruleId}\\)$`)) },
            });
          }
        }
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
    expect(seen.allow).toBeGreaterThan(NUM_RUNS / 10);
    expect(seen.deny).toBeGreaterThan(NUM_RUNS / 10);
  }, 120_000);
});
