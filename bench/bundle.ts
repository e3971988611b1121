import { mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';

export interface Bundles {
  readonly broker: string;
  readonly baseline: string;
  /** What a cold start loads: the entry file and every chunk it imports statically. */
  readonly brokerBytes: number;
  readonly baselineBytes: number;
  /** Everything written, including chunks loaded only on demand. */
  readonly brokerTotalBytes: number;
  readonly baselineTotalBytes: number;
}

const REPO = resolve(import.meta.dirname, '..');

const staticallyLoaded = (metafile: Metafile, entry: string): number => {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return [...seen].reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0);
};

/**
 * Bundles an entry the way a Lambda function is bundled, code split: one minified ESM entry
 * for Node.js 22, with what it imports on demand in chunks of their own.
 */
const bundle = async (entry: string, dir: string, name: string) => {
  const { metafile } = await build({
    entryPoints: { [name]: entry },
    outdir: dir,
    bundle: true,
    splitting: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    // Some dependencies still use require(); this gives them one in an ES module.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  const file = join(dir, `${name}.mjs`);
  const key = relative(process.cwd(), file);
  const total = Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { file, loaded: staticallyLoaded(metafile, key), total };
};

/** Bundles the broker's Lambda entry and the baseline into `dir`. */
export async function bundleBoth(dir: string): Promise<Bundles> {
  await mkdir(dir, { recursive: true });
  const broker = await bundle(join(REPO, 'packages/broker/src/handler.ts'), join(dir, 'broker'), 'broker');
  const baseline = await bundle(join(REPO, 'bench/baseline/handler.ts'), join(dir, 'baseline'), 'baseline');
  return {
    broker: broker.file,
    baseline: baseline.file,
    brokerBytes: broker.loaded,
    baselineBytes: baseline.loaded,
    brokerTotalBytes: broker.total,
    baselineTotalBytes: baseline.total,
  };
}
