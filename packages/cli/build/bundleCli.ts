import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

/** The package's root: `packages/cli`. */
const PACKAGE = resolve(import.meta.dirname, '..');

/** Left out of the bundle: the optional, AGPL-licensed IAM simulator that `verify` loads if installed. */
export const EXTERNAL = ['@cloud-copilot/iam-simulate'];

/** CommonJS packages that the CLI imports on demand and reads through their `default` export. */
const READ_BY_DEFAULT = ['proper-lockfile'];

export interface BundleCliOptions {
  /** Where to write the bundle. Default: the package's `dist`. */
  readonly outdir?: string;
}

export interface CliBundle {
  /** The file that `bin/stscreds.js` requires: the cache's answer, else the CLI. */
  readonly start: string;
  /** The CLI's ES module entry, which the start imports. */
  readonly entry: string;
  /** The esbuild metafile, for measuring what each command loads. */
  readonly metafile: Metafile;
  /** Output files written because their content changed. */
  readonly written: number;
}

/** The workspace's packages, bundled from their sources. */
const WORKSPACE = resolve(PACKAGE, '..');

/**
 * The workspace's own modules have no side effect on import, so the bundle may leave out
 * whatever a command imports but never uses, as the AWS SDK's packages declare of themselves.
 */
const workspaceWithoutSideEffects: Plugin = {
  name: 'workspace-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /^(\.|@stscreds\/)/ }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      if (args.path.startsWith('.') && !args.importer.startsWith(WORKSPACE)) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      const own = resolved.path.startsWith(WORKSPACE) && !resolved.path.includes('/node_modules/');
      return resolved.errors.length > 0 || !own ? undefined : { path: resolved.path, sideEffects: false };
    });
  },
};

/** What a barrel (an index that re-exports) re-exports: each name, and the module and name it comes from. */
const barrelExports = (barrel: string, source: string): Map<string, { from: string; name: string }> => {
  const names = new Map<string, { from: string; name: string }>();
  for (const [, typeOnly, list = '', from = ''] of source.matchAll(
    /export\s+(type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g,
  )) {
    if (typeOnly) continue;
    for (const item of list.split(',').map((part) => part.trim())) {
      if (!item || item.startsWith('type ')) continue;
      const [name = '', alias = name] = item.split(/\s+as\s+/);
      names.set(alias, { from: from.startsWith('.') ? resolve(dirname(barrel), from) : from, name });
    }
  }
  return names;
};

/** Named imports (and re-exports) of the workspace's packages, and of the AWS SDK's `@smithy/core` submodules. */
const IMPORT_FROM_BARREL =
  /(import|export)\s+\{([^}]*)\}\s*from\s*['"](@stscreds\/[^'"]+|@smithy\/core\/[a-z-]+)['"]\s*;/g;

/**
 * Imports of a barrel go straight to the modules that define the names: the workspace
 * packages' barrels, and `@smithy/core`'s submodules, which the SDK's signer and retry
 * strategy import from. esbuild splits code into chunks by file, and follows all of a
 * barrel's re-exports that any chunk uses: one light name imported from a barrel on the
 * start-up path would otherwise pull into it the heavy modules that a command loads on demand
 * from the same barrel (the SDK's protocols, for a signer that needs one escaping function).
 * A name the barrel defines itself is imported from the barrel, as written.
 */
const workspaceWithoutBarrels: Plugin = {
  name: 'workspace-without-barrels',
  setup(build) {
    const barrels = new Map<string, Promise<Map<string, { from: string; name: string }>>>();
    const exportsOf = (barrel: string) => {
      let names = barrels.get(barrel);
      if (!names) {
        names = readFile(barrel, 'utf8').then((source) => barrelExports(barrel, source));
        barrels.set(barrel, names);
      }
      return names;
    };
    build.onLoad(
      { filter: /(\/packages\/[^/]+\/src\/.*\.ts|\/node_modules\/@smithy\/.*\/dist-es\/.*\.js)$/ },
      async (args) => {
        const source = await readFile(args.path, 'utf8');
        let contents = '';
        let last = 0;
        for (const match of source.matchAll(IMPORT_FROM_BARREL)) {
          const [statement, keyword = '', list = '', specifier = ''] = match;
          const resolved = await build.resolve(specifier, {
            kind: 'import-statement',
            resolveDir: dirname(args.path),
          });
          const names = resolved.errors.length > 0 ? undefined : await exportsOf(resolved.path);
          const items = list
            .split(',')
            .map((part) => part.trim())
            .filter((item) => item && !item.startsWith('type '));
          const direct = items.map((item) => {
            const [name = '', alias = name] = item.split(/\s+as\s+/);
            const origin = names?.get(name);
            return origin
              ? `${keyword} { ${origin.name} as ${alias} } from ${JSON.stringify(origin.from)};`
              : undefined;
          });
          if (direct.some((line) => line === undefined)) continue;
          contents += source.slice(last, match.index) + direct.join(' ');
          last = match.index + statement.length;
        }
        return { contents: contents + source.slice(last), loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
      },
    );
  },
};

/** Writes a file only when its content changed, by rename, so that a running CLI never reads half a file. */
const writeIfChanged = async (path: string, contents: Uint8Array): Promise<boolean> => {
  const before = await readFile(path).catch(() => undefined);
  if (before && Buffer.compare(before, contents) === 0) return false;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, contents);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
  return true;
};

/** The settings both builds share. */
const COMMON = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  // The workspace's packages are bundled from their sources, and packages' ES module builds
  // preferred, as esbuild does by default: they can be tree-shaken, and a dynamic import of
  // one keeps its named exports, which a CommonJS module split into a chunk would lose.
  conditions: ['@stscreds/source', 'module'],
  // The ES module builds, which can be tree-shaken, before the CommonJS ones.
  mainFields: ['module', 'main'],
  external: EXTERNAL,
  plugins: [workspaceWithoutSideEffects, workspaceWithoutBarrels],
  metafile: true,
  write: false,
  legalComments: 'linked',
  logLevel: 'warning',
} as const satisfies BuildOptions;

/**
 * Bundles the CLI for Node.js in two builds:
 *
 * - `stscreds.cjs`, the start: one CommonJS file that answers a warm `credential_process`
 *   from the cache with no ES module loaded (Node.js's ES module loader alone costs each
 *   start milliseconds), and otherwise imports
 * - `stscreds.mjs`, the CLI itself: an ES module entry and chunks that each command imports
 *   on demand, so that a command loads only what it runs.
 *
 * Everything but the optional simulator is inside; nothing is transpiled when the CLI runs.
 *
 * @example
 * const { entry } = await bundleCli({ outdir: 'dist' });
 */
export async function bundleCli(options: BundleCliOptions = {}): Promise<CliBundle> {
  const outdir = resolve(options.outdir ?? join(PACKAGE, 'dist'));
  const [start, cli] = await Promise.all([
    build({
      ...COMMON,
      entryPoints: { stscreds: join(PACKAGE, 'src/bin.ts') },
      outdir,
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
    }),
    build({
      ...COMMON,
      entryPoints: { stscreds: join(PACKAGE, 'src/runCli.ts') },
      outdir,
      splitting: true,
      format: 'esm',
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      // Some dependencies still call require(); this gives them one in an ES module.
      banner: {
        js: "import { createRequire as __stscredsRequire } from 'node:module'; const require = __stscredsRequire(import.meta.url);",
      },
    }),
  ]);
  const startImports = Object.values(start.metafile.outputs).flatMap((output) =>
    output.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => i.path),
  );
  if (startImports.length > 0)
    throw new Error(`the start would import its own chunks: ${startImports.join(', ')}`);
  // A CommonJS module that a dynamic import splits into a chunk exports only `default`, and
  // `const { name } = await import(…)` then finds nothing where Node.js would find `name`.
  const defaultOnly = Object.values(cli.metafile.outputs)
    .filter((output) => output.entryPoint && output.exports.length === 1 && output.exports[0] === 'default')
    .map((output) => output.entryPoint)
    .filter((entry) => !READ_BY_DEFAULT.some((name) => entry?.includes(`node_modules/${name}/`)));
  if (defaultOnly.length > 0) {
    throw new Error(`dynamically imported CommonJS would lose its named exports: ${defaultOnly.join(', ')}`);
  }
  const files = [...start.outputFiles, ...cli.outputFiles];
  let written = 0;
  for (const file of files) if (await writeIfChanged(file.path, file.contents)) written += 1;
  // Chunks of earlier builds, whose names held another content hash.
  const current = new Set(files.map((file) => file.path));
  const previous = await readdir(outdir, { recursive: true, withFileTypes: true });
  for (const entry of previous) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && !current.has(path)) await rm(path, { force: true });
  }
  const metafile: Metafile = {
    inputs: { ...start.metafile.inputs, ...cli.metafile.inputs },
    outputs: { ...start.metafile.outputs, ...cli.metafile.outputs },
  };
  return { start: join(outdir, 'stscreds.cjs'), entry: join(outdir, 'stscreds.mjs'), metafile, written };
}
