import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { buildIdentityProof } from '@stscreds/client';
import {
  type CredentialRequestInput,
  type CredentialResponse,
  credentialResponseSchema,
  type IdentityProof,
  REQUEST_DIGEST_HEADER,
  requestDigest,
} from '@stscreds/contract';
import {
  assumeBrokerRole,
  DEV_ORG,
  type DevUser,
  type FaultProxy,
  type MotoServer,
  type SeededOrganization,
  startFaultProxy,
  startSeededMoto,
} from '@stscreds/devorg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../src/createHandler.ts';
import { createStsClient } from '../src/createStsClient.ts';
import { loadAccessPolicy } from '../src/policy/loadAccessPolicy.ts';
import { type BrokerConfig, readBrokerConfig } from '../src/readBrokerConfig.ts';
import { captureOutput, context, verboseLogger } from './support.ts';

const AUDIENCE = 'stscreds-int';

let moto: MotoServer;
let proxy: FaultProxy;
let org: SeededOrganization;
let alice: DevUser;
let bob: DevUser;
let brokerCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
const logLines: string[] = [];
const secrets: string[] = [];

/** alice may reach both targets and, so that STS gets its say, a role the broker's IAM policy does not name. */
const policy = () =>
  JSON.stringify({
    version: 1,
    aliases: { prod: '222222222222', staging: '333333333333' },
    rules: [
      {
        id: 'alice-everywhere',
        effect: 'allow',
        callers: [alice.arn],
        accounts: ['*'],
        roles: ['lambda_sts', 'OrganizationAccountAccessRole'],
      },
      {
        id: 'bob-staging',
        effect: 'allow',
        callers: [bob.arn],
        accounts: ['staging'],
        roles: ['lambda_sts'],
      },
    ],
  });

beforeAll(async () => {
  ({ moto, org } = await startSeededMoto());
  [alice, bob] = org.callers as [DevUser, DevUser];
  proxy = await startFaultProxy(moto.endpoint);
  brokerCredentials = await assumeBrokerRole(moto.endpoint, org);
  secrets.push(
    brokerCredentials.secretAccessKey,
    brokerCredentials.sessionToken,
    alice.credentials.secretAccessKey,
    bob.credentials.secretAccessKey,
  );
});

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
  // Across every test in this file: nothing the broker logged carries a secret or a signature it handled.
  expect(logLines.length).toBeGreaterThan(0);
  const text = logLines.join('\n');
  for (const secret of secrets) expect(text.includes(secret)).toBe(false);
});

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

const configFor = (overrides: Partial<BrokerConfig> = {}): BrokerConfig => ({
  region: DEV_ORG.region,
  partition: 'aws',
  proofPartitions: ['aws'],
  accountId: DEV_ORG.devopsAccountId,
  defaultRoleName: DEV_ORG.targetRoleName,
  audience: AUDIENCE,
  extraStsOrigins: [moto.endpoint],
  entry: 'invoke',
  policySource: { kind: 'inline', json: policy() },
  cache: { maxEntries: 100, minRemainingMs: 15 * 60_000 },
  ...overrides,
});

/** The broker as it runs in the DevOps account: its role's session, STS behind the recording proxy. */
const broker = (
  config = configFor(),
  sts = createStsClient(config, { endpoint: proxy.endpoint, credentials: brokerCredentials }),
) =>
  createHandler({ config, sts, logger: verboseLogger(), loadPolicy: loadAccessPolicy(config.policySource) });

const invoke = async (event: unknown, run = broker()) => {
  const { result, lines } = await captureOutput(() => run(event, context(crypto.randomUUID())));
  logLines.push(...lines);
  if ('SecretAccessKey' in result) secrets.push(result.SecretAccessKey, result.SessionToken);
  return result;
};

const proofOf = async (
  user: DevUser,
  options: { audience?: string; signingDate?: Date; request?: CredentialRequestInput } = {},
): Promise<IdentityProof> => {
  const proof = await buildIdentityProof({
    credentials: user.credentials,
    audience: options.audience ?? AUDIENCE,
    stsEndpoint: moto.endpoint,
    request: options.request ?? { accountId: 'prod' },
    ...(options.signingDate && { signingDate: options.signingDate }),
  });
  const signature = /Signature=(\w+)/.exec(proof.headers.authorization ?? '')?.[1];
  if (signature) secrets.push(signature);
  return proof;
};

/** The request, with an identity proof that `user` made for it. */
const signedBy = async (user: DevUser, request: CredentialRequestInput) => ({
  ...request,
  identity: await proofOf(user, { request }),
});

const s3With = (credentials: CredentialResponse) =>
  new S3Client({
    endpoint: moto.endpoint,
    region: DEV_ORG.region,
    forcePathStyle: true,
    credentials: {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
    },
  });

describe('the broker against moto', () => {
  it('issues credentials to a verified caller that work in the target account, and only there', async () => {
    const [prod] = org.targets;
    if (!prod) throw new Error('no prod');
    const answer = await invoke(await signedBy(alice, { accountId: 'prod', durationSeconds: 900 }));
    const credentials = credentialResponseSchema.parse(answer);
    expect(credentials.AccountId).toBe(prod.accountId);
    expect(credentials.AssumedRoleArn).toBe(
      `arn:aws:sts::${prod.accountId}:assumed-role/lambda_sts/aws,iam,,111111111111,user+alice`,
    );
    const lifetime = Date.parse(credentials.Expiration) - Date.now();
    expect(lifetime).toBeGreaterThan(800_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);

    const s3 = s3With(credentials);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([prod.bucket]);
    await s3.send(new CreateBucketCommand({ Bucket: 'made-by-the-broker-session' }));
    const after = await s3.send(new ListBucketsCommand({}));
    expect(after.Buckets?.map((b) => b.Name).sort()).toEqual(
      ['made-by-the-broker-session', prod.bucket].sort(),
    );
  });

  it('decides by the policy: bob is denied prod without an STS call, and gets staging', async () => {
    const calls = proxy.count('AssumeRole');
    const denied = await invoke(await signedBy(bob, { accountId: 'prod' }));
    expect(denied).toMatchObject({
      error: { code: 'AccessDenied', message: expect.stringMatching(/default-deny/) },
    });
    expect(proxy.count('AssumeRole')).toBe(calls);
    const allowed = await invoke(await signedBy(bob, { accountId: 'staging' }));
    expect(credentialResponseSchema.parse(allowed).AssumedRoleArn).toMatch(
      /:333333333333:assumed-role\/lambda_sts\/aws,iam,,111111111111,user\+bob$/,
    );
  });

  it("never hands bob alice's session ARN, whatever session name he asks for", async () => {
    const alices = credentialResponseSchema.parse(
      await invoke(await signedBy(alice, { accountId: 'staging' })),
    ).AssumedRoleArn;
    expect(alices).toBe('arn:aws:sts::333333333333:assumed-role/lambda_sts/aws,iam,,111111111111,user+alice');
    for (const sessionName of ['alice', alices.split('/').pop() ?? '']) {
      const bobs = credentialResponseSchema.parse(
        await invoke(await signedBy(bob, { accountId: 'staging', sessionName })),
      );
      expect(bobs.AssumedRoleArn).not.toBe(alices);
      expect(bobs.AssumedRoleArn).toMatch(
        /^arn:aws:sts::333333333333:assumed-role\/lambda_sts\/[\w+.@-]{1,41}=[\w-]{22}$/,
      );
      const sts = new STSClient({
        endpoint: moto.endpoint,
        region: DEV_ORG.region,
        credentials: {
          accessKeyId: bobs.AccessKeyId,
          secretAccessKey: bobs.SecretAccessKey,
          sessionToken: bobs.SessionToken,
        },
      });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(bobs.AssumedRoleArn);
    }
  });

  it('answers AccessDenied from STS for a role that sts_assumerole does not name', async () => {
    const calls = proxy.count('AssumeRole');
    const answer = await invoke(
      await signedBy(alice, { accountId: 'prod', roleName: 'OrganizationAccountAccessRole' }),
    );
    expect(answer).toMatchObject({
      error: { code: 'AccessDenied', message: expect.stringMatching(/STS denied AssumeRole/) },
    });
    expect(proxy.count('AssumeRole')).toBe(calls + 1);
  });

  it('answers ValidationError for an invalid duration, and STS sees no AssumeRole', async () => {
    const calls = proxy.count('AssumeRole');
    const answer = await invoke(await signedBy(alice, { accountId: '222222222222', durationSeconds: 7200 }));
    expect(answer).toMatchObject({
      error: { code: 'ValidationError', message: expect.stringMatching(/role chaining/) },
    });
    expect(proxy.count('AssumeRole')).toBe(calls);
  });

  describe('refuses tampered identity proofs, with no AssumeRole', () => {
    const tampered: [string, (proof: IdentityProof) => IdentityProof | Promise<IdentityProof>, RegExp][] = [
      [
        'an audience changed after signing',
        (p) => ({ ...p, headers: { ...p.headers, 'x-stscreds-audience': AUDIENCE.toUpperCase() } }),
        /does not name this broker/,
      ],
      [
        'a genuine proof for another audience',
        () => proofOf(alice, { audience: 'another-broker' }),
        /does not name this broker/,
      ],
      [
        'an unsigned audience',
        (p) => ({
          ...p,
          headers: {
            ...p.headers,
            authorization: (p.headers.authorization ?? '').replace(';x-stscreds-audience', ''),
          },
        }),
        /must be signed/,
      ],
      [
        'a stale date',
        () => proofOf(alice, { signingDate: new Date(Date.now() - 10 * 60_000) }),
        /more than 5 minutes old/,
      ],
      [
        'another action',
        (p) => ({ ...p, body: 'Action=ListUsers&Version=2010-05-08' }),
        /body must be exactly/,
      ],
      ['a body changed after signing', (p) => ({ ...p, body: `${p.body}&Extra=1` }), /body must be exactly/],
      [
        'a flipped signature',
        (p) => ({
          ...p,
          headers: {
            ...p.headers,
            authorization: (p.headers.authorization ?? '').replace(/.$/, (c) => (c === '0' ? '1' : '0')),
          },
        }),
        /STS rejected it/,
      ],
      [
        "bob's signature claiming alice's key",
        async () => {
          const bobs = await proofOf(bob);
          const claim = (bobs.headers.authorization ?? '').replace(
            bob.credentials.accessKeyId,
            alice.credentials.accessKeyId,
          );
          return { ...bobs, headers: { ...bobs.headers, authorization: claim } };
        },
        /STS rejected it/,
      ],
      [
        'another host',
        (p) => ({ ...p, url: 'https://sts.us-west-2.amazonaws.com.evil.example/' }),
        /not an STS endpoint/,
      ],
    ];

    it.each(tampered)('%s', async (_, tamper, reason) => {
      const calls = proxy.count('AssumeRole');
      const answer = await invoke({ accountId: 'prod', identity: await tamper(await proofOf(alice)) });
      expect(answer).toMatchObject({
        error: { code: 'AccessDenied', message: expect.stringMatching(reason) },
      });
      expect(proxy.count('AssumeRole')).toBe(calls);
    });

    it('a fake STS on loopback that vouches for anyone is never asked', async () => {
      let asked = 0;
      const fake = createServer((_req, res) => {
        asked += 1;
        res.end(
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${alice.arn}</Arn><UserId>X</UserId><Account>111111111111</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
        );
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/`;
      try {
        const answer = await invoke({ accountId: 'prod', identity: { ...(await proofOf(bob)), url } });
        expect(answer).toMatchObject({
          error: { code: 'AccessDenied', message: expect.stringMatching(/not an STS endpoint/) },
        });
        expect(asked).toBe(0);
      } finally {
        fake.close();
      }
    });
  });

  describe('binds each proof to the request it was made for', () => {
    const REQUEST = { accountId: 'prod', durationSeconds: 900 };
    /** A broker that verifies proofs through the proxy, so that the test sees every GetCallerIdentity. */
    const counted = () => broker(configFor({ extraStsOrigins: [proxy.endpoint] }));
    const alicesProof = async () =>
      buildIdentityProof({
        credentials: alice.credentials,
        audience: AUDIENCE,
        stsEndpoint: proxy.endpoint,
        request: REQUEST,
      });
    const calls = () => ({ verify: proxy.count('GetCallerIdentity'), assume: proxy.count('AssumeRole') });

    it('issues for the very request the proof was made for', async () => {
      const answer = await invoke({ ...REQUEST, identity: await alicesProof() }, counted());
      expect(credentialResponseSchema.parse(answer).AccountId).toBe('222222222222');
    });

    it.each<[string, CredentialRequestInput]>([
      ['another account', { ...REQUEST, accountId: 'staging' }],
      ['the same account by id', { ...REQUEST, accountId: '222222222222' }],
      ['another duration', { ...REQUEST, durationSeconds: 3600 }],
      ['no duration', { accountId: 'prod' }],
      ['another role', { ...REQUEST, roleName: 'OrganizationAccountAccessRole' }],
      ['a session name', { ...REQUEST, sessionName: 'bob' }],
      ['a session policy', { ...REQUEST, policy: '{"Version":"2012-10-17","Statement":[]}' }],
      ['policy ARNs', { ...REQUEST, policyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }],
    ])('refuses a captured proof replayed for %s, before any STS call', async (_, replayed) => {
      const identity = await alicesProof();
      const before = calls();
      const answer = await invoke({ ...replayed, identity }, counted());
      expect(answer).toMatchObject({
        error: {
          code: 'AccessDenied',
          message: 'Identity proof refused: x-stscreds-request-digest does not match this request',
        },
      });
      expect(calls()).toEqual(before);
    });

    it('refuses a replay whose digest was rewritten to match: the signature covers it', async () => {
      const replayed = { ...REQUEST, accountId: 'staging' };
      const proof = await alicesProof();
      const identity = {
        ...proof,
        headers: { ...proof.headers, [REQUEST_DIGEST_HEADER]: requestDigest(replayed) },
      };
      const before = calls();
      const answer = await invoke({ ...replayed, identity }, counted());
      expect(answer).toMatchObject({
        error: {
          code: 'AccessDenied',
          message: expect.stringMatching(/STS rejected it with SignatureDoesNotMatch/),
        },
      });
      expect(calls()).toEqual({ verify: before.verify + 1, assume: before.assume });
    });

    it('refuses a proof that binds no request', async () => {
      const proof = await alicesProof();
      const { [REQUEST_DIGEST_HEADER]: _dropped, ...headers } = proof.headers;
      const authorization = (headers.authorization ?? '').replace(`;${REQUEST_DIGEST_HEADER}`, '');
      const answer = await invoke(
        { ...REQUEST, identity: { ...proof, headers: { ...headers, authorization } } },
        counted(),
      );
      expect(answer).toMatchObject({
        error: {
          code: 'AccessDenied',
          message: `Identity proof refused: ${REQUEST_DIGEST_HEADER} must be signed`,
        },
      });
    });
  });

  it('reaches STS through AWS_ENDPOINT_URL_STS with no code change', async () => {
    process.env.AWS_ENDPOINT_URL_STS = proxy.endpoint;
    process.env.AWS_ACCESS_KEY_ID = brokerCredentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = brokerCredentials.secretAccessKey;
    process.env.AWS_SESSION_TOKEN = brokerCredentials.sessionToken;
    const config = readBrokerConfig({
      AWS_REGION: DEV_ORG.region,
      STSCREDS_BROKER_ACCOUNT_ID: DEV_ORG.devopsAccountId,
      STSCREDS_AUDIENCE: AUDIENCE,
      STSCREDS_EXTRA_STS_ORIGINS: moto.endpoint,
      STSCREDS_ACCESS_POLICY: policy(),
    });
    const calls = proxy.count('AssumeRole');
    const answer = await invoke(
      await signedBy(alice, { accountId: '333333333333' }),
      broker(config, createStsClient(config)),
    );
    expect(credentialResponseSchema.parse(answer).AccountId).toBe('333333333333');
    expect(proxy.count('AssumeRole')).toBe(calls + 1);
  });

  it('answers UpstreamError when STS cannot be reached', async () => {
    const config = configFor();
    const unreachable = createStsClient(config, {
      endpoint: 'http://127.0.0.1:9',
      credentials: brokerCredentials,
      maxAttempts: 1,
    });
    const answer = await invoke(
      await signedBy(alice, { accountId: '222222222222' }),
      broker(config, unreachable),
    );
    expect(answer).toMatchObject({ error: { code: 'UpstreamError', message: 'STS could not be reached' } });
  });
});
