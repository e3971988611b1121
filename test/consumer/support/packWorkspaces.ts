import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { run } from './run.ts';

export const REPO = resolve(import.meta.dirname, '../../..');

/** The packages the repository publishes, in the order they build. */
export const PUBLISHED = ['contract', 'client', 'broker', 'iam', 'devorg', 'infra', 'cli'] as const;
export type Published = (typeof PUBLISHED)[number];

/**
 * Packs every published package with `npm pack`, as a release would (each one's `prepack`
 * builds it), into `dest`, and answers the tarballs by package.
 *
 * @example
 * const tarballs = await packWorkspaces(join(work, 'tarballs'));
 * tarballs.client; // '/tmp/…/tarballs/stscreds-client-0.1.0.tgz'
 */
export async function packWorkspaces(dest: string): Promise<Record<Published, string>> {
  const workspaces = PUBLISHED.flatMap((name) => ['-w', `@stscreds/${name}`]);
  const packed = await run('npm', ['pack', ...workspaces, '--pack-destination', dest], { cwd: REPO });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr.slice(-4000)}`);
  const files = new Set(await readdir(dest));
  const entries = await Promise.all(
    PUBLISHED.map(async (name) => {
      const { version } = JSON.parse(await readFile(join(REPO, 'packages', name, 'package.json'), 'utf8'));
      const file = `stscreds-${name}-${version}.tgz`;
      if (!files.has(file)) throw new Error(`npm pack wrote no ${file}`);
      return [name, join(dest, file)] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Published, string>;
}
