import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { childConfigText } from './childConfigText.ts';

/** Shared files of a child that acts as the session a container endpoint serves. */
export interface ChildConfig {
  /** `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` for the child. */
  readonly env: { readonly AWS_CONFIG_FILE: string; readonly AWS_SHARED_CREDENTIALS_FILE: string };
  /** Removes the files. */
  remove(): Promise<void>;
}

/**
 * Writes, in a private temporary folder, the shared config and credentials files of a child
 * process that must act as the target session: every SDK ranks the shared files (a
 * `[default]` profile with keys, `AWS_PROFILE`) above the container provider, so the child
 * gets files of its own, with the region and endpoints of the profile it would have used and
 * no credentials at all.
 *
 * @example
 * const files = await writeChildConfig(process.env);
 * spawn(cmd, { env: { ...env, ...files.env, AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri } });
 */
export async function writeChildConfig(parentEnv: NodeJS.ProcessEnv): Promise<ChildConfig> {
  const { configFile } = await loadSharedConfigFiles({
    ...(parentEnv.AWS_CONFIG_FILE && { configFilepath: parentEnv.AWS_CONFIG_FILE }),
    ignoreCache: true,
  });
  const profile = parentEnv.AWS_PROFILE || parentEnv.AWS_DEFAULT_PROFILE || 'default';
  // mkdtemp makes the folder 0700: nobody else can swap the files the child reads.
  const dir = await mkdtemp(join(tmpdir(), 'stscreds-child-'));
  const env = {
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
  };
  await writeFile(env.AWS_CONFIG_FILE, childConfigText(configFile, profile), { mode: 0o600 });
  await writeFile(env.AWS_SHARED_CREDENTIALS_FILE, '', { mode: 0o600 });
  return { env, remove: () => rm(dir, { recursive: true, force: true }) };
}
