import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { fromIni } from '@aws-sdk/credential-providers';
import { buildIdentityProof, invokeBroker } from '@stscreds/client';
import {
  type CredentialRequestInput,
  credentialResponseSchema,
  errorResponseSchema,
} from '@stscreds/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ORG } from '../src/defaults.ts';
import { type DevOrg, startDevOrg } from '../src/startDevOrg.ts';

let org: DevOrg;
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'stscreds-devorg-'));
  org = await startDevOrg({ stateDir });
  org.logger.setLogLevel('SILENT');
});

afterAll(async () => {
  await org?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const lambdaAs = (profile: string) =>
  new LambdaClient({
    region: DEV_ORG.region,
    endpoint: org.broker.lambdaEndpoint,
    credentials: fromIni({ profile, filepath: org.paths.credentials, configFilepath: org.paths.config }),
  });

const post = (body: string | Uint8Array) =>
  fetch(`${org.broker.lambdaEndpoint}/2015-03-31/functions/${DEV_ORG.functionName}/invocations`, {
    method: 'POST',
    body,
  });

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Hostile and malformed payloads: each must get a clean ValidationError, or a 4xx from the endpoint. */
const HOSTILE: [string, string][] = [
  ['an empty payload', ''],
  ['null', 'null'],
  ['a number', '42'],
  ['a string', '"222222222222"'],
  ['an array', '[{"accountId":"222222222222"}]'],
  ['a missing accountId', '{"roleName":"lambda_sts"}'],
  ['accountId as a number', '{"accountId":222222222222}'],
  ['fullwidth digits', '{"accountId":"２２２２２２２２２２２２"}'],
  ['Arabic-Indic digits', '{"accountId":"٢٢٢٢٢٢٢٢٢٢٢٢"}'],
  ['a trailing newline', '{"accountId":"222222222222\\n"}'],
  ['trailing whitespace', '{"accountId":"222222222222 "}'],
  ['an ARN in accountId', '{"accountId":"arn:aws:iam::222222222222:role/admin"}'],
  ['a path in roleName', '{"accountId":"222222222222","roleName":"lambda_sts/../admin"}'],
  ['a wildcard roleName', '{"accountId":"222222222222","roleName":"*"}'],
  ['an ARN fragment in roleName', '{"accountId":"222222222222","roleName":"x:role/admin"}'],
  ['a NUL in roleName', '{"accountId":"222222222222","roleName":"lambda_sts\\u0000"}'],
  ['durationSeconds as a string', '{"accountId":"222222222222","durationSeconds":"3600"}'],
  ['a float duration', '{"accountId":"222222222222","durationSeconds":1800.5}'],
  ['an overflowing duration', '{"accountId":"222222222222","durationSeconds":1e400}'],
  ['a negative duration', '{"accountId":"222222222222","durationSeconds":-1}'],
  ['a duration past role chaining', '{"accountId":"222222222222","durationSeconds":43200}'],
  [
    'a policy over 2048 characters',
    `{"accountId":"222222222222","policy":${JSON.stringify(`{"a":"${'x'.repeat(2100)}"}`)}}`,
  ],
  ['a policy that is not JSON', '{"accountId":"222222222222","policy":"allow everything"}'],
  [
    'eleven policy ARNs',
    JSON.stringify({
      accountId: '222222222222',
      policyArns: Array(11).fill('arn:aws:iam::aws:policy/ReadOnlyAccess'),
    }),
  ],
  ['a malformed policy ARN', '{"accountId":"222222222222","policyArns":["arn:aws:iam::aws:role/Admin"]}'],
  [
    'a __proto__ key',
    '{"accountId":"222222222222","__proto__":{"roleName":"OrganizationAccountAccessRole"}}',
  ],
  ['a constructor key', '{"accountId":"222222222222","constructor":{"prototype":{"admin":true}}}'],
  ['an unknown field', '{"accountId":"222222222222","RoleArn":"arn:aws:iam::222222222222:role/admin"}'],
  ['a duplicate key', '{"accountId":"222222222222","accountId":"12"}'],
  ['an oversized request', JSON.stringify({ accountId: '222222222222', sessionName: 'x'.repeat(70_000) })],
  ['deep nesting in a field', `{"accountId":"222222222222","policyArns":${nested(100_000)}}`],
  ['deep nesting at the top', nested(1_000_000)],
  ['not JSON', '{accountId:222222222222}'],
  ['bytes that are not UTF-8', '\uFFFD'],
  ['a payload past Lambda limit', `"${'x'.repeat(6 * 1024 * 1024)}"`],
];

describe('the local organization', () => {
  it('writes a state folder that the real SDK and CLI can use, readable by its owner only', async () => {
    const broker = JSON.parse(await readFile(org.paths.brokerJson, 'utf8'));
    expect(broker).toEqual({
      lambdaEndpoint: org.lambda.endpoint,
      functionUrl: org.functionUrl.url,
      federationEndpoint: org.federation.url,
      accessPolicyParameter: '/stscreds/access-policy',
      accessPolicyMaxAgeSeconds: 5,
      functionName: 'getSTScreds',
      audience: 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds',
      stsEndpoint: org.moto.endpoint,
      region: 'us-west-2',
    });
    // A client of the local broker finds its audience in env.sh, as it finds the endpoints there.
    expect(await readFile(org.paths.envScript, 'utf8')).toContain(
      `export STSCREDS_AUDIENCE='${broker.audience}'`,
    );
    for (const file of [
      org.paths.credentials,
      org.paths.config,
      org.paths.brokerJson,
      org.paths.accessPolicy,
    ]) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
    expect((await stat(org.paths.dir)).mode & 0o777).toBe(0o700);
    const credentials = await readFile(org.paths.credentials, 'utf8');
    expect(credentials).toMatch(/\[alice\]/);
    expect(credentials).toMatch(/\[bob\]/);
  });

  const proofOf = async (profile: string, request: CredentialRequestInput) =>
    buildIdentityProof({
      request,
      credentials: await fromIni({
        profile,
        filepath: org.paths.credentials,
        configFilepath: org.paths.config,
      })(),
      audience: org.broker.audience,
      stsEndpoint: org.broker.stsEndpoint,
    });

  it('gives alice credentials for prod through the real LambdaClient and her profile', async () => {
    const answer = await invokeBroker(lambdaAs('alice'), DEV_ORG.functionName, {
      accountId: '222222222222',
      identity: await proofOf('alice', { accountId: '222222222222' }),
    });
    const credentials = credentialResponseSchema.parse(answer);
    const s3 = new S3Client({
      region: DEV_ORG.region,
      endpoint: org.moto.endpoint,
      forcePathStyle: true,
      credentials: {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
      },
    });
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name)).toEqual(['stscreds-dev-prod-222222222222']);
  });

  it('denies bob prod by the access policy, and gives him staging', async () => {
    const bob = lambdaAs('bob');
    const denied = await invokeBroker(bob, DEV_ORG.functionName, {
      accountId: 'prod',
      identity: await proofOf('bob', { accountId: 'prod' }),
    });
    expect(errorResponseSchema.parse(denied).error).toMatchObject({
      code: 'AccessDenied',
      message: expect.stringMatching(/default-deny/),
    });
    const allowed = await invokeBroker(bob, DEV_ORG.functionName, {
      accountId: 'staging',
      identity: await proofOf('bob', { accountId: 'staging' }),
    });
    expect(credentialResponseSchema.parse(allowed).AssumedRoleArn).toBe(
      'arn:aws:sts::333333333333:assumed-role/lambda_sts/aws,iam,,111111111111,user+bob',
    );
  });

  it('writes the access policy it enforces to the state folder', async () => {
    const policy = JSON.parse(await readFile(org.paths.accessPolicy, 'utf8'));
    expect(policy.aliases).toEqual({ prod: '222222222222', staging: '333333333333' });
    expect(policy.rules.map((rule: { id: string }) => rule.id)).toEqual([
      'alice-prod-staging',
      'bob-staging',
    ]);
  });

  it('enforces IAM in moto: the callers own keys cannot read the targets', async () => {
    const s3 = new S3Client({
      region: DEV_ORG.region,
      endpoint: org.moto.endpoint,
      forcePathStyle: true,
      credentials: fromIni({
        profile: 'alice',
        filepath: org.paths.credentials,
        configFilepath: org.paths.config,
      }),
    });
    await expect(s3.send(new ListBucketsCommand({}))).rejects.toThrow(
      expect.objectContaining({ name: 'AccessDenied' }),
    );
  });

  it.each(HOSTILE)('answers %s cleanly', async (_, payload) => {
    const response = await post(
      payload === '\uFFFD' ? new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]) : payload,
    ).catch((error: unknown) => error);
    if (!(response instanceof Response)) {
      // Only the payload past Lambda's limit may be cut off while it is still being sent.
      expect(payload.length).toBeGreaterThan(6 * 1024 * 1024);
      return;
    }
    expect(response.headers.get('x-amz-function-error')).toBeNull();
    const body: unknown = await response.json();
    if (response.status === 200) {
      expect(errorResponseSchema.parse(body).error.code).toBe('ValidationError');
    } else {
      expect([400, 413]).toContain(response.status);
      expect(response.headers.get('x-amzn-errortype')).toMatch(
        /^(InvalidRequestContentException|RequestTooLargeException)$/,
      );
    }
  });
});
