/**
 * The packages as a user meets them: packed with `npm pack`, installed from the tarballs into
 * fresh projects outside the repository (with the registry for everything else), and used
 * there by Node, TypeScript, esbuild, a CDK app and the AWS CLI. Nothing here imports the
 * repository's sources, except the local organization the clients talk to.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIdentityProof } from '@stscreds/client';
import { assumeBrokerRole, DEV_ORG, type DevOrg, devAccessPolicy, startDevOrg } from '@stscreds/devorg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerAssetOf } from './support/brokerAssetOf.ts';
import { consumerProject } from './support/consumerProject.ts';
import { PUBLISHED, type Published, packWorkspaces, REPO } from './support/packWorkspaces.ts';
import { type RunResult, run } from './support/run.ts';

let work: string;
let tarballs: Record<Published, string>;
let org: DevOrg;
const projects = { client: '', lambda: '', cdk: '' };
const installs: Record<keyof typeof projects, RunResult | undefined> = {
  client: undefined,
  lambda: undefined,
  cdk: undefined,
};

const file = (name: Published) => `file:${tarballs[name]}`;
const globalPrefix = () => join(work, 'global');
const globalBin = () => join(globalPrefix(), 'bin/stscreds');
let globalInstall: RunResult | undefined;
const repoVersion = async (workspace: string, dependency: string): Promise<string> => {
  const manifest = JSON.parse(await readFile(join(REPO, workspace, 'package.json'), 'utf8'));
  return manifest.dependencies?.[dependency] ?? manifest.devDependencies?.[dependency];
};
const ok = (result: RunResult | undefined): RunResult => {
  expect(result, 'the step ran').toBeDefined();
  const { code, stdout, stderr } = result as RunResult;
  expect({ code, output: code === 0 ? '' : `${stdout}\n${stderr}`.slice(-4000) }).toEqual({
    code: 0,
    output: '',
  });
  return result as RunResult;
};

/** The credentials alice's shell or Lambda would have, and where the local organization is. */
const aliceEnv = (): NodeJS.ProcessEnv => {
  const [alice] = org.seeded.callers;
  if (!alice) throw new Error('the local organization has no alice');
  return {
    AWS_REGION: DEV_ORG.region,
    AWS_ACCESS_KEY_ID: alice.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: alice.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_LAMBDA: org.lambda.endpoint,
    AWS_ENDPOINT_URL_STS: org.moto.endpoint,
    AWS_ENDPOINT_URL_S3: org.moto.endpoint,
    STSCREDS_AUDIENCE: DEV_ORG.audience,
  };
};

const CLIENT_ESM = `
import { buildIdentityProof, fromStsCreds, StsCredsError, StsCredsValidationError } from '@stscreds/client';
import { credentialRequestSchema, DEFAULT_ROLE_NAME } from '@stscreds/contract';
const request = credentialRequestSchema.safeParse({ accountId: '22222222222' });
console.log(JSON.stringify({
  fromStsCreds: typeof fromStsCreds, buildIdentityProof: typeof buildIdentityProof,
  error: new StsCredsValidationError('x') instanceof StsCredsError,
  refused: request.success, role: DEFAULT_ROLE_NAME,
}));
`;

const CLIENT_TS = `
import { S3Client } from '@aws-sdk/client-s3';
import { type FromStsCredsOptions, fromStsCreds, StsCredsError } from '@stscreds/client';
import { type CredentialResponse, credentialRequestSchema, DEFAULT_ROLE_NAME } from '@stscreds/contract';

const options: FromStsCredsOptions = { accountId: '222222222222', roleName: DEFAULT_ROLE_NAME, refreshAheadMs: 60_000 };
export const s3 = new S3Client({ region: 'us-west-2', credentials: fromStsCreds(options) });
export const parsed = credentialRequestSchema.safeParse({ accountId: 'prod' });
export const isRefusal = (error: unknown): error is StsCredsError => error instanceof StsCredsError;
export const expiration = (answer: CredentialResponse): Date => new Date(answer.Expiration);
`;

const CLIENT_CTS = `
import { fromStsCreds } from '@stscreds/client';
import { DEFAULT_ROLE_NAME } from '@stscreds/contract';
export const provider = fromStsCreds({ accountId: 'prod', roleName: DEFAULT_ROLE_NAME });
`;

const CLIENT_E2E = `
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { fromStsCreds } from '@stscreds/client';
const s3 = new S3Client({ region: 'us-west-2', credentials: fromStsCreds({ accountId: process.argv[2] }) });
const { Buckets } = await s3.send(new ListBucketsCommand({}));
console.log(JSON.stringify(Buckets.map((bucket) => bucket.Name)));
`;

const strictOptions = {
  target: 'ES2022',
  lib: ['ES2023'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  skipLibCheck: false,
  types: ['node'],
};

/**
 * tsc's errors that are ours: in the consumer's own files or in the stscreds declarations.
 * Other libraries' declarations are theirs to keep under `skipLibCheck: false`.
 */
const ourErrors = (output: string): string[] =>
  output
    .split('\n')
    .filter((line) => /error TS\d+/.test(line))
    .filter((line) => !line.includes('node_modules/') || line.includes('node_modules/@stscreds/'));

const BROKER_RUNNER = `
const { handler } = await import(process.argv[1]);
let input = '';
for await (const chunk of process.stdin) input += chunk;
const answer = await handler(JSON.parse(input), { awsRequestId: 'consumer-test', functionName: 'getSTScreds' });
// Only what tells a credential from a refusal; the secrets stay in this process.
console.log(JSON.stringify({
  Version: answer.Version,
  AccountId: answer.AccountId,
  AccessKeyId: typeof answer.AccessKeyId === 'string' && answer.AccessKeyId.length > 0,
  SecretAccessKey: typeof answer.SecretAccessKey === 'string' && answer.SecretAccessKey.length > 0,
  Expiration: typeof answer.Expiration === 'string' && !Number.isNaN(Date.parse(answer.Expiration)),
  error: answer.error?.code,
}));
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stscreds-consumer-'));
  const packing = (async () => {
    await mkdir(join(work, 'tarballs'));
    tarballs = await packWorkspaces(join(work, 'tarballs'));
  })();
  const starting = (async () => {
    // The target profiles run the globally installed CLI, as `stscreds profile add` writes them.
    org = await startDevOrg({
      stateDir: join(work, 'devorg'),
      credentialProcess: (alias) => `${globalBin()} get ${alias} --format process --profile alice`,
    });
    org.logger.setLogLevel('SILENT');
  })();
  // cdk init's own shape, from the aws-cdk CLI the repository pins.
  projects.cdk = join(work, 'cdk-app');
  await mkdir(projects.cdk);
  const init = run(
    join(REPO, 'node_modules/.bin/cdk'),
    ['init', 'app', '--language', 'typescript', '--generate-only'],
    {
      cwd: projects.cdk,
    },
  );
  await packing;
  const s3Version = await repoVersion('examples/consumer-lambda', '@aws-sdk/client-s3');
  projects.client = join(work, 'client');
  projects.lambda = join(work, 'consumer-lambda');
  await mkdir(projects.lambda);
  await cp(join(REPO, 'examples/consumer-lambda/src'), join(projects.lambda, 'src'), { recursive: true });
  // The example's own manifest, less what only its tests in the repository use.
  const example = JSON.parse(await readFile(join(REPO, 'examples/consumer-lambda/package.json'), 'utf8'));
  delete example.devDependencies['@stscreds/devorg'];
  await writeFile(join(projects.lambda, 'package.json'), JSON.stringify(example, null, 2));
  ok(await init);
  await writeFile(
    join(projects.cdk, 'bin/cdk-app.ts'),
    [
      `import * as cdk from 'aws-cdk-lib/core';`,
      `import { buildStsCredsApp, readInfraConfig } from '@stscreds/infra';`,
      '',
      'const app = new cdk.App();',
      `buildStsCredsApp(app, readInfraConfig(app.node.tryGetContext('stscreds'), { baseDir: process.cwd() }));`,
      '',
    ].join('\n'),
  );
  const cdkJson = JSON.parse(await readFile(join(projects.cdk, 'cdk.json'), 'utf8'));
  const repoCdkJson = JSON.parse(await readFile(join(REPO, 'packages/infra/cdk.json'), 'utf8'));
  cdkJson.context = { ...cdkJson.context, stscreds: repoCdkJson.context.stscreds };
  await writeFile(join(projects.cdk, 'cdk.json'), JSON.stringify(cdkJson, null, 2));
  await cp(
    join(REPO, 'packages/infra', repoCdkJson.context.stscreds.broker.accessPolicyFile),
    join(projects.cdk, repoCdkJson.context.stscreds.broker.accessPolicyFile),
  );
  const installed = await Promise.all([
    consumerProject(projects.client, {
      tarballs,
      manifest: { type: 'module' },
      dependencies: {
        '@stscreds/client': file('client'),
        '@stscreds/contract': file('contract'),
        '@aws-sdk/client-s3': s3Version,
      },
      devDependencies: { typescript: '~5.9.3', '@types/node': '^20.19.0' },
      files: {
        'esm.mjs': CLIENT_ESM,
        'cjs.cjs': CLIENT_ESM.replace(/import \{([^}]+)\} from '([^']+)';/g, 'const {$1} = require("$2");'),
        'e2e.mjs': CLIENT_E2E,
        'src/consumer.ts': CLIENT_TS,
        'src/consumer.cts': CLIENT_CTS,
        'tsconfig.nodenext.json': JSON.stringify({
          compilerOptions: { ...strictOptions, module: 'nodenext', moduleResolution: 'nodenext' },
          include: ['src'],
        }),
        'tsconfig.bundler.json': JSON.stringify({
          compilerOptions: { ...strictOptions, module: 'preserve', moduleResolution: 'bundler' },
          include: ['src/consumer.ts'],
        }),
      },
    }),
    consumerProject(projects.lambda, { tarballs, dependencies: { '@stscreds/client': file('client') } }),
    consumerProject(projects.cdk, { tarballs, dependencies: { '@stscreds/infra': file('infra') } }),
  ]);
  [installs.client, installs.lambda, installs.cdk] = installed;
  globalInstall = await run(
    'npm',
    [
      'install',
      '-g',
      tarballs.cli,
      '--prefix',
      globalPrefix(),
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
    ],
    { cwd: work },
  );
  await starting;
}, 600_000);

afterAll(async () => {
  await org?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the tarballs', () => {
  it('ship built files, declarations, maps, a README and a LICENSE, and no tests', async () => {
    for (const name of PUBLISHED) {
      const listing = await run('tar', ['-tzf', tarballs[name]], { cwd: work });
      const files = ok(listing).stdout.split('\n').filter(Boolean);
      expect(files, name).toEqual(
        expect.arrayContaining(['package/README.md', 'package/LICENSE', 'package/package.json']),
      );
      expect(
        files.filter((f) => /\/test\/|\.test\.ts$/.test(f)),
        name,
      ).toEqual([]);
      if (name === 'cli') continue; // one bundle, installed below
      expect(files, name).toEqual(
        expect.arrayContaining([
          'package/dist-es/index.js',
          'package/dist-es/index.d.ts',
          'package/dist-es/index.js.map',
        ]),
      );
    }
  });
});

describe('the client, installed', () => {
  it('installs from its tarball and the registry', () => {
    ok(installs.client);
  });

  it.each([
    ['ES module', 'esm.mjs'],
    ['CommonJS', 'cjs.cjs'],
  ])('loads as %s', async (_kind, script) => {
    const { stdout } = ok(await run(process.execPath, [script], { cwd: projects.client }));
    expect(JSON.parse(stdout)).toEqual({
      fromStsCreds: 'function',
      buildIdentityProof: 'function',
      error: true,
      refused: false,
      role: 'lambda_sts',
    });
  });

  it.each([['nodenext'], ['bundler']])(
    'type-checks in a strict TypeScript project with moduleResolution %s',
    async (resolution) => {
      const tsc = await run(
        process.execPath,
        ['node_modules/typescript/bin/tsc', '-p', `tsconfig.${resolution}.json`],
        { cwd: projects.client },
      );
      expect(ourErrors(tsc.stdout)).toEqual([]);
    },
  );

  it('gets credentials for the target account from the local organization with fromStsCreds', async () => {
    const { stdout } = ok(
      await run(process.execPath, ['e2e.mjs', 'prod'], { cwd: projects.client, env: aliceEnv() }),
    );
    expect(JSON.parse(stdout)).toEqual(['stscreds-dev-prod-222222222222']);
  });
});

describe('examples/consumer-lambda, built from the installed packages', () => {
  it('bundles with its own esbuild build and lists the target account buckets from the bundle', async () => {
    ok(installs.lambda);
    ok(await run('npm', ['run', 'build'], { cwd: projects.lambda }));
    // As Lambda loads it: the handler of dist/index.cjs.
    const bundle = join(projects.lambda, 'dist/index.cjs');
    const { stdout } = ok(
      await run(
        process.execPath,
        [
          '-e',
          `require(${JSON.stringify(bundle)}).handler().then((answer) => console.log(JSON.stringify(answer)));`,
        ],
        {
          cwd: projects.lambda,
          env: { ...aliceEnv(), TARGET_ACCOUNT: 'staging', AWS_LAMBDA_FUNCTION_NAME: 'consumer' },
        },
      ),
    );
    expect(JSON.parse(stdout)).toEqual({ buckets: ['stscreds-dev-staging-333333333333'] });
  });
});

describe('a fresh CDK app with the construct library', () => {
  let asset: string;

  it('passes its own tsc and synthesizes the stacks', async () => {
    ok(installs.cdk);
    ok(await run('npx', ['tsc'], { cwd: projects.cdk }));
    ok(await run('npx', ['cdk', 'synth', '--quiet'], { cwd: projects.cdk }));
    asset = await brokerAssetOf(join(projects.cdk, 'cdk.out'), 'StsCredsBroker');
    const shipped = join(projects.cdk, 'node_modules/@stscreds/infra/lambda/broker/index.mjs');
    expect(await readFile(join(asset, 'index.mjs'))).toEqual(await readFile(shipped));
  });

  it('deploys a broker asset that answers a real request against moto', async () => {
    expect(asset, 'the app synthesized').toBeDefined();
    const [alice] = org.seeded.callers;
    if (!alice) throw new Error('the local organization has no alice');
    const broker = await assumeBrokerRole(org.moto.endpoint, org.seeded);
    const request = { accountId: 'prod' };
    const identity = await buildIdentityProof({
      credentials: alice.credentials,
      audience: DEV_ORG.audience,
      stsEndpoint: org.moto.endpoint,
      request,
    });
    const answer = await run(
      process.execPath,
      ['--input-type=module', '-e', BROKER_RUNNER, join(asset, 'index.mjs')],
      {
        cwd: projects.cdk,
        input: JSON.stringify({ ...request, identity }),
        env: {
          AWS_REGION: DEV_ORG.region,
          AWS_ACCESS_KEY_ID: broker.accessKeyId,
          AWS_SECRET_ACCESS_KEY: broker.secretAccessKey,
          AWS_SESSION_TOKEN: broker.sessionToken,
          AWS_ENDPOINT_URL_STS: org.moto.endpoint,
          STSCREDS_EXTRA_STS_ORIGINS: org.moto.endpoint,
          STSCREDS_ACCESS_POLICY: JSON.stringify(devAccessPolicy()),
          STSCREDS_AUDIENCE: DEV_ORG.audience,
          POWERTOOLS_LOG_LEVEL: 'ERROR',
        },
      },
    );
    // The runner's one line, among the metrics Powertools prints as it flushes.
    const lines = ok(answer).stdout.trim().split('\n');
    const summary = lines
      .map((line) => JSON.parse(line))
      .find((line) => 'Version' in line || 'error' in line);
    expect(summary).toEqual({
      Version: 1,
      AccountId: '222222222222',
      AccessKeyId: true,
      SecretAccessKey: true,
      Expiration: true,
    });
  });
});

describe('the CLI, installed globally', () => {
  it('holds no CDK and no build tools, and tells its version', async () => {
    ok(globalInstall);
    const listing = await run('find', [join(globalPrefix(), 'lib/node_modules'), '-name', 'package.json'], {
      cwd: work,
    });
    const installed = ok(listing).stdout.split('\n').filter(Boolean);
    for (const forbidden of ['aws-cdk-lib', 'cdk-nag', 'esbuild', 'tsx', 'typescript']) {
      expect(
        installed.filter((path) => path.endsWith(`/node_modules/${forbidden}/package.json`)),
        forbidden,
      ).toEqual([]);
    }
    const { stdout } = ok(await run(globalBin(), ['--version'], { cwd: work }));
    expect(stdout.trim()).toBe(
      JSON.parse(await readFile(join(REPO, 'packages/cli/package.json'), 'utf8')).version,
    );
  });

  it('answers get --format process for the AWS CLI, through a credential_process profile', async () => {
    ok(globalInstall);
    const args = ['--profile', 'prod', '--endpoint-url', org.moto.endpoint, 's3api', 'list-buckets'];
    const { stdout } = ok(
      await run('aws', [...args, '--query', 'Buckets[].Name', '--output', 'json'], {
        cwd: work,
        env: {
          AWS_CONFIG_FILE: org.paths.config,
          AWS_SHARED_CREDENTIALS_FILE: org.paths.credentials,
          AWS_ENDPOINT_URL_LAMBDA: org.lambda.endpoint,
          AWS_ENDPOINT_URL_STS: org.moto.endpoint,
          AWS_REGION: DEV_ORG.region,
          AWS_DEFAULT_REGION: DEV_ORG.region,
          STSCREDS_AUDIENCE: DEV_ORG.audience,
          XDG_CACHE_HOME: join(work, 'cache'),
        },
      }),
    );
    expect(JSON.parse(stdout)).toEqual(['stscreds-dev-prod-222222222222']);
  });
});
