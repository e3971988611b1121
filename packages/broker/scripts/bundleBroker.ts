import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';

/** Where `npm run bundle -w @stscreds/broker` writes the Lambda asset (a folder). */
export const BROKER_BUNDLE_DIR = resolve(import.meta.dirname, '../dist/lambda');

/** A bundled Lambda asset: a folder with the entry `index.mjs` and the chunks it may load. */
export interface BrokerBundle {
  /** The asset folder, deployed whole. */
  readonly dir: string;
  /** Its entry module: the handler is `index.handler`. */
  readonly entry: string;
  /** The bytes a cold start loads: the entry and every chunk it imports statically, transitively. */
  readonly loadedBytes: number;
  /** The source files bundled into what a cold start loads, as esbuild names them (from the working directory). */
  readonly loadedInputs: readonly string[];
  /** Every file of the asset, the chunks loaded later (by `import()`) included. */
  readonly totalBytes: number;
}

/** The output files a cold start loads: `entry` and every chunk it imports statically, transitively. */
const loadedAtStart = (metafile: Metafile, entry: string): string[] => {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    const output = metafile.outputs[file];
    if (!output || seen.has(file)) return;
    seen.add(file);
    for (const imported of output.imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  return [...seen];
};

/**
 * Bundles the broker's Lambda entry into a folder of minified ES modules with every dependency
 * inside, the AWS SDK included: the function runs the versions the tests ran, not whichever the
 * Lambda runtime ships. Code the cold start does not run (the SSM client, Powertools Metrics)
 * is split into chunks its `import()` loads when first needed. The dependencies resolve to
 * their ES module builds where they have them (smaller, and without the CommonJS wrappers),
 * the workspace packages to their sources (`@stscreds/source`), all at the lockfile's versions.
 * The folder is emptied first, so no stale chunk ships.
 *
 * @example
 * const { entry } = await bundleBroker(); // packages/broker/dist/lambda/index.mjs
 */
export async function bundleBroker(
  dir: string = BROKER_BUNDLE_DIR,
  /** Another handler to bundle the same way, such as the benchmarks' baseline. */
  entry: string = resolve(import.meta.dirname, '../src/handler.ts'),
): Promise<BrokerBundle> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const { metafile } = await build({
    entryPoints: { index: entry },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    conditions: ['@stscreds/source', 'module'],
    mainFields: ['module', 'main'],
    // Some dependencies still call require(); this gives them one inside an ES module.
    banner: {
      js: "import { createRequire as __stscredsRequire } from 'node:module'; const require = __stscredsRequire(import.meta.url);",
    },
    metafile: true,
    legalComments: 'none',
    logLevel: 'error',
  });
  const out = Object.keys(metafile.outputs);
  const entryOut = out.find((file) => resolve(file) === resolve(dir, 'index.mjs'));
  if (!entryOut) throw new Error(`esbuild wrote no index.mjs to ${dir}`);
  const loaded = loadedAtStart(metafile, entryOut);
  return {
    dir,
    entry: resolve(dir, 'index.mjs'),
    loadedBytes: loaded.reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0),
    loadedInputs: loaded.flatMap((file) => Object.keys(metafile.outputs[file]?.inputs ?? {})),
    totalBytes: out.reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  console.log((await bundleBroker(process.argv[2] ? resolve(process.argv[2]) : undefined)).entry);
}
