import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../bin/stscreds.js');

const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, NODE_NO_WARNINGS: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });

let stateDir: string;
beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'stscreds-cli-'));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('stscreds dev --exit', () => {
  it('walks through the organization, exits 0, and leaves no moto behind', async () => {
    const { code, stdout, stderr } = await run(['dev', '--exit', '--state-dir', stateDir]);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/All \d+ steps behaved\./);
    expect(stdout).not.toMatch(/✘/);
    expect(code).toBe(0);
    const motoEndpoint = /moto\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    expect(motoEndpoint).toBeDefined();
    // Refused, not merely failing: the port no longer listens.
    await expect(fetch(`${motoEndpoint}/moto-api/`)).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
  });

  it('exits non-zero with the install hint when moto_server is missing', async () => {
    const { code, stderr } = await run(['dev', '--exit', '--state-dir', stateDir], {
      ...process.env,
      PATH: dirname(process.execPath),
    });
    expect(code).toBe(1);
    expect(stderr).toContain('pip install "moto[server]"');
  });
});
