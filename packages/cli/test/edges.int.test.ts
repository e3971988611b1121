/**
 * The bundled CLI at its edges, as a new user meets them: run as `bin/stscreds.js`, which
 * loads the bundle that the integration tests' global setup built from the sources.
 */
import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };

const BIN = resolve(import.meta.dirname, '../bin/stscreds.js');
const run = promisify(execFile);

/** The environment of a caller with no AWS configuration at all. */
const BARE: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  NODE_NO_WARNINGS: '1',
};

const cli = async (args: string[], env?: NodeJS.ProcessEnv) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], env ? { env } : {});
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

/** Runs the CLI with its stdout a pipe whose reader has already gone. */
const intoClosedPipe = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', fail);
    child.once('close', (code) => done({ code, stderr }));
  });

describe('the bundled stscreds', () => {
  it('prints its version', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await cli([flag]);
      expect(result).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
    }
  });

  it('ends quietly when the reader of its output has gone', async () => {
    for (const args of [['--help'], ['get', '--help']]) {
      const result = await intoClosedPipe(args);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(141);
    }
  });

  it('exits 2 for a usage error, naming the allowed formats', async () => {
    const result = await cli(['get', 'prod', '--format', 'yaml']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /argument 'yaml' is invalid\. Allowed choices are json, process, env, shell/,
    );
  });

  it("shows the global options in every subcommand's help", async () => {
    for (const command of ['get', 'exec', 'serve', 'whoami', 'profile add', 'verify', 'policy explain']) {
      const result = await cli([...command.split(' '), '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Global Options:[\s\S]*--endpoint <url>[\s\S]*--profile <name>/);
    }
  });

  it('says in verify --help that the simulator is installed, when it is', async () => {
    const result = await cli(['verify', '--help']);
    expect(result.stdout).toMatch(
      /Uses the optional IAM simulator \(@cloud-copilot\/iam-simulate, AGPL-3\.0\), installed at/,
    );
    expect(result.stdout).not.toMatch(/not installed/);
  });

  it('names the endpoint it could not reach, and with --verbose what it resolved', async () => {
    const keys = {
      ...BARE,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    };
    const args = ['get', 'prod', '--no-cache', '--endpoint', 'http://127.0.0.1:1', '--audience', 'edge'];
    const quiet = await cli(args, keys);
    expect(quiet.code).toBe(6);
    expect(quiet.stderr).toBe(
      'stscreds: UpstreamError: getSTScreds could not be reached at http://127.0.0.1:1\n',
    );
    const verbose = await cli([...args, '--verbose'], keys);
    expect(verbose.code).toBe(6);
    expect(verbose.stderr).toMatch(
      /^stscreds: broker getSTScreds in us-west-2 at http:\/\/127\.0\.0\.1:1, audience edge, identity proof for https:\/\/sts\.us-west-2\.amazonaws\.com, caller from the default credential chain, cache off\n/,
    );
  });

  it('says how to name an identity when the caller has none', async () => {
    const result = await cli(['get', 'prod'], BARE);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Could not load credentials from any providers; name your AWS identity with --profile NAME or AWS_PROFILE/,
    );
  });
});
