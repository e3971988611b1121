import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DEV_ORG,
  type MotoServer,
  type RecordingProxy,
  type SeededOrganization,
  seedOrganization,
  startMotoServer,
  startRecordingProxy,
} from '@stscreds/devorg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CredentialResponse, credentialResponseSchema } from '../src/contract.ts';
import { createHandler } from '../src/createHandler.ts';
import { createStsClient } from '../src/createStsClient.ts';
import { readBrokerConfig } from '../src/readBrokerConfig.ts';
import { captureOutput, context, verboseLogger } from './support.ts';

let moto: MotoServer;
let proxy: RecordingProxy;
let org: SeededOrganization;
let brokerCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
const logLines: string[] = [];
const issuedSecrets: string[] = [];

beforeAll(async () => {
  moto = await startMotoServer();
  org = await seedOrganization(moto.endpoint);
  await moto.enforceAuth();
  proxy = await startRecordingProxy(moto.endpoint);
  const sts = new STSClient({
    endpoint: moto.endpoint,
    region: DEV_ORG.region,
    credentials: org.operator.credentials,
  });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: org.brokerRoleArn, RoleSessionName: 'getSTScreds' }),
  );
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('no broker session');
  brokerCredentials = {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
  };
});

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
  // Across every test in this file: nothing the broker logged carries a secret it handled.
  expect(logLines.length).toBeGreaterThan(0);
  const text = logLines.join('\n');
  for (const secret of [
    ...issuedSecrets,
    brokerCredentials.secretAccessKey,
    brokerCredentials.sessionToken,
  ]) {
    expect(text.includes(secret)).toBe(false);
  }
});

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

/** The broker as it runs in the DevOps account: its role's session, STS behind the recording proxy. */
const broker = () =>
  createHandler({
    config: { region: DEV_ORG.region, partition: 'aws', defaultRoleName: DEV_ORG.targetRoleName },
    sts: createStsClient(
      { region: DEV_ORG.region },
      { endpoint: proxy.endpoint, credentials: brokerCredentials },
    ),
    logger: verboseLogger(),
  });

const invoke = async (run: ReturnType<typeof broker>, event: unknown) => {
  const { result, lines } = await captureOutput(() => run(event, context(crypto.randomUUID())));
  logLines.push(...lines);
  if (!('error' in result)) issuedSecrets.push(result.SecretAccessKey, result.SessionToken);
  return result;
};

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
  it('issues credentials that work in the target account, and only there', async () => {
    const [prod] = org.targets;
    if (!prod) throw new Error('no prod');
    const answer = await invoke(broker(), {
      accountId: prod.accountId,
      sessionName: 'int-test',
      durationSeconds: 900,
    });
    const credentials = credentialResponseSchema.parse(answer);
    expect(credentials.AccountId).toBe(prod.accountId);
    expect(credentials.AssumedRoleArn).toBe(
      `arn:aws:sts::${prod.accountId}:assumed-role/lambda_sts/int-test`,
    );
    expect(credentials.Expiration).toMatch(/Z$/);
    const lifetime = Date.parse(credentials.Expiration) - Date.now();
    expect(lifetime).toBeGreaterThan(800_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);

    const s3 = s3With(credentials);
    const before = await s3.send(new ListBucketsCommand({}));
    expect(before.Buckets?.map((b) => b.Name)).toEqual([prod.bucket]);
    await s3.send(new CreateBucketCommand({ Bucket: 'made-by-the-broker-session' }));
    const after = await s3.send(new ListBucketsCommand({}));
    expect(after.Buckets?.map((b) => b.Name).sort()).toEqual(
      ['made-by-the-broker-session', prod.bucket].sort(),
    );
  });

  it('answers AccessDenied for a role that sts_assumerole does not name', async () => {
    const calls = proxy.count('AssumeRole');
    const answer = await invoke(broker(), {
      accountId: '222222222222',
      roleName: 'OrganizationAccountAccessRole',
    });
    expect(answer).toMatchObject({ error: { code: 'AccessDenied' } });
    expect(proxy.count('AssumeRole')).toBe(calls + 1);
  });

  it('answers AccessDenied for an account outside the policy', async () => {
    const answer = await invoke(broker(), { accountId: '444444444444' });
    expect(answer).toMatchObject({ error: { code: 'AccessDenied' } });
  });

  it('answers ValidationError for an invalid duration, and STS sees no AssumeRole', async () => {
    const calls = proxy.count('AssumeRole');
    const answer = await invoke(broker(), { accountId: '222222222222', durationSeconds: 7200 });
    expect(answer).toMatchObject({
      error: { code: 'ValidationError', message: expect.stringMatching(/role chaining/) },
    });
    expect(proxy.count('AssumeRole')).toBe(calls);
  });

  it('reaches STS through AWS_ENDPOINT_URL_STS with no code change', async () => {
    process.env.AWS_ENDPOINT_URL_STS = proxy.endpoint;
    process.env.AWS_ACCESS_KEY_ID = brokerCredentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = brokerCredentials.secretAccessKey;
    process.env.AWS_SESSION_TOKEN = brokerCredentials.sessionToken;
    const config = readBrokerConfig({ AWS_REGION: DEV_ORG.region });
    const run = createHandler({ config, sts: createStsClient(config), logger: verboseLogger() });
    const calls = proxy.count('AssumeRole');
    const answer = await invoke(run, { accountId: '333333333333' });
    expect(credentialResponseSchema.parse(answer).AccountId).toBe('333333333333');
    expect(proxy.count('AssumeRole')).toBe(calls + 1);
  });

  it('answers UpstreamError when STS cannot be reached', async () => {
    const run = createHandler({
      config: { region: DEV_ORG.region, partition: 'aws', defaultRoleName: DEV_ORG.targetRoleName },
      sts: createStsClient(
        { region: DEV_ORG.region },
        { endpoint: 'http://127.0.0.1:9', credentials: brokerCredentials, maxAttempts: 1 },
      ),
      logger: verboseLogger(),
    });
    const answer = await invoke(run, { accountId: '222222222222' });
    expect(answer).toMatchObject({ error: { code: 'UpstreamError', message: 'STS could not be reached' } });
  });
});
