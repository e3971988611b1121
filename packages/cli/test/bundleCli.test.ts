import { mkdtempSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../build/bundleCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'stscreds-bundle-'));
let metafile: Metafile;
beforeAll(async () => {
  ({ metafile } = await bundleCli({ outdir: dir }));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The source files that loading `entry` runs: its output and every chunk it imports statically. */
const loadedBy = (entry: string): string[] => {
  const outputs = Object.entries(metafile.outputs);
  const start = outputs.find(([, output]) => output.entryPoint?.endsWith(entry))?.[0];
  if (!start) throw new Error(`no chunk for ${entry}`);
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(start);
  return [...seen].flatMap((file) => Object.keys(metafile.outputs[file]?.inputs ?? {}));
};

const HEAVY = [
  '@aws-sdk/client-lambda',
  '@aws-sdk/client-sts',
  '@aws-sdk/credential-providers',
  '@aws-sdk/credential-provider-node',
  'packages/client/src/requestCredentials.ts',
  'packages/devorg/',
  'packages/infra/',
  'packages/broker/',
  'proper-lockfile',
];

describe('the CLI bundle', () => {
  it('starts without the SDK clients, the broker, the local organization or verify', () => {
    for (const start of ['packages/cli/src/bin.ts', 'packages/cli/src/runCli.ts']) {
      const loaded = loadedBy(start);
      for (const heavy of HEAVY) expect(loaded.filter((file) => file.includes(heavy))).toEqual([]);
      expect(loaded.filter((file) => file.includes('/zod/'))).toEqual([]);
    }
  });

  it('starts as one CommonJS file, which imports the CLI only when the cache cannot answer', () => {
    const [start, output] =
      Object.entries(metafile.outputs).find(([, o]) => o.entryPoint?.endsWith('packages/cli/src/bin.ts')) ??
      [];
    expect(start).toMatch(/stscreds\.cjs$/);
    expect(output?.imports.filter((i) => !i.external)).toEqual([]);
  });

  it('answers a cached credential_process before it loads commander or any command', () => {
    const loaded = loadedBy('packages/cli/src/bin.ts');
    expect(loaded.filter((file) => file.includes('node_modules/commander/'))).toEqual([]);
    expect(loaded.filter((file) => file.includes('packages/cli/src/commands/'))).toEqual([]);
  });

  it('serves a cache hit with no SDK client, no lock and no schema library', () => {
    const loaded = loadedBy('packages/cli/src/cache/cachedCredentials.ts');
    for (const heavy of HEAVY) expect(loaded.filter((file) => file.includes(heavy))).toEqual([]);
    expect(loaded.filter((file) => file.includes('/zod/'))).toEqual([]);
  });

  it('asks the broker with no SDK client and no credential provider: a signed call of its own', () => {
    const loaded = loadedBy('packages/cli/src/brokerClient.ts');
    const sdk = ['@aws-sdk/', 'proper-lockfile', 'packages/devorg/', 'packages/broker/', 'packages/infra/'];
    for (const heavy of sdk) expect(loaded.filter((file) => file.includes(heavy))).toEqual([]);
    // The answer is read by the contract's own check, without the schema library.
    expect(loaded.filter((file) => file.includes('/zod/'))).toEqual([]);
    // What it does load instead: the SDK's signer and HTTP handler.
    expect(loaded.some((file) => file.includes('@smithy/signature-v4/'))).toBe(true);
    expect(loaded.some((file) => file.includes('@smithy/node-http-handler/'))).toBe(true);
  });

  it('leaves out only the optional simulator', () => {
    const external = Object.values(metafile.outputs).flatMap((output) =>
      output.imports
        .filter((i) => i.external && !i.path.startsWith('node:') && !builtinModules.includes(i.path))
        .map((i) => i.path),
    );
    expect([...new Set(external)]).toEqual(['@cloud-copilot/iam-simulate']);
  });
});
