import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { INITIAL_RETRY_TOKENS, Retry } from '@smithy/core/retry';
import { buildIdentityProof } from '@stscreds/client';
import { brokerResponseSchema, requestDigest } from '@stscreds/contract';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { type BrokerDependencies, createBroker } from '../src/createBroker.ts';
import { AccessDeniedError, ThrottledError } from '../src/errors.ts';
import { type Caller, toCaller } from '../src/identity/caller.ts';
import type { ProofBinding } from '../src/identity/proofBinding.ts';
import { PROOF_LIFETIME_MS, PROOF_MAX_AHEAD_MS } from '../src/identity/reconstructProof.ts';
import { loadAccessPolicy } from '../src/policy/loadAccessPolicy.ts';
import { ALICE, alicePolicy, captureOutput, testConfig, verboseLogger } from './support.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
const TOKEN = 'FQoGZXIvYXdzEBYaDEXAMPLESESSIONTOKEN+token/with=chars';
// An hour from the test's start, so that the cache keeps what STS issues whatever the day.
const EXPIRATION = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3600_000);
/** A proof signed now, in x-amz-date form. */
const amzDateNow = (): string =>
  new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const PROOF = { url: 'https://sts.us-west-2.amazonaws.com/', headers: {}, body: '' };

const stsMock = mockClient(STSClient);
afterEach(() => stsMock.reset());

const issue = (account = '222222222222', session = 'alice') =>
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAEXAMPLEKEYID1234',
      SecretAccessKey: SECRET,
      SessionToken: TOKEN,
      Expiration: EXPIRATION,
    },
    AssumedRoleUser: {
      Arn: `arn:aws:sts::${account}:assumed-role/lambda_sts/${session}`,
      AssumedRoleId: 'AROAEXAMPLE:x',
    },
  });

const alice = toCaller(ALICE, '111111111111', 'identity-proof') as Caller;

const broker = (overrides: Partial<BrokerDependencies> = {}, policy = alicePolicy()) => {
  const config = testConfig({ policySource: { kind: 'inline', json: policy } });
  return createBroker({
    config,
    sts: new STSClient({ region: 'us-west-2' }),
    logger: verboseLogger(),
    loadPolicy: loadAccessPolicy(config.policySource),
    verifyProof: async () => alice,
    ...overrides,
  });
};

const ask = async (request: unknown, deps: Partial<BrokerDependencies> = {}, policy?: string) => {
  const run = broker(deps, policy);
  return captureOutput(() => run(request, { kind: 'invoke' }, 'req-1'));
};

const audits = (lines: string[]) =>
  lines
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.message === 'audit')
    .map((entry) => entry.audit);

describe('createBroker', () => {
  it('issues credentials to a verified, allowed caller, attributed to that caller', async () => {
    issue();
    const { result, lines } = await ask({ accountId: 'prod', identity: PROOF, durationSeconds: 1800 });
    expect(result).toEqual({
      Version: 1,
      AccessKeyId: 'ASIAEXAMPLEKEYID1234',
      SecretAccessKey: SECRET,
      SessionToken: TOKEN,
      Expiration: EXPIRATION.toISOString(),
      AccountId: '222222222222',
      AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
    });
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      {
        RoleArn: 'arn:aws:iam::222222222222:role/lambda_sts',
        RoleSessionName: 'aws,iam,,111111111111,user+alice',
        DurationSeconds: 1800,
        SourceIdentity: 'aws,iam,,111111111111,user+alice',
        Tags: [{ Key: 'stscreds:caller', Value: ALICE }],
      },
    ]);
    expect(audits(lines)).toEqual([
      expect.objectContaining({
        requestId: 'req-1',
        outcome: 'issued',
        callerArn: ALICE,
        callerAccount: '111111111111',
        verifiedBy: 'identity-proof',
        targetRoleArn: 'arn:aws:iam::222222222222:role/lambda_sts',
        sessionName: 'aws,iam,,111111111111,user+alice',
        durationSeconds: 1800,
        ruleId: 'alice',
        latencyMs: expect.any(Number),
        stsLatencyMs: expect.any(Number),
      }),
    ]);
  });

  describe('session policies', () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    const READONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
    // alice's only way to deploy is the scoped rule: nothing else she could fall through to.
    const scoped = JSON.stringify({
      version: 1,
      aliases: { prod: '222222222222' },
      rules: [
        {
          id: 'alice-deploy-readonly',
          effect: 'allow',
          callers: [ALICE],
          accounts: ['prod'],
          roles: ['deploy'],
          policyArns: [READONLY],
          maxDurationSeconds: 900,
        },
      ],
    });

    it("passes the caller's session policies on under a rule that forces none", async () => {
      issue();
      await ask({ accountId: 'prod', sessionName: 'build-42', policy, policyArns: [ADMIN], identity: PROOF });
      expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
        RoleArn: 'arn:aws:iam::222222222222:role/lambda_sts',
        RoleSessionName: expect.stringMatching(/^build-42=[\w-]{22}$/),
        Policy: policy,
        PolicyArns: [{ arn: ADMIN }],
        SourceIdentity: 'aws,iam,,111111111111,user+alice',
      });
    });

    it('sends exactly the forced scope-down under a rule that forces one', async () => {
      issue();
      await ask({ accountId: 'prod', roleName: 'deploy', identity: PROOF }, {}, scoped);
      const [input] = stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);
      expect(input).toMatchObject({ RoleArn: 'arn:aws:iam::222222222222:role/deploy', DurationSeconds: 900 });
      expect(input?.PolicyArns).toEqual([{ arn: READONLY }]);
      expect(input?.Policy).toBeUndefined();
    });

    it.each([
      ['an inline allow-everything policy', { policy }],
      ['AdministratorAccess beside the forced policy', { policyArns: [ADMIN, READONLY] }],
      ['both', { policy, policyArns: [ADMIN] }],
    ])(
      'refuses a caller that would widen a forced scope-down with %s, before any STS call',
      async (_, widen) => {
        issue();
        const { result, lines } = await ask(
          { accountId: 'prod', roleName: 'deploy', identity: PROOF, ...widen },
          {},
          scoped,
        );
        expect(result).toEqual({
          error: {
            code: 'AccessDenied',
            message: `Access denied: rule alice-deploy-readonly forces the session policies ${READONLY}: it takes no policy, and no policyArns beyond those, from the caller (alice-deploy-readonly)`,
            requestId: 'req-1',
          },
        });
        expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
        expect(audits(lines)).toEqual([
          expect.objectContaining({ outcome: 'denied', ruleId: 'alice-deploy-readonly' }),
        ]);
      },
    );
  });

  it('denies a caller of an account the policy does not trust, before any STS call', async () => {
    issue();
    const stranger = 'arn:aws:iam::999999999999:user/alice';
    const open = alicePolicy([
      { id: 'anyone', effect: 'allow', callers: ['*'], accounts: ['*'], roles: ['*'] },
    ]);
    const verifyProof = async () => ({
      arn: stranger,
      principalArn: stranger,
      accountId: '999999999999',
      verifiedBy: 'identity-proof' as const,
    });
    const { result } = await ask({ accountId: 'prod', identity: PROOF }, { verifyProof }, open);
    expect(result).toMatchObject({
      error: { code: 'AccessDenied', message: expect.stringMatching(/\(untrusted-account\)$/) },
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('answers ValidationError and makes no STS call for a malformed request', async () => {
    issue();
    const { result } = await ask({ accountId: '222222222222', durationSeconds: 43200, identity: PROOF });
    expect(result).toEqual({
      error: { code: 'ValidationError', message: expect.stringMatching(/role chaining/), requestId: 'req-1' },
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('answers ValidationError for an alias the policy does not define', async () => {
    issue();
    const { result } = await ask({ accountId: 'prd', identity: PROOF });
    expect(result).toMatchObject({
      error: { code: 'ValidationError', message: expect.stringMatching(/"prd" is not an alias/) },
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('denies an unverified caller by default, and makes no STS call', async () => {
    issue();
    const { result, lines } = await ask({ accountId: 'prod' });
    expect(result).toMatchObject({
      error: { code: 'AccessDenied', message: expect.stringMatching(/identity proof is required/) },
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(audits(lines)).toEqual([
      expect.objectContaining({ outcome: 'denied', ruleId: 'unverified-caller' }),
    ]);
  });

  it('denies a refused proof, naming the check, and makes no STS call', async () => {
    issue();
    const refuse = async (): Promise<Caller> => {
      throw new AccessDeniedError('Identity proof refused: x-amz-date is more than 5 minutes from now');
    };
    const { result, lines } = await ask({ accountId: 'prod', identity: PROOF }, { verifyProof: refuse });
    expect(result).toMatchObject({
      error: { code: 'AccessDenied', message: expect.stringMatching(/x-amz-date/) },
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(audits(lines)).toEqual([expect.objectContaining({ outcome: 'denied', ruleId: 'identity-proof' })]);
  });

  it('denies what the policy does not allow, naming the rule, and makes no STS call', async () => {
    issue();
    const denyProd = alicePolicy([
      { id: 'freeze-prod', effect: 'deny', callers: ['*'], accounts: ['prod'], roles: ['*'] },
    ]);
    const { result } = await ask({ accountId: '222222222222', identity: PROOF }, {}, denyProd);
    expect(result).toMatchObject({
      error: { code: 'AccessDenied', message: expect.stringMatching(/\(freeze-prod\)$/) },
    });
    const other = await ask({ accountId: '444444444444', identity: PROOF });
    expect(other.result).toMatchObject({
      error: { code: 'AccessDenied', message: expect.stringMatching(/default-deny/) },
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('fails closed on an invalid policy, and logs the defect by its path', async () => {
    issue();
    const broken = JSON.stringify({
      version: 1,
      rules: [{ id: 'x', effect: 'allow', callers: ['*'], accounts: ['nope'], roles: ['*'] }],
    });
    const { result, lines } = await ask({ accountId: '222222222222', identity: PROOF }, {}, broken);
    expect(result).toMatchObject({
      error: { code: 'InternalError', message: 'The broker cannot read its access policy' },
    });
    expect(lines.join('\n')).toContain('$.rules[0].accounts[0]: names unknown alias \\"nope\\"');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it.each([
    ['AccessDenied', 'AccessDenied'],
    ['Throttling', 'Throttled'],
    ['MalformedPolicyDocument', 'ValidationError'],
    ['RegionDisabledException', 'UpstreamError'],
  ])('maps STS %s to %s', async (name, code) => {
    stsMock.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name,
        message: name,
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { result, lines } = await ask({ accountId: 'prod', identity: PROOF });
    expect(result).toMatchObject({ error: { code } });
    expect(brokerResponseSchema.safeParse(result).success).toBe(true);
    expect(audits(lines)).toEqual([expect.objectContaining({ code, ruleId: 'alice' })]);
  });

  it('refuses an answer that leads to another account', async () => {
    issue('999999999999');
    const { result } = await ask({ accountId: 'prod', identity: PROOF });
    expect(result).toMatchObject({ error: { code: 'UpstreamError' } });
  });

  it('answers InternalError, without a stack, when something unexpected breaks', async () => {
    const broken = { send: () => Promise.resolve(null) } as unknown as STSClient;
    const { result, lines } = await ask({ accountId: 'prod', identity: PROOF }, { sts: broken });
    expect(result).toEqual({
      error: { code: 'InternalError', message: 'The broker failed unexpectedly', requestId: 'req-1' },
    });
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ level: 'ERROR', code: 'InternalError', requestId: 'req-1' }),
    );
    expect(lines.join('\n')).not.toMatch(/\n\s+at |createBroker\.ts:\d+/);
  });

  it('counts what it decides in CloudWatch metrics', async () => {
    issue();
    const metrics = new Metrics({ namespace: 'stscreds', serviceName: 'getSTScreds' });
    const { lines } = await ask({ accountId: 'prod', identity: PROOF }, { metrics });
    const emf = lines.map((line) => JSON.parse(line)).find((entry) => entry._aws);
    expect(emf).toMatchObject({ CredentialsIssued: 1, CacheMisses: 1, StsLatency: expect.any(Number) });
  });

  it('counts cache hits and evictions', async () => {
    issue();
    const metrics = new Metrics({ namespace: 'stscreds', serviceName: 'getSTScreds' });
    const config = testConfig({ cache: { maxEntries: 1, minRemainingMs: 15 * 60_000 } });
    const run = createBroker({
      config,
      sts: new STSClient({ region: 'us-west-2' }),
      logger: verboseLogger(),
      loadPolicy: loadAccessPolicy(config.policySource),
      verifyProof: async () => alice,
      metrics,
    });
    const { lines } = await captureOutput(async () => {
      for (const roleName of ['lambda_sts', 'lambda_sts', 'deploy']) {
        await run({ accountId: 'prod', roleName, identity: PROOF }, { kind: 'invoke' }, 'r');
      }
    });
    const emf = lines.map((line) => JSON.parse(line)).filter((entry) => entry._aws);
    expect(emf[1]).toMatchObject({ CacheHits: 1 });
    expect(emf[2]).toMatchObject({ CacheMisses: 1, CacheEvictions: 1 });
  });

  it('never writes a secret, a token or a signature to the logs, whatever happens', async () => {
    issue();
    const success = await ask({ accountId: 'prod', identity: PROOF });
    stsMock.reset();
    stsMock.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'SignatureDoesNotMatch',
        message: `Signature=abcdef0123456789 SecretAccessKey=${SECRET} X-Amz-Security-Token=${TOKEN}`,
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const failure = await ask({ accountId: 'prod', identity: PROOF });
    const lines = [...success.lines, ...failure.lines];
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const text = lines.join('\n');
    for (const secret of [SECRET, TOKEN, 'abcdef0123456789']) expect(text).not.toContain(secret);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ service: 'getSTScreds' });
  });
});

describe('createBroker with unverified callers allowed', () => {
  it('issues to anyone the "*" rules allow, and says so loudly once', async () => {
    issue('333333333333', 'stscreds-req-1');
    const open = JSON.stringify({
      version: 1,
      allowUnverifiedCallers: true,
      rules: [
        { id: 'seed', effect: 'allow', callers: ['*'], accounts: ['333333333333'], roles: ['lambda_sts'] },
      ],
    });
    const run = broker({}, open);
    const first = await captureOutput(() => run({ accountId: '333333333333' }, { kind: 'invoke' }, 'req-1'));
    const second = await captureOutput(() => run({ accountId: '333333333333' }, { kind: 'invoke' }, 'req-1'));
    expect(first.result).toMatchObject({ AccountId: '333333333333' });
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      RoleSessionName: 'stscreds-req-1',
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input.SourceIdentity).toBeUndefined();
    const warnings = [...first.lines, ...second.lines].filter((line) =>
      line.includes('ALLOWS UNVERIFIED CALLERS'),
    );
    expect(warnings).toHaveLength(1);
    const denied = await captureOutput(() => run({ accountId: '222222222222' }, { kind: 'invoke' }, 'req-2'));
    expect(denied.result).toMatchObject({
      error: { code: 'AccessDenied', message: expect.stringMatching(/default-deny/) },
    });
  });
});

describe('createBroker caches', () => {
  it('serves the same caller the same credentials from its cache, and verifies a resent proof once', async () => {
    issue();
    let verified = 0;
    const run = broker({
      verifyProof: async () => {
        verified += 1;
        return alice;
      },
    });
    const proof = { ...PROOF, headers: { 'x-amz-date': amzDateNow(), authorization: 'sig-1' } };
    const first = await captureOutput(() =>
      run({ accountId: 'prod', identity: proof }, { kind: 'invoke' }, 'r1'),
    );
    const second = await captureOutput(() =>
      run({ accountId: 'prod', identity: proof }, { kind: 'invoke' }, 'r2'),
    );
    expect(second.result).toEqual(first.result);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(verified).toBe(1);
    expect(audits([...first.lines, ...second.lines]).map((a) => a.cache)).toEqual(['miss', 'hit']);
    const resigned = { ...proof, headers: { ...proof.headers, authorization: 'sig-2' } };
    await captureOutput(() => run({ accountId: 'prod', identity: resigned }, { kind: 'invoke' }, 'r3'));
    expect(verified).toBe(2);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(run.caches.credentials.stats()).toMatchObject({ hits: 2, misses: 1 });
  });

  it('asks STS again for another role, duration or session policy', async () => {
    issue();
    const run = broker();
    for (const request of [
      { accountId: 'prod' },
      { accountId: 'prod', roleName: 'deploy' },
      { accountId: 'prod', durationSeconds: 1800 },
      { accountId: 'prod', policy: '{"Version":"2012-10-17","Statement":[]}' },
      { accountId: 'prod', sessionName: 'other' },
    ]) {
      await captureOutput(() => run({ ...request, identity: PROOF }, { kind: 'invoke' }, 'r'));
    }
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(5);
  });

  it('checks the policy on every request, cache or not', async () => {
    issue();
    let policy = alicePolicy();
    const config = testConfig();
    const run = createBroker({
      config,
      sts: new STSClient({ region: 'us-west-2' }),
      logger: verboseLogger(),
      loadPolicy: async () => (await import('../src/policy/parseAccessPolicy.ts')).parseAccessPolicy(policy),
      verifyProof: async () => alice,
    });
    await captureOutput(() => run({ accountId: 'prod', identity: PROOF }, { kind: 'invoke' }, 'r1'));
    policy = JSON.stringify({ version: 1, aliases: { prod: '222222222222' }, rules: [] });
    const denied = await captureOutput(() =>
      run({ accountId: 'prod', identity: PROOF }, { kind: 'invoke' }, 'r2'),
    );
    expect(denied.result).toMatchObject({ error: { code: 'AccessDenied' } });
  });
});

describe('createBroker credential cache key', () => {
  const bob = toCaller('arn:aws:iam::111111111111:user/bob', '111111111111', 'identity-proof') as Caller;
  const both = alicePolicy([
    {
      id: 'bob',
      effect: 'allow',
      callers: ['arn:aws:iam::111111111111:user/bob'],
      accounts: ['prod', 'staging'],
      roles: ['lambda_sts', 'deploy'],
    },
  ]);
  /** A broker whose verifier tells callers apart by the proof's url, so that tests can pick the caller. */
  const run = () => broker({ verifyProof: async (proof) => (proof.url.includes('bob') ? bob : alice) }, both);
  const BOB_PROOF = { ...PROOF, url: 'https://sts.us-west-2.amazonaws.com/?bob' };
  const base = { accountId: 'prod', identity: PROOF };

  it.each<[string, object]>([
    ['the caller', { identity: BOB_PROOF, sessionName: 'alice' }],
    ['the account', { accountId: 'staging' }],
    ['the role', { roleName: 'deploy' }],
    ['the session name', { sessionName: 'build-42' }],
    ['the duration', { durationSeconds: 1800 }],
    ['the inline policy', { policy: '{"Version":"2012-10-17","Statement":[]}' }],
    ['the policy ARNs', { policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }],
  ])('never shares an entry between two requests that differ only in %s', async (_, change) => {
    issue();
    const broker = run();
    // The first request asks for alice's default session name, so that only the element differs.
    await captureOutput(() => broker({ ...base, sessionName: 'alice' }, { kind: 'invoke' }, 'r1'));
    await captureOutput(() => broker({ ...base, sessionName: 'alice', ...change }, { kind: 'invoke' }, 'r2'));
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(broker.caches.credentials.stats()).toMatchObject({ hits: 0, misses: 2 });
  });
});

describe('createBroker proof cache', () => {
  const SIGNED_AT = Date.UTC(2026, 10, 28, 12, 0, 0);
  // x-amz-date comes after another header, and in capitals: the cache must find it by name.
  const dated = { ...PROOF, headers: { authorization: 'sig', 'X-Amz-Date': '20261128T120000Z' } };
  const counting = (clock: { now: number }) => {
    const bindings: ProofBinding[] = [];
    const run = broker({
      now: () => clock.now,
      verifyProof: async (_proof, binding) => {
        bindings.push(binding);
        return alice;
      },
    });
    return { run, bindings };
  };

  it('keeps a verification no longer than the proof lifetime after its x-amz-date', async () => {
    issue();
    const clock = { now: SIGNED_AT };
    const { run, bindings } = counting(clock);
    await captureOutput(() => run({ accountId: 'prod', identity: dated }, { kind: 'invoke' }, 'r1'));
    // The proof itself is good up to and including its lifetime, and so is its verification.
    clock.now = SIGNED_AT + PROOF_LIFETIME_MS;
    await captureOutput(() => run({ accountId: 'prod', identity: dated }, { kind: 'invoke' }, 'r2'));
    expect(bindings).toHaveLength(1);
    clock.now = SIGNED_AT + PROOF_LIFETIME_MS + 1;
    await captureOutput(() => run({ accountId: 'prod', identity: dated }, { kind: 'invoke' }, 'r3'));
    expect(bindings).toHaveLength(2);
  });

  it('keeps a future-dated proof no longer than its lifetime either', async () => {
    issue();
    const clock = { now: SIGNED_AT - PROOF_MAX_AHEAD_MS };
    const { run, bindings } = counting(clock);
    await captureOutput(() => run({ accountId: 'prod', identity: dated }, { kind: 'invoke' }, 'r1'));
    clock.now = SIGNED_AT + PROOF_LIFETIME_MS + 1;
    await captureOutput(() => run({ accountId: 'prod', identity: dated }, { kind: 'invoke' }, 'r2'));
    expect(bindings).toHaveLength(2);
  });

  it('never reuses a verification for another request: the digest is part of the key', async () => {
    issue();
    const { run, bindings } = counting({ now: SIGNED_AT });
    await captureOutput(() => run({ accountId: 'prod', identity: dated }, { kind: 'invoke' }, 'r1'));
    await captureOutput(() => run({ accountId: 'staging', identity: dated }, { kind: 'invoke' }, 'r2'));
    expect(bindings.map((binding) => binding.requestDigest)).toEqual([
      requestDigest({ accountId: 'prod' }),
      requestDigest({ accountId: 'staging' }),
    ]);
  });
});

describe('createBroker faults of identity-proof verification', () => {
  it('answers Throttled, audits a failure under no rule, and counts no rejected proof', async () => {
    issue();
    const metrics = new Metrics({ namespace: 'stscreds', serviceName: 'getSTScreds' });
    const throttled = async (): Promise<Caller> => {
      throw new ThrottledError(
        'STS is throttling identity-proof verification, even after retries; retry after 2 s',
      );
    };
    const { result, lines } = await ask(
      { accountId: 'prod', identity: PROOF },
      { verifyProof: throttled, metrics },
    );
    expect(result).toMatchObject({
      error: { code: 'Throttled', message: expect.stringMatching(/retry after 2 s$/) },
    });
    expect(audits(lines)).toEqual([expect.objectContaining({ outcome: 'failed', code: 'Throttled' })]);
    expect(audits(lines)[0]).not.toHaveProperty('ruleId');
    const emf = lines.map((line) => JSON.parse(line)).find((entry) => entry._aws);
    expect(emf).toMatchObject({ UpstreamErrors: 1 });
    expect(emf).not.toHaveProperty('ProofRejected');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('leaves no part of a session token from a malformed proof in any log line', async () => {
    issue();
    // The shape of a real STS session token, broken by line breaks and a non-Latin-1 character.
    const token = `IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLXdlc3QtMiJHMEUCIQD${'x7Kp9QmZ'.repeat(30)}AiBv`;
    const broken = `${token.slice(0, 100)}\r\n${token.slice(100, 200)}€${token.slice(200)}`;
    const identity = {
      url: 'https://sts.us-west-2.amazonaws.com/',
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEYID1234/20261128/us-west-2/sts/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token;x-stscreds-audience;x-stscreds-request-digest, Signature=${'a'.repeat(64)}`,
        'x-amz-date': '20261128T120000Z',
        'x-amz-security-token': broken,
        'x-stscreds-audience': 'stscreds-test',
        'x-stscreds-request-digest': requestDigest({ accountId: 'prod' }),
      },
    };
    const metrics = new Metrics({ namespace: 'stscreds', serviceName: 'getSTScreds' });
    // The broker's own verifier: nothing stands in for the check, and no network is reachable.
    const run = broker({ verifyProof: undefined, metrics, now: () => Date.UTC(2026, 10, 28, 12, 0, 30) });
    const { result, lines } = await captureOutput(() =>
      run({ accountId: 'prod', identity }, { kind: 'invoke' }, 'req-1'),
    );
    expect(result).toMatchObject({
      error: {
        code: 'AccessDenied',
        message:
          'Identity proof refused: header x-amz-security-token holds a character other than printable ASCII',
      },
    });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const text = lines.join('\n');
    for (let start = 0; start + 12 <= token.length; start += 1) {
      expect(text).not.toContain(token.slice(start, start + 12));
    }
  });
});

describe('createBroker retries of identity-proof verification', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  /** A local STS that fails every GetCallerIdentity with a 503; its origin and how many it heard. */
  const failingSts = async () => {
    const heard = { count: 0 };
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        heard.count += 1;
        response
          .writeHead(503)
          .end('<ErrorResponse><Error><Code>ServiceUnavailable</Code></Error></ErrorResponse>');
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { origin: `http://127.0.0.1:${port}`, heard };
  };

  it('shares one retry quota among its requests: a burst of STS faults drains it, and later requests stop retrying', async () => {
    const sts = await failingSts();
    const config = testConfig({ extraStsOrigins: [sts.origin] });
    // The broker's own verifier and retry strategy, sending through its STS client's handler.
    const make = () =>
      createBroker({
        config,
        sts: new STSClient({ region: 'us-west-2' }),
        logger: verboseLogger(),
        loadPolicy: loadAccessPolicy(config.policySource),
      });
    /** One request of a proof of its own, so that no verification is shared; the STS calls made meanwhile. */
    const ask = async (run: ReturnType<typeof make>, sessionName: string) => {
      const request = { accountId: 'prod', sessionName };
      const identity = await buildIdentityProof({
        credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'secret' },
        audience: 'stscreds-test',
        stsEndpoint: sts.origin,
        request,
      });
      const before = sts.heard.count;
      const result = await run({ ...request, identity }, { kind: 'invoke' }, `req-${sessionName}`);
      expect(result).toMatchObject({ error: { code: 'UpstreamError' } });
      return sts.heard.count - before;
    };

    const run = make();
    const burst = 20;
    const affordable = Math.floor(INITIAL_RETRY_TOKENS / Retry.cost());
    // The logs are captured once for all: the requests run at once.
    const { result: attempts } = await captureOutput(async () => ({
      // Alone, a request makes the three attempts.
      first: await ask(run, 'first'),
      burst: await (async () => {
        const before = sts.heard.count;
        await Promise.all(Array.from({ length: burst }, (_, i) => ask(run, `burst-${i}`)));
        return sts.heard.count - before;
      })(),
      later: await ask(run, 'later'),
      // Another broker has a quota of its own.
      elsewhere: await ask(make(), 'elsewhere'),
    }));
    expect(attempts.first).toBe(3);
    // Every retry of a fault costs the SDK's retry cost, out of its initial tokens: the burst
    // asks for more retries than are left, and gets what is left.
    expect(burst * 2).toBeGreaterThan(affordable - 2);
    expect(attempts.burst).toBe(burst + affordable - 2);
    expect(attempts.later).toBe(1);
    expect(attempts.elsewhere).toBe(3);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });
});

describe('createBroker of Function URL requests', () => {
  it('has no audience, and refuses any identity proof unchecked, with no STS call', async () => {
    let heard = 0;
    const sts = await new Promise<{ origin: string; close: () => Promise<void> }>((resolve) => {
      const server = createServer((_request, response) => {
        heard += 1;
        response.writeHead(500).end();
      });
      server.listen(0, '127.0.0.1', () =>
        resolve({
          origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          close: () => new Promise((done) => server.close(() => done())),
        }),
      );
    });
    try {
      const { audience: _audience, ...invokeConfig } = testConfig({ extraStsOrigins: [sts.origin] });
      const config = { ...invokeConfig, entry: 'url' as const };
      const run = createBroker({
        config,
        sts: new STSClient({ region: 'us-west-2' }),
        logger: verboseLogger(),
        loadPolicy: loadAccessPolicy(config.policySource),
      });
      const request = { accountId: 'prod' };
      const identity = await buildIdentityProof({
        credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'secret' },
        audience: 'stscreds-test',
        stsEndpoint: sts.origin,
        request,
      });
      // Only a handler that was wrongly wired would hand it a direct invoke: it still fails closed.
      const { result } = await captureOutput(() =>
        run({ ...request, identity }, { kind: 'invoke' }, 'req-1'),
      );
      expect(result).toMatchObject({
        error: {
          code: 'AccessDenied',
          message:
            'Identity proof refused: this broker takes Function URL requests, whose signer is the caller',
        },
      });
      expect(heard).toBe(0);
      expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    } finally {
      await sts.close();
    }
  });
});
