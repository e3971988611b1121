import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Builds one workspace package into what its tarball ships, after the workspace packages it
 * depends on (their built declarations are what its own build type-checks against, as a
 * consumer's would). ESM always, into `dist-es`; CommonJS too, into `dist-cjs`, for a package
 * whose package.json exports a `require` condition. Each directory holds its JavaScript, its
 * declarations and their maps. A package whose build is newer than its sources is left alone.
 *
 * Run from a package directory (`prepack`), or with package directories as arguments.
 *
 * @example
 * // packages/client/package.json
 * // "scripts": { "prepack": "tsx ../../scripts/buildPackage.ts" }
 */
export function buildPackage(dir: string, built = new Set<string>()): void {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  if (built.has(manifest.name)) return;
  built.add(manifest.name);
  for (const dependency of internalDependencies(manifest)) buildPackage(packageDir(dependency), built);
  if (upToDate(dir)) return;
  rmSync(join(dir, 'dist-es'), { recursive: true, force: true });
  rmSync(join(dir, 'dist-cjs'), { recursive: true, force: true });
  tsc(dir, ['--outDir', join(dir, 'dist-es')]);
  rewriteDeclarationImports(join(dir, 'dist-es'));
  if (JSON.stringify(manifest.exports ?? {}).includes('"require"')) {
    // The ESM build checked the types; this one only re-emits the same modules as CommonJS.
    tsc(dir, [
      ...['--outDir', join(dir, 'dist-cjs'), '--module', 'commonjs', '--moduleResolution', 'node10'],
      ...['--verbatimModuleSyntax', 'false', '--declaration', 'false', '--declarationMap', 'false'],
      '--noCheck',
    ]);
    for (const file of walk(join(dir, 'dist-es'))) {
      if (/\.d\.ts(\.map)?$/.test(file))
        cpSync(file, file.replace(`${join(dir, 'dist-es')}`, join(dir, 'dist-cjs')));
    }
    writeFileSync(join(dir, 'dist-cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  }
}

interface Manifest {
  readonly name: string;
  readonly exports?: unknown;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

const REPO = resolve(import.meta.dirname, '..');

const internalDependencies = (manifest: Manifest): string[] =>
  Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter((name) =>
    name.startsWith('@stscreds/'),
  );

const packageDir = (name: string): string => join(REPO, 'packages', name.slice('@stscreds/'.length));

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );

const newest = (files: readonly string[]): number => Math.max(0, ...files.map((f) => statSync(f).mtimeMs));

const upToDate = (dir: string): boolean => {
  const output = join(dir, 'dist-es', 'index.js');
  if (!existsSync(output)) return false;
  const inputs = [...walk(join(dir, 'src')), join(dir, 'package.json'), join(dir, 'tsconfig.build.json')];
  return statSync(output).mtimeMs > newest(inputs.filter(existsSync));
};

const tsc = (dir: string, extra: readonly string[]): void => {
  execFileSync(
    process.execPath,
    [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.build.json'), ...extra],
    {
      stdio: 'inherit',
    },
  );
};

/**
 * tsc rewrites `./x.ts` to `./x.js` in the JavaScript it emits, not in the declarations: a
 * consumer without `allowImportingTsExtensions` would refuse them.
 */
const rewriteDeclarationImports = (dir: string): void => {
  for (const file of walk(dir).filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(/((?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1.js$2');
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
};

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const built = new Set<string>();
  const dirs = process.argv.slice(2);
  for (const dir of dirs.length ? dirs : [process.cwd()]) buildPackage(resolve(dir), built);
}
