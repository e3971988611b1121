import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProfileAdd } from '../src/commands/profile.ts';
import { ProfileNameError, ProfileSettingError, upsertProfile } from '../src/config/upsertProfile.ts';
import type { GlobalOptions } from '../src/globalOptions.ts';

let work: string;
let written = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stscreds-names-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

const OTHER = '[profile other]\nregion = us-east-1\n';

/** What the JavaScript SDK's own loader reads from a config file holding `text`. */
const sdkReads = async (text: string) => {
  written += 1;
  const path = join(work, `config-${written}`);
  await writeFile(path, text);
  const { configFile } = await loadSharedConfigFiles({
    configFilepath: path,
    filepath: join(work, 'no-credentials'),
    ignoreCache: true,
  });
  return configFile;
};

const roundTrips = async (name: string): Promise<void> => {
  const configFile = await sdkReads(upsertProfile(OTHER, name, [['region', 'eu-north-1']]));
  expect(Object.hasOwn(configFile, name) && configFile[name]?.region).toBe('eu-north-1');
  expect(configFile.other?.region).toBe('us-east-1');
};

const GLOBALS: GlobalOptions = {
  functionName: 'getSTScreds',
  region: 'us-west-2',
  audience: 'stscreds',
  verbose: false,
};

describe('profile names', () => {
  it.each([
    'myprod',
    'default',
    'profile',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'a.b@c+d%e:f/g-h_i',
    'Prod_2',
  ])('accepts %j, which the JavaScript SDK reads back, other profiles intact', async (name) => {
    await roundTrips(name);
  });

  it('accepts only names the JavaScript SDK reads back', async () => {
    const char = fc.constantFrom(...'abcXYZ019_-@+.%:/');
    await fc.assert(fc.asyncProperty(fc.string({ unit: char, minLength: 1, maxLength: 12 }), roundTrips), {
      numRuns: 200,
    });
  });

  it.each([
    ['__proto__', '[profile __proto__]'],
    ['a=b', '[profile a=b]'],
    ['x"y', '[profile x"y]'],
    ["'q'", "[profile 'q']"],
    ['prod,eu', '[profile prod,eu]'],
    ['café', '[profile café]'],
    ['a*', '[profile a*]'],
    ['a\\b', '[profile a\\b]'],
  ])('refuses %j, which the JavaScript SDK cannot read', async (name, header) => {
    expect(() => upsertProfile(OTHER, name, [['region', 'eu-north-1']])).toThrow(ProfileNameError);
    const configFile = await sdkReads(`${header}\nregion = eu-north-1\n\n${OTHER}`);
    expect(Object.hasOwn(configFile, name)).toBe(false);
  });

  it('refuses __proto__ because the JavaScript SDK would drop every profile of the file', async () => {
    const configFile = await sdkReads(`${OTHER}\n[profile __proto__]\nregion = eu-north-1\n`);
    expect(configFile.other).toBeUndefined();
    expect(() => upsertProfile(OTHER, '__proto__', [])).toThrow(/dropping every profile/);
  });

  it('leaves the config file untouched when stscreds profile add is given __proto__', async () => {
    const path = join(work, 'config-add');
    await writeFile(path, OTHER);
    await expect(
      runProfileAdd({ name: '__proto__', account: '222222222222' }, GLOBALS, () => undefined, path),
    ).rejects.toThrow(ProfileNameError);
    expect(await readFile(path, 'utf8')).toBe(OTHER);
  });

  it('refuses a services section name the JavaScript SDK cannot read', async () => {
    const path = join(work, 'config-services');
    await writeFile(path, OTHER);
    await expect(
      runProfileAdd(
        { name: 'dev', account: '222222222222', services: 'local dev' },
        GLOBALS,
        () => undefined,
        path,
      ),
    ).rejects.toThrow(ProfileSettingError);
    expect(await readFile(path, 'utf8')).toBe(OTHER);
  });
});
