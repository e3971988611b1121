import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerResponseSchema } from '../src/contract.ts';
import { createHandler } from '../src/createHandler.ts';
import { captureOutput, config, context, verboseLogger } from './support.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
const TOKEN = 'FQoGZXIvYXdzEBYaDEXAMPLESESSIONTOKEN+token/with=chars';
const EXPIRATION = new Date('2026-11-28T10:00:00.000Z');

const stsMock = mockClient(STSClient);
afterEach(() => stsMock.reset());

const issue = () =>
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAEXAMPLEKEYID1234',
      SecretAccessKey: SECRET,
      SessionToken: TOKEN,
      Expiration: EXPIRATION,
    },
    AssumedRoleUser: {
      Arn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/build-42',
      AssumedRoleId: 'AROAEXAMPLE:build-42',
    },
  });

const stsError = (name: string, message = `${name} happened`, httpStatusCode = 400) =>
  new STSServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode } });

const handler = () =>
  createHandler({ config, sts: new STSClient({ region: 'us-west-2' }), logger: verboseLogger() });

describe('createHandler', () => {
  it('answers a credential_process document and asks STS for exactly what was requested', async () => {
    issue();
    const { result } = await captureOutput(() =>
      handler()({ accountId: '222222222222', sessionName: 'build-42', durationSeconds: 1800 }, context()),
    );
    expect(result).toEqual({
      Version: 1,
      AccessKeyId: 'ASIAEXAMPLEKEYID1234',
      SecretAccessKey: SECRET,
      SessionToken: TOKEN,
      Expiration: '2026-11-28T10:00:00.000Z',
      AccountId: '222222222222',
      AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/build-42',
    });
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      {
        RoleArn: 'arn:aws:iam::222222222222:role/lambda_sts',
        RoleSessionName: 'build-42',
        DurationSeconds: 1800,
        Policy: undefined,
        PolicyArns: undefined,
      },
    ]);
  });

  it('passes session policies on and names the session after the request when the caller does not', async () => {
    issue();
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    });
    await captureOutput(() =>
      handler()(
        {
          accountId: '222222222222',
          roleName: 'deploy',
          policy,
          policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        },
        context('req-1'),
      ),
    );
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::222222222222:role/deploy',
      RoleSessionName: 'stscreds-req-1',
      DurationSeconds: 3600,
      Policy: policy,
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    });
  });

  it('answers ValidationError and makes no STS call for a malformed request', async () => {
    issue();
    const { result } = await captureOutput(() =>
      handler()({ accountId: '222222222222', durationSeconds: 43200 }, context('req-2')),
    );
    expect(result).toEqual({
      error: { code: 'ValidationError', message: expect.stringMatching(/role chaining/), requestId: 'req-2' },
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it.each([
    ['AccessDenied', 'AccessDenied'],
    ['Throttling', 'Throttled'],
    ['ThrottlingException', 'Throttled'],
    ['MalformedPolicyDocument', 'ValidationError'],
    ['PackedPolicyTooLarge', 'ValidationError'],
    ['RegionDisabledException', 'UpstreamError'],
    ['ExpiredTokenException', 'UpstreamError'],
  ])('maps STS %s to %s', async (name, code) => {
    stsMock.on(AssumeRoleCommand).rejects(stsError(name));
    const { result } = await captureOutput(() => handler()({ accountId: '222222222222' }, context()));
    expect(result).toMatchObject({ error: { code } });
    expect(brokerResponseSchema.safeParse(result).success).toBe(true);
  });

  it('maps a network failure to UpstreamError', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
    const { result } = await captureOutput(() => handler()({ accountId: '222222222222' }, context()));
    expect(result).toMatchObject({ error: { code: 'UpstreamError', message: 'STS could not be reached' } });
  });

  it('refuses an answer that leads to another account', async () => {
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAX',
        SecretAccessKey: SECRET,
        SessionToken: TOKEN,
        Expiration: EXPIRATION,
      },
      AssumedRoleUser: {
        Arn: 'arn:aws:sts::999999999999:assumed-role/lambda_sts/x',
        AssumedRoleId: 'AROA:x',
      },
    });
    const { result, lines } = await captureOutput(() => handler()({ accountId: '222222222222' }, context()));
    expect(result).toMatchObject({ error: { code: 'UpstreamError' } });
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('refuses an answer without credentials', async () => {
    stsMock.on(AssumeRoleCommand).resolves({});
    const { result } = await captureOutput(() => handler()({ accountId: '222222222222' }, context()));
    expect(result).toMatchObject({ error: { code: 'UpstreamError' } });
  });

  it('answers InternalError, without a stack, when something unexpected breaks', async () => {
    const broken = { send: () => Promise.resolve(null) } as unknown as STSClient;
    const run = createHandler({ config, sts: broken, logger: verboseLogger() });
    const { result, lines } = await captureOutput(() => run({ accountId: '222222222222' }, context('req-3')));
    expect(result).toEqual({
      error: { code: 'InternalError', message: 'The broker failed unexpectedly', requestId: 'req-3' },
    });
    const logged = lines.map((line) => JSON.parse(line));
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 'ERROR', code: 'InternalError', requestId: 'req-3' }),
    );
    expect(lines.join('\n')).not.toMatch(/\n\s+at |createHandler\.ts:\d+/);
  });

  it('never writes a secret, a token or a signature to the logs, whatever happens', async () => {
    issue();
    const run = handler();
    const success = await captureOutput(() =>
      run({ accountId: '222222222222', sessionName: 'build-42' }, context()),
    );
    stsMock.reset();
    stsMock
      .on(AssumeRoleCommand)
      .rejects(
        stsError(
          'SignatureDoesNotMatch',
          `Signature=abcdef0123456789 SecretAccessKey=${SECRET} X-Amz-Security-Token=${TOKEN}`,
        ),
      );
    const failure = await captureOutput(() => run({ accountId: '222222222222' }, context()));
    const lines = [...success.lines, ...failure.lines];
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const text = lines.join('\n');
    for (const secret of [SECRET, TOKEN, 'abcdef0123456789']) expect(text).not.toContain(secret);
    expect(text).toContain('ASIA****1234');
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({ service: 'getSTScreds', requestId: expect.any(String) });
    }
  });
});
