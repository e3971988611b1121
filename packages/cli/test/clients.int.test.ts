import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { fromIni } from '@aws-sdk/credential-providers';
import { clearStsCredsCache, fromStsCreds, StsCredsAccessDeniedError } from '@stscreds/client';
import { DEV_ORG, type DevOrg, serveLambdaInvoke, startDevOrg } from '@stscreds/devorg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialProcessCommand } from '../src/credentialProcessCommand.ts';

const BIN = resolve(import.meta.dirname, '../bin/stscreds.js');
const REPO = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

let org: DevOrg;
let work: string;
let env: NodeJS.ProcessEnv;
const secrets: string[] = [];
const outputs: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stscreds-clients-'));
  org = await startDevOrg({
    stateDir: join(work, 'state'),
    credentialProcess: (alias) =>
      credentialProcessCommand(
        ['get', alias, '--format', 'process', '--profile', 'alice', '--audience', DEV_ORG.audience],
        BIN,
      ),
  });
  org.logger.setLogLevel('SILENT');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
  );
  env = {
    ...inherited,
    ...org.environment,
    NODE_NO_WARNINGS: '1',
    XDG_CACHE_HOME: join(work, 'cache'),
  };
  secrets.push(...org.seeded.callers.map((c) => c.credentials.secretAccessKey));
});

afterAll(async () => {
  await org?.stop();
  await rm(work, { recursive: true, force: true });
  // What the CLI printed for people (stderr, human formats) carries no caller secret.
  for (const text of outputs) for (const secret of secrets) expect(text.includes(secret)).toBe(false);
});

const cli = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...env, ...extra },
      cwd: work,
    });
    outputs.push(stderr);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    outputs.push(failed.stderr);
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

const aws = async (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  (await run('aws', args, { env: { ...env, ...extra }, cwd: '/' })).stdout;

describe('the AWS CLI with a profile written by stscreds profile add', () => {
  it('gets the assumed lambda_sts role in prod, and lists only prod bucket', async () => {
    const added = await cli([
      'profile',
      'add',
      'myprod',
      '--account',
      '222222222222',
      '--profile',
      'alice',
      '--endpoint',
      org.lambda.endpoint,
    ]);
    expect(added.code).toBe(0);
    const config = await readFile(org.paths.config, 'utf8');
    expect(config).toMatch(
      /\[profile myprod\]\ncredential_process = \S+node\S* \S+stscreds\.js get 222222222222 --format process --endpoint http:\/\/127\.0\.0\.1:\d+ --profile alice --audience arn:aws:lambda:us-west-2:111111111111:function:getSTScreds\n/,
    );
    expect(config).toMatch(/\[profile alice\]/);
    const { AWS_ENDPOINT_URL_LAMBDA: _unused, ...withoutLambdaEnv } = env;
    const identity = JSON.parse(
      await aws(['--profile', 'myprod', 'sts', 'get-caller-identity'], withoutLambdaEnv),
    );
    expect(identity).toMatchObject({
      Account: '222222222222',
      Arn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/aws,iam,,111111111111,user+alice',
    });
    expect(await aws(['--profile', 'myprod', 's3', 'ls'])).toMatch(/ stscreds-dev-prod-222222222222\n$/);
  });

  it('and so do the state folder prod and staging profiles', async () => {
    const identity = JSON.parse(await aws(['--profile', 'staging', 'sts', 'get-caller-identity']));
    expect(identity.Arn).toBe(
      'arn:aws:sts::333333333333:assumed-role/lambda_sts/aws,iam,,111111111111,user+alice',
    );
  });
});

describe('stscreds get', () => {
  it('makes one invoke for 20 parallel credential_process runs', async () => {
    const cache = { XDG_CACHE_HOME: join(work, 'parallel') };
    const before = org.lambda.invocations();
    const runs = await Promise.all(
      Array.from({ length: 20 }, () =>
        cli(['get', 'staging', '--profile', 'bob', '--format', 'process'], cache),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual(Array(20).fill(0));
    expect(new Set(runs.map((r) => JSON.parse(r.stdout).AccessKeyId)).size).toBe(1);
    expect(org.lambda.invocations() - before).toBe(1);
  });

  it("never serves one broker's credentials for another, through AWS_ENDPOINT_URL_LAMBDA or the profile", async () => {
    const other = await serveLambdaInvoke({
      functionName: 'getSTScreds',
      region: 'us-west-2',
      accountId: '111111111111',
      handler: async () => ({
        Version: 1,
        AccessKeyId: 'ASIAOTHERBROKER00001',
        SecretAccessKey: 'other-broker-secret',
        SessionToken: 'other-broker-token',
        Expiration: new Date(Date.now() + 3600_000).toISOString(),
        AccountId: '222222222222',
        AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/other-broker',
      }),
    });
    try {
      const cache = { XDG_CACHE_HOME: join(work, 'two-brokers') };
      const keyFrom = async (extra: NodeJS.ProcessEnv) => {
        const result = await cli(['get', 'prod', '--profile', 'alice', '--format', 'process'], {
          ...cache,
          ...extra,
        });
        expect(result.code).toBe(0);
        return JSON.parse(result.stdout).AccessKeyId;
      };
      const first = await keyFrom({});
      expect(first).toMatch(/^ASIA/);
      expect(await keyFrom({ AWS_ENDPOINT_URL_LAMBDA: other.endpoint })).toBe('ASIAOTHERBROKER00001');
      expect(await keyFrom({})).toBe(first);
      // With the variable empty, the caller's profile names the local organization's broker.
      expect(await keyFrom({ AWS_ENDPOINT_URL_LAMBDA: '' })).toBe(first);
      expect(other.invocations()).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('answers a warm credential_process from its cache as the whole command does, and asks no broker', async () => {
    const args = ['get', 'prod', '--format', 'process', '--profile', 'alice'];
    const first = await cli(args);
    expect(first.code).toBe(0);
    const invocations = org.lambda.invocations();
    // --verbose always runs the whole command: the same cache entry, read by the same code.
    const [fast, whole] = [await cli(args), await cli([...args, '--verbose'])];
    expect(fast).toEqual({ ...first, stderr: '' });
    expect(whole.stdout).toBe(first.stdout);
    expect(whole.stderr).toContain('stscreds: broker getSTScreds');
    expect(org.lambda.invocations()).toBe(invocations);
  });

  it('keeps no denial in its cache', async () => {
    const cache = { XDG_CACHE_HOME: join(work, 'parallel') };
    const before = org.lambda.invocations();
    expect((await cli(['get', 'prod', '--profile', 'bob'], cache)).code).toBe(3);
    expect((await cli(['get', 'prod', '--profile', 'bob'], cache)).code).toBe(3);
    expect(org.lambda.invocations() - before).toBe(2);
  });

  it("finds the broker and STS through the caller's profile alone, and warns of nothing", async () => {
    const {
      AWS_ENDPOINT_URL: _sts,
      AWS_ENDPOINT_URL_LAMBDA: _lambda,
      NODE_NO_WARNINGS: _quiet,
      ...bare
    } = env;
    const result = await run(
      process.execPath,
      [BIN, 'get', 'staging', '--profile', 'bob', '--no-cache', '--format', 'process'],
      {
        env: bare,
        cwd: work,
      },
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({
      Version: 1,
      AccessKeyId: expect.stringMatching(/^ASIA/),
    });
  });

  it('exits 3 with one line on stderr when the policy denies', async () => {
    const denied = await cli(['get', 'prod', '--profile', 'bob', '--no-cache']);
    expect(denied.code).toBe(3);
    expect(denied.stdout).toBe('');
    expect(denied.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^stscreds: AccessDenied: .*default-deny/),
    ]);
  });

  it('exits 2 with usage help for a bad flag', async () => {
    const bad = await cli(['get', 'prod', '--duration', '7200']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/role chaining/);
  });
});

describe('stscreds exec', () => {
  it('hands the child temporary keys, none of the parent profile, and passes its exit code back', async () => {
    const script = [
      'const e = process.env;',
      'console.log(JSON.stringify({ key: e.AWS_ACCESS_KEY_ID, secret: !!e.AWS_SECRET_ACCESS_KEY, token: !!e.AWS_SESSION_TOKEN, exp: e.AWS_CREDENTIAL_EXPIRATION, profile: e.AWS_PROFILE ?? null }));',
      'process.exit(7);',
    ].join('');
    const result = await cli(
      ['exec', 'staging', '--profile', 'alice', '--', process.execPath, '-e', script],
      { AWS_PROFILE: 'alice' },
    );
    expect(result.code).toBe(7);
    const seen = JSON.parse(result.stdout);
    expect(seen).toMatchObject({
      key: expect.stringMatching(/^ASIA/),
      secret: true,
      token: true,
      profile: null,
    });
    expect(Date.parse(seen.exp)).toBeGreaterThan(Date.now());
  });

  it('lets the AWS CLI in the child act in the target account', async () => {
    const result = await cli(['exec', 'staging', '--profile', 'alice', '--', 'aws', 's3', 'ls']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ stscreds-dev-staging-333333333333\n$/);
  });

  it('answers 127 for a command that is not there and 126 for one that cannot run, as shells do', async () => {
    const missing = await cli(['exec', 'staging', '--profile', 'alice', '--', join(work, 'no-such-command')]);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/no-such-command: command not found\n$/);
    const notExecutable = join(work, 'not-executable.sh');
    await writeFile(notExecutable, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    const refused = await cli(['exec', 'staging', '--profile', 'alice', '--', notExecutable]);
    expect(refused.code).toBe(126);
    expect(refused.stderr).toMatch(/not-executable\.sh: permission denied\n$/);
  });

  it('passes a signal death back as 128 + its number', async () => {
    const result = await cli([
      'exec',
      'staging',
      '--profile',
      'alice',
      '--',
      '/bin/sh',
      '-c',
      'kill -TERM $$',
    ]);
    expect(result.code).toBe(143);
  });
});

describe('stscreds exec --server and serve', () => {
  it("feeds the SDK's container provider in a child process", async () => {
    const child = join(work, 'child.mjs');
    await writeFile(
      child,
      `import { STSClient, GetCallerIdentityCommand } from '${resolve(REPO, 'node_modules/@aws-sdk/client-sts/dist-cjs/index.js')}';
const sts = new STSClient({ region: 'us-west-2' });
const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
console.log(JSON.stringify({ Arn, uri: process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, key: process.env.AWS_ACCESS_KEY_ID ?? null }));`,
    );
    const result = await cli([
      'exec',
      'prod',
      '--server',
      '--profile',
      'alice',
      '--',
      process.execPath,
      child,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      Arn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/aws,iam,,111111111111,user+alice',
      uri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
      key: null,
    });
  });

  it('serves on loopback to holders of its token only', async () => {
    const server = spawn(process.execPath, [BIN, 'serve', 'prod', '--profile', 'alice'], { env, cwd: work });
    try {
      const lines = await new Promise<string[]>((done, fail) => {
        let text = '';
        server.stdout.on('data', (chunk) => {
          text += chunk;
          const found = text.split('\n').filter((line) => line.startsWith('export '));
          if (found.some((line) => line.includes('AWS_CONTAINER_AUTHORIZATION_TOKEN='))) done(found);
        });
        server.once('exit', () => fail(new Error('serve exited')));
      });
      const value = (name: string) => /='(.*)'$/.exec(lines.find((l) => l.includes(name)) ?? '')?.[1] ?? '';
      const uri = value('AWS_CONTAINER_CREDENTIALS_FULL_URI');
      const token = value('AWS_CONTAINER_AUTHORIZATION_TOKEN');
      expect(new URL(uri).hostname).toBe('127.0.0.1');
      expect((await fetch(uri)).status).toBe(401);
      expect((await fetch(uri, { headers: { authorization: 'wrong' } })).status).toBe(401);
      const served = await fetch(uri, { headers: { authorization: token } });
      expect(served.status).toBe(200);
      expect(served.headers.get('cache-control')).toBe('no-store');
      expect(await served.json()).toMatchObject({
        AccessKeyId: expect.stringMatching(/^ASIA/),
        Token: expect.any(String),
      });
    } finally {
      server.kill('SIGINT');
    }
    const code = await new Promise((done) => server.once('exit', done));
    expect(code).toBe(0);
  });
});

describe('the children of exec --server and serve, when the user has a [default] profile', () => {
  const PROD_ARN = 'arn:aws:sts::222222222222:assumed-role/lambda_sts/aws,iam,,111111111111,user+alice';
  /** The user's own files: the local organization's, plus a [default] profile that is bob. */
  let userEnv: NodeJS.ProcessEnv;
  let sdkChild: string;

  beforeAll(async () => {
    const bob = org.seeded.callers.find((c) => c.name === 'bob');
    if (!bob) throw new Error('the local organization has no bob');
    const config = join(work, 'user-config');
    const credentials = join(work, 'user-credentials');
    await writeFile(
      config,
      `[default]\nregion = us-west-2\nservices = stscreds-dev\n\n${await readFile(org.paths.config, 'utf8')}`,
    );
    await writeFile(
      credentials,
      `[default]\naws_access_key_id = ${bob.credentials.accessKeyId}\naws_secret_access_key = ${bob.credentials.secretAccessKey}\n\n${await readFile(org.paths.credentials, 'utf8')}`,
    );
    // No endpoint or region variables: the child must find them in the profile, as a user's would.
    const { AWS_ENDPOINT_URL: _sts, AWS_ENDPOINT_URL_LAMBDA: _lambda, AWS_REGION: _region, ...bare } = env;
    userEnv = { ...bare, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
    sdkChild = join(work, 'sdk-child.mjs');
    await writeFile(
      sdkChild,
      `import { STSClient, GetCallerIdentityCommand } from '${resolve(REPO, 'node_modules/@aws-sdk/client-sts/dist-cjs/index.js')}';
const { Arn } = await new STSClient({}).send(new GetCallerIdentityCommand({}));
console.log(Arn);`,
    );
  });

  const execServer = (command: string[], extra: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, [BIN, 'exec', 'prod', '--server', '--profile', 'alice', '--', ...command], {
      env: { ...userEnv, ...extra },
      cwd: work,
    });

  it('the shared files would otherwise make the child bob', async () => {
    const { stdout } = await run('aws', ['sts', 'get-caller-identity'], { env: userEnv, cwd: '/' });
    expect(JSON.parse(stdout).Arn).toBe('arn:aws:iam::111111111111:user/bob');
  });

  it.each([
    ['no AWS_PROFILE', {}],
    ['AWS_PROFILE naming bob', { AWS_PROFILE: 'bob' }],
    ['AWS_DEFAULT_PROFILE naming bob', { AWS_DEFAULT_PROFILE: 'bob' }],
  ])('the AWS CLI child of exec --server acts as the target, with %s', async (_, extra) => {
    const { stdout } = await execServer(['aws', 'sts', 'get-caller-identity'], extra);
    expect(JSON.parse(stdout).Arn).toBe(PROD_ARN);
  });

  it.each([
    ['no AWS_PROFILE', {}],
    ['AWS_PROFILE naming bob', { AWS_PROFILE: 'bob' }],
  ])('an AWS SDK v3 child of exec --server acts as the target, with %s', async (_, extra) => {
    const { stdout } = await execServer([process.execPath, sdkChild], extra);
    expect(stdout.trim()).toBe(PROD_ARN);
  });

  it('leaves no files of the child behind', async () => {
    const { stdout } = await execServer(['/bin/sh', '-c', 'echo "$AWS_CONFIG_FILE"']);
    await expect(readFile(stdout.trim(), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('a shell that runs the lines serve prints acts as the target, for the AWS CLI and the SDK', async () => {
    const server = spawn(process.execPath, [BIN, 'serve', 'prod', '--profile', 'alice'], {
      env: userEnv,
      cwd: work,
    });
    try {
      const lines = await new Promise<string>((done, fail) => {
        let text = '';
        server.stdout.on('data', (chunk) => {
          text += chunk;
          if (text.includes('AWS_CONTAINER_AUTHORIZATION_TOKEN=')) done(text);
        });
        server.once('exit', () => fail(new Error('serve exited')));
      });
      const script = `${lines}\naws sts get-caller-identity --query Arn --output text\n"${process.execPath}" "${sdkChild}"`;
      const { stdout } = await run('/bin/sh', ['-c', script], {
        env: { ...userEnv, AWS_PROFILE: 'bob' },
        cwd: '/',
      });
      expect(stdout.trim().split('\n')).toEqual([PROD_ARN, PROD_ARN]);
    } finally {
      server.kill('SIGINT');
    }
  });
});

describe('stscreds whoami', () => {
  it('prints the assumed identity and a redacted key', async () => {
    const result = await cli(['whoami', 'staging', '--profile', 'bob', '--no-cache']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^arn:aws:sts::333333333333:assumed-role\/lambda_sts\/aws,iam,,111111111111,user\+bob \(account 333333333333\)\nkey ASIA\*{4}\w{4}, expires /,
    );
  });
});

describe('fromStsCreds in an SDK client', () => {
  it('lists prod bucket with credentials from the broker, and types a denial', async () => {
    clearStsCredsCache();
    const profile = { filepath: org.paths.credentials, configFilepath: org.paths.config };
    const options = { endpoint: org.lambda.endpoint, audience: org.broker.audience };
    process.env.AWS_ENDPOINT_URL_STS = org.moto.endpoint;
    try {
      const s3 = new S3Client({
        region: 'us-west-2',
        endpoint: org.moto.endpoint,
        forcePathStyle: true,
        credentials: fromStsCreds({
          accountId: 'prod',
          credentials: fromIni({ profile: 'alice', ...profile }),
          ...options,
        }),
      });
      const { Buckets } = await s3.send(new ListBucketsCommand({}));
      expect(Buckets?.map((b) => b.Name)).toEqual(['stscreds-dev-prod-222222222222']);
      const denied = fromStsCreds({
        accountId: 'prod',
        credentials: fromIni({ profile: 'bob', ...profile }),
        ...options,
      });
      await expect(denied()).rejects.toThrow(StsCredsAccessDeniedError);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_STS;
    }
  });
});
