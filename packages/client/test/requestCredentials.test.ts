import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialRequester } from '../src/requestCredentials.ts';

const CALLER = { accessKeyId: 'AKIACALLER0000000001', secretAccessKey: 'caller-secret' };
const ANSWER = {
  Version: 1,
  AccessKeyId: 'ASIAISSUED0000000001',
  SecretAccessKey: 'issued-secret',
  SessionToken: 'issued-token',
  Expiration: '2030-01-01T00:00:00.000Z',
  AccountId: '222222222222',
  AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
};
const lambdaMock = mockClient(LambdaClient);

let server: Server;
let endpoint: string;
let invocations: string[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    invocations.push(request.url ?? '');
    request.resume();
    request.on('end', () => response.end(JSON.stringify(ANSWER)));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** A Lambda endpoint that is always unavailable, a transient error the SDK retries. */
let unavailable: Server;
let unavailableEndpoint: string;
let attempts = 0;
beforeAll(async () => {
  unavailable = createServer((request, response) => {
    attempts += 1;
    request.resume();
    request.on('end', () => {
      response.writeHead(503, { 'x-amzn-errortype': 'ServiceException' });
      response.end('{"message":"unavailable"}');
    });
  });
  await new Promise<void>((done) => unavailable.listen(0, '127.0.0.1', done));
  unavailableEndpoint = `http://127.0.0.1:${(unavailable.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => unavailable.close(() => done())));

const savedEnv = { ...process.env };
beforeEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  process.env.AWS_CONFIG_FILE = '/nonexistent/stscreds-test-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/stscreds-test-credentials';
  lambdaMock
    .on(InvokeCommand)
    .resolves({ StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(ANSWER)) as never });
  invocations = [];
  attempts = 0;
});
afterEach(() => {
  lambdaMock.reset();
  process.env = { ...savedEnv };
});

const ask = (options: Partial<Parameters<typeof createCredentialRequester>[0]> = {}) =>
  createCredentialRequester({
    accountId: 'prod',
    credentials: CALLER,
    audience: 'aud',
    ...options,
  }).request();

describe('createCredentialRequester', () => {
  it("asks a configured endpoint with the client's own signed Invoke, and no SDK client", async () => {
    process.env.AWS_ENDPOINT_URL_LAMBDA = endpoint;
    expect((await ask()).AccessKeyId).toBe(ANSWER.AccessKeyId);
    expect(invocations).toEqual(['/2015-03-31/functions/getSTScreds/invocations']);
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('uses the Lambda client it is given', async () => {
    process.env.AWS_ENDPOINT_URL_LAMBDA = endpoint;
    await ask({ lambdaClient: new LambdaClient({ region: 'us-west-2', credentials: CALLER }) });
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(1);
    expect(invocations).toEqual([]);
  });

  it.each([
    ['FIPS endpoints', { AWS_USE_FIPS_ENDPOINT: 'true' }, 'us-west-2'],
    ['dual-stack endpoints', { AWS_USE_DUALSTACK_ENDPOINT: 'true' }, 'us-west-2'],
    ['a partition it has no rule for', {}, 'us-iso-east-1'],
  ])("leaves %s to the SDK's Lambda client, and its endpoint rules", async (_, env, region) => {
    Object.assign(process.env, env);
    await ask({ region, stsRegion: 'us-west-2' });
    const [call] = lambdaMock.commandCalls(InvokeCommand);
    expect(call?.args[0].input.FunctionName).toBe('getSTScreds');
    expect(invocations).toEqual([]);
  });

  it('signs the proof and the Invoke with the same credentials, read once per request', async () => {
    process.env.AWS_ENDPOINT_URL_LAMBDA = endpoint;
    let reads = 0;
    await ask({
      credentials: async () => {
        reads += 1;
        return { ...CALLER, accessKeyId: `AKIACALLER000000000${reads}` };
      },
    });
    expect(reads).toBe(1);
  });

  it.each([
    ['AWS_MAX_ATTEMPTS', 1, { AWS_MAX_ATTEMPTS: '1' }, ''],
    ["the profile's max_attempts", 2, {}, 'max_attempts = 2\n'],
    ['AWS_MAX_ATTEMPTS over the profile', 1, { AWS_MAX_ATTEMPTS: '1' }, 'max_attempts = 5\n'],
  ])('makes as many attempts as %s allows, as the SDK does', async (_, expected, env, settings) => {
    const dir = mkdtempSync(join(tmpdir(), 'stscreds-attempts-'));
    try {
      writeFileSync(join(dir, 'config'), `[profile alice]\n${settings}`);
      Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, 'config'), ...env });
      process.env.AWS_ENDPOINT_URL_LAMBDA = unavailableEndpoint;
      const error = await ask({ profile: 'alice' }).catch((e: unknown) => e);
      expect((error as Error).name).toBe('StsCredsUpstreamError');
      expect(attempts).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
