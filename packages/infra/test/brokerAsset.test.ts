import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COLD_START_ENV } from '../../../bench/coldStart.ts';
import { readBrokerConfig } from '../../broker/src/readBrokerConfig.ts';
import { BROKER_ASSET_DIR } from '../src/constructs/BrokerFunction.ts';

const run = promisify(execFile);

/** Runs an ES module script in a fresh Node.js process with only the given environment; its stdout. */
const inFreshNode = async (script: string, env: Record<string, string>): Promise<string> => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', ...env },
  });
  return stdout.trim();
};

const entry = pathToFileURL(join(BROKER_ASSET_DIR, 'index.mjs')).href;

describe('the shipped broker asset', () => {
  it('is measured by the benchmark with a complete configuration, not the fail-closed handler', () => {
    expect(() => readBrokerConfig(COLD_START_ENV)).not.toThrow();
  });

  it('loads in a bare Node.js, with nothing outside its folder, and answers a malformed request with ValidationError', async () => {
    const script = `const { handler } = await import(${JSON.stringify(entry)});
      const answer = await handler({ accountId: 'not-an-account' }, { awsRequestId: 'req-1' });
      console.log(JSON.stringify(answer));`;
    // A misconfigured broker answers InternalError to everything: ValidationError shows it was built.
    const answer = JSON.parse(
      await inFreshNode(script, { ...COLD_START_ENV, POWERTOOLS_LOG_LEVEL: 'SILENT' }),
    );
    expect(answer.error.code).toBe('ValidationError');
    expect(answer.error.requestId).toBe('req-1');
  }, 60_000);

  it('runs as the URL function with no audience: built, it refuses a direct invoke as not a Function URL request', async () => {
    const { STSCREDS_AUDIENCE: _audience, ...withoutAudience } = COLD_START_ENV;
    const script = `const { handler } = await import(${JSON.stringify(entry)});
      const answer = await handler({ accountId: 'prod' }, { awsRequestId: 'req-2' });
      console.log(JSON.stringify(answer));`;
    const answer = JSON.parse(
      await inFreshNode(script, {
        ...withoutAudience,
        STSCREDS_ENTRY: 'url',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      }),
    );
    // A misconfigured broker would answer InternalError ("The broker is misconfigured").
    expect(answer.error).toMatchObject({ code: 'ValidationError', requestId: 'req-2' });
    expect(answer.error.message).toMatch(/Function URL only/);
  }, 60_000);

  it('has every chunk it loads on demand (the SSM client, Powertools Metrics) inside the folder, loadable', async () => {
    const chunks = readdirSync(join(BROKER_ASSET_DIR, 'chunks'));
    expect(chunks.some((name) => name.startsWith('ssm-'))).toBe(true);
    const urls = chunks.map((name) => pathToFileURL(join(BROKER_ASSET_DIR, 'chunks', name)).href);
    const script = `let n = 0; for (const url of ${JSON.stringify(urls)}) { await import(url); n += 1; } console.log(n);`;
    expect(Number(await inFreshNode(script, { AWS_REGION: 'us-west-2' }))).toBe(chunks.length);
  }, 60_000);
});
