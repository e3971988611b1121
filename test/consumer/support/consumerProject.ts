import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunResult, run } from './run.ts';

export interface ConsumerProjectOptions {
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  /** Other package.json fields (`type`, `scripts`, …), over the project's own package.json if it has one. */
  readonly manifest?: Record<string, unknown>;
  /** The stscreds tarballs that any dependency, direct or not, resolves to. */
  readonly tarballs: Record<string, string>;
  /** Files to write, by path relative to the project. */
  readonly files?: Record<string, string>;
}

/**
 * Makes a fresh npm project in `dir` (or completes the one there, as `cdk init` left it),
 * outside the repository, and installs it from the npm registry (the local cache first) and
 * the given stscreds tarballs. The tarballs also override every transitive `@stscreds/*`
 * dependency, since none is on the registry.
 *
 * @example
 * await consumerProject(join(work, 'esm'), { tarballs, dependencies: { '@stscreds/client': `file:${tarballs.client}` } });
 */
export async function consumerProject(dir: string, options: ConsumerProjectOptions): Promise<RunResult> {
  await mkdir(dir, { recursive: true });
  const overrides = Object.fromEntries(
    Object.entries(options.tarballs).map(([name, file]) => [`@stscreds/${name}`, `file:${file}`]),
  );
  const own = await readFile(join(dir, 'package.json'), 'utf8').then(JSON.parse, () => ({}));
  const manifest = {
    name: 'stscreds-consumer',
    version: '1.0.0',
    private: true,
    ...own,
    ...options.manifest,
    dependencies: { ...own.dependencies, ...options.dependencies },
    devDependencies: { ...own.devDependencies, ...options.devDependencies },
    overrides,
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [path, text] of Object.entries(options.files ?? {})) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return install(dir);
}

/** `npm install` in a consumer project, from the local cache where it can. */
export const install = (dir: string): Promise<RunResult> =>
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
