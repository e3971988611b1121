import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { IAMClient } from '@aws-sdk/client-iam';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { DEV_ORG, type DevOrg, startDevOrg } from '@stscreds/devorg';

const BIN = resolve(import.meta.dirname, '../../bin/stscreds.js');
const run = promisify(execFile);

/** What a command printed, and how it exited. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running local organization, and the `stscreds` command pointed at it as `env.sh` would. */
export interface DevOrgCli {
  readonly org: DevOrg;
  readonly work: string;
  readonly env: NodeJS.ProcessEnv;
  cli(...args: string[]): Promise<CliResult>;
  stop(): Promise<void>;
}

/**
 * Starts the local organization in a temporary folder for a CLI test: the environment its
 * `env.sh` sets (and none of the caller's own AWS or stscreds variables), and a runner of the
 * real `stscreds` binary in it.
 *
 * @example
 * const dev = await startDevOrgCli('doctor');
 * const { code, stdout } = await dev.cli('doctor', '--profile', 'operator', …);
 */
export async function startDevOrgCli(name: string): Promise<DevOrgCli> {
  const work = await mkdtemp(join(tmpdir(), `stscreds-${name}-`));
  const org = await startDevOrg({ stateDir: join(work, 'state') });
  org.logger.setLogLevel('SILENT');
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('STSCREDS_')),
    ),
    ...org.environment,
    NODE_NO_WARNINGS: '1',
    XDG_CACHE_HOME: join(work, 'cache'),
  };
  return {
    org,
    work,
    env,
    cli: async (...args) => {
      try {
        const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env, cwd: work });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as CliResult;
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      }
    },
    stop: async () => {
      await org.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/**
 * The organization administrator's IAM in an account, through the role Organizations made
 * there.
 *
 * @example
 * await adminIamIn(org, '333333333333').send(new UpdateAssumeRolePolicyCommand(…));
 */
export function adminIamIn(org: DevOrg, accountId: string): IAMClient {
  const config = { endpoint: org.moto.endpoint, region: DEV_ORG.region };
  return new IAMClient({
    ...config,
    credentials: fromTemporaryCredentials({
      params: {
        RoleArn: `arn:aws:iam::${accountId}:role/${DEV_ORG.adminRoleName}`,
        RoleSessionName: 'stscreds-test',
      },
      masterCredentials: org.seeded.operator.credentials,
      clientConfig: config,
    }),
  });
}
