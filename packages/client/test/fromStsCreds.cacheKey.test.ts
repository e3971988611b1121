import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearStsCredsCache, type FromStsCredsOptions, fromStsCreds } from '../src/fromStsCreds.ts';

const lambdaMock = mockClient(LambdaClient);
const CALLER = { accessKeyId: 'AKIACALLER0000000001', secretAccessKey: 'caller-secret' };
const LAMBDA = new LambdaClient({ region: 'us-west-2', credentials: CALLER });

let issued = 0;
const answer = () => {
  issued += 1;
  return {
    Version: 1,
    AccessKeyId: `ASIAISSUED${String(issued).padStart(10, '0')}`,
    SecretAccessKey: `secret-${issued}`,
    SessionToken: `token-${issued}`,
    Expiration: new Date(Date.now() + 3600_000).toISOString(),
    AccountId: '222222222222',
    AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
  };
};
/** A broker on loopback that answers every request, on the Invoke API and as a Function URL alike. */
const listen = async (): Promise<{ server: Server; url: string }> => {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer()));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};
const brokerA = await listen();
const brokerB = await listen();
const A = brokerA.url;
const B = brokerB.url;

const respond = () => ({
  StatusCode: 200,
  Payload: new TextEncoder().encode(JSON.stringify(answer())) as never,
});

const work = join(tmpdir(), `stscreds-key-${process.pid}`);
const configA = () => join(work, 'config-a');
const configB = () => join(work, 'config-b');
const servicesConfig = (endpoint: string) =>
  `[profile caller]\nservices = local\n\n[services local]\nlambda =\n  endpoint_url = ${endpoint}\n`;

beforeAll(async () => {
  await mkdir(work, { recursive: true });
  await writeFile(configA(), servicesConfig(A));
  await writeFile(configB(), servicesConfig(B));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  brokerA.server.close();
  brokerB.server.close();
});

const savedEnv = { ...process.env };
beforeEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  delete process.env.STSCREDS_AUDIENCE;
  process.env.AWS_CONFIG_FILE = '/nonexistent/stscreds-test-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/stscreds-test-credentials';
  process.env.AWS_ENDPOINT_URL_STS = 'https://sts.us-west-2.amazonaws.com';
  lambdaMock.on(InvokeCommand).callsFake(async () => respond());
});
afterEach(() => {
  lambdaMock.reset();
  clearStsCredsCache();
  process.env = { ...savedEnv };
  issued = 0;
});

const BASE: FromStsCredsOptions = {
  accountId: '222222222222',
  credentials: CALLER,
  audience: 'aud',
  lambdaClient: LAMBDA,
};
/** The same request without an injected client, so that endpoints are resolved from the options. */
const { lambdaClient: _client, ...RESOLVED } = BASE;
const { audience: _audience, ...UNSET_AUDIENCE } = BASE;

type Side = { readonly options: FromStsCredsOptions; readonly env?: Record<string, string> };

/** Asks once as `a`, then as `b`, each under its own environment; answers the two access key ids. */
const askBoth = async (a: Side, b: Side): Promise<[string, string]> => {
  const ask = async ({ options, env = {} }: Side) => {
    const before = { ...process.env };
    Object.assign(process.env, env);
    try {
      return (await fromStsCreds(options)()).accessKeyId;
    } finally {
      process.env = before;
    }
  };
  return [await ask(a), await ask(b)];
};

const differing: ReadonlyArray<readonly [string, Side, Side]> = [
  ['the account', { options: BASE }, { options: { ...BASE, accountId: '333333333333' } }],
  ['the role', { options: BASE }, { options: { ...BASE, roleName: 'deploy' } }],
  ['the session name', { options: BASE }, { options: { ...BASE, sessionName: 'build-42' } }],
  ['the duration', { options: BASE }, { options: { ...BASE, durationSeconds: 900 } }],
  [
    'the inline policy',
    { options: { ...BASE, policy: '{"Version":"2012-10-17","Statement":[]}' } },
    { options: { ...BASE, policy: '{"Version":"2012-10-17","Statement":[ ]}' } },
  ],
  [
    'the policy ARNs',
    { options: { ...BASE, policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] } },
    { options: { ...BASE, policyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] } },
  ],
  [
    "the caller's access key id",
    { options: BASE },
    { options: { ...BASE, credentials: { ...CALLER, accessKeyId: 'AKIACALLER0000000002' } } },
  ],
  [
    "the caller's secret key (a forged key id gets nothing)",
    { options: BASE },
    { options: { ...BASE, credentials: { ...CALLER, secretAccessKey: 'forged' } } },
  ],
  [
    'the injected Lambda client',
    { options: BASE },
    { options: { ...BASE, lambdaClient: new LambdaClient({ region: 'us-west-2', credentials: CALLER }) } },
  ],
  [
    'the endpoint option',
    { options: { ...RESOLVED, endpoint: A } },
    { options: { ...RESOLVED, endpoint: B } },
  ],
  [
    'AWS_ENDPOINT_URL_LAMBDA',
    { options: RESOLVED, env: { AWS_ENDPOINT_URL_LAMBDA: A } },
    { options: RESOLVED, env: { AWS_ENDPOINT_URL_LAMBDA: B } },
  ],
  [
    'AWS_ENDPOINT_URL',
    { options: RESOLVED, env: { AWS_ENDPOINT_URL: A } },
    { options: RESOLVED, env: { AWS_ENDPOINT_URL: B } },
  ],
  [
    "the Lambda endpoint of the profile's services section",
    { options: { ...RESOLVED, profile: 'caller' }, env: { AWS_CONFIG_FILE: configA() } },
    { options: { ...RESOLVED, profile: 'caller' }, env: { AWS_CONFIG_FILE: configB() } },
  ],
  [
    "AWS_PROFILE's services section",
    { options: RESOLVED, env: { AWS_CONFIG_FILE: configA(), AWS_PROFILE: 'caller' } },
    { options: RESOLVED, env: { AWS_CONFIG_FILE: configB(), AWS_PROFILE: 'caller' } },
  ],
  ['the function name', { options: BASE }, { options: { ...BASE, functionName: 'otherBroker' } }],
  [
    "the broker's region, the STS region held",
    { options: { ...RESOLVED, stsRegion: 'us-west-2' }, env: { AWS_ENDPOINT_URL_LAMBDA: A } },
    {
      options: { ...RESOLVED, stsRegion: 'us-west-2', region: 'eu-west-1' },
      env: { AWS_ENDPOINT_URL_LAMBDA: A },
    },
  ],
  [
    'the Function URL',
    { options: { ...BASE, functionUrl: `${A}/` } },
    { options: { ...BASE, functionUrl: `${B}/` } },
  ],
  ['Function URL against Lambda Invoke', { options: BASE }, { options: { ...BASE, functionUrl: `${A}/` } }],
  ['the audience', { options: BASE }, { options: { ...BASE, audience: 'other-broker' } }],
  [
    'STSCREDS_AUDIENCE',
    { options: UNSET_AUDIENCE, env: { STSCREDS_AUDIENCE: 'broker-a' } },
    { options: UNSET_AUDIENCE, env: { STSCREDS_AUDIENCE: 'broker-b' } },
  ],
  ['the STS region', { options: BASE }, { options: { ...BASE, stsRegion: 'us-east-1' } }],
  [
    'the STS endpoint resolved from the environment',
    { options: BASE, env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:3' } },
    { options: BASE, env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4' } },
  ],
  ['the refresh margin', { options: BASE }, { options: { ...BASE, refreshAheadMs: 60_000 } }],
];

describe("fromStsCreds's process-wide cache", () => {
  it('shares one answer between providers that ask the same broker the same thing as the same caller', async () => {
    const [a, b] = await askBoth({ options: BASE }, { options: { ...BASE } });
    expect(b).toBe(a);
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('keys on the endpoint as resolved, not as typed', async () => {
    const [a, b] = await askBoth(
      { options: { ...RESOLVED, endpoint: A } },
      { options: RESOLVED, env: { AWS_ENDPOINT_URL_LAMBDA: A } },
    );
    expect(b).toBe(a);
  });

  it.each(differing)('never shares an entry between requests differing only in %s', async (_, a, b) => {
    const [first, second] = await askBoth(a, b);
    expect(second).not.toBe(first);
    expect(issued).toBe(2);
  });
});
