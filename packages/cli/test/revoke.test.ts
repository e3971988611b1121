import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { parseAccessPolicy } from '@stscreds/broker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRevokeAdd, runRevokeLift, runRevokeList } from '../src/commands/revoke.ts';
import { openPolicyStore } from '../src/revoke/openPolicyStore.ts';

const ALICE = 'arn:aws:iam::111111111111:user/alice';
const NOW = Date.parse('2026-12-01T15:30:00Z');
const basePolicy = {
  version: 1,
  aliases: { prod: '222222222222' },
  rules: [{ id: 'alice', effect: 'allow', callers: [ALICE], accounts: ['prod'], roles: ['lambda_sts'] }],
};

let dir: string;
let file: string;
let printed: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stscreds-revoke-'));
  file = join(dir, 'access-policy.json');
  await writeFile(file, JSON.stringify(basePolicy));
  printed = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** An Organizations client that fails the test if anything is sent to it. */
const untouchable = {
  send: async () => {
    throw new Error('nothing may be sent to Organizations');
  },
} as unknown as OrganizationsClient;

const deps = async (now = NOW) => ({
  store: await openPolicyStore({
    file,
    region: 'us-west-2',
    credentials: async () => ({ accessKeyId: 'x', secretAccessKey: 'y' }),
  }),
  print: (line: string) => printed.push(line),
  now: () => now,
  organizations: () => untouchable,
});
const add = {
  roleWide: false,
  accounts: [],
  policyMaxAge: 300,
  scp: false,
  inline: [],
  targetRole: 'lambda_sts',
  dryRun: false,
};
const stored = async () => parseAccessPolicy(await readFile(file, 'utf8'));

describe('stscreds revoke against a policy file', () => {
  it('adds a revocation past the cache age, so that no broker with the old policy issues after it', async () => {
    expect(await runRevokeAdd({ ...add, callers: [ALICE], reason: 'key leaked' }, await deps())).toBe(0);
    const [revocation] = (await stored()).revocations;
    expect(revocation).toEqual({
      id: 'revoke-20261201T153000Z',
      callers: [ALICE],
      revokedAt: '2026-12-01T15:35:00Z',
      reason: 'key leaked',
    });
    expect(printed.join('\n')).toContain('only the broker refuses now');
  });

  it('dates a role-wide revocation now: it only denies what was already issued', async () => {
    expect(
      await runRevokeAdd({ ...add, callers: [], roleWide: true, reason: 'unknown leak' }, await deps()),
    ).toBe(0);
    expect((await stored()).revocations[0]).toMatchObject({
      roleWide: true,
      revokedAt: '2026-12-01T15:30:00Z',
    });
  });

  it('lists and lifts; a lift moves a revokedAt that lay ahead back to the lift', async () => {
    await runRevokeAdd({ ...add, callers: [ALICE], reason: 'key leaked', id: 'leak' }, await deps());
    expect(await runRevokeLift('leak', add, await deps(NOW + 60_000))).toBe(0);
    expect((await stored()).revocations[0]).toMatchObject({
      revokedAt: '2026-12-01T15:31:00Z',
      liftedAt: '2026-12-01T15:31:00Z',
    });
    printed = [];
    await runRevokeList(await deps());
    expect(printed[1]).toMatch(
      /^leak\s+lifted 2026-12-01T15:31:00Z\s+arn:aws:iam::111111111111:user\/alice\s+\*\s+2026-12-01T15:31:00Z\s+key leaked$/,
    );
    // An hour after, nothing it denies is alive: the next change drops it.
    await runRevokeAdd(
      { ...add, callers: ['arn:aws:iam::111111111111:user/bob'], reason: 'r', id: 'bob' },
      await deps(NOW + 3_700_000),
    );
    expect((await stored()).revocations.map((r) => r.id)).toEqual(['bob']);
  });

  it.each([
    [
      'a pattern, which no SourceIdentity deny can express',
      ['arn:aws:iam::111111111111:user/*'],
      "needs each caller's exact ARN",
    ],
    [
      'a role, whose sessions each carry their own SourceIdentity',
      ['arn:aws:iam::111111111111:role/ci'],
      'name the session ARNs',
    ],
  ])('refuses to deliver %s, and writes nothing', async (_, callers, message) => {
    const before = await readFile(file, 'utf8');
    expect(await runRevokeAdd({ ...add, scp: true, callers, reason: 'r' }, await deps())).toBe(2);
    expect(printed.join('\n')).toContain(message);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('refuses what would not fit the 5,120 characters of an SCP, before any write to the policy or AWS', async () => {
    const many = Array.from({ length: 150 }, (_, i) => ({
      id: `r${i}`,
      callers: [`arn:aws:iam::111111111111:user/user-number-${i}`],
      revokedAt: '2026-12-01T15:20:00Z',
      reason: 'r',
    }));
    await writeFile(file, JSON.stringify({ ...basePolicy, revocations: many }));
    const before = await readFile(file, 'utf8');
    expect(await runRevokeAdd({ ...add, scp: true, callers: [ALICE], reason: 'r' }, await deps())).toBe(2);
    expect(printed.join('\n')).toMatch(/over the 5120 AWS allows, even compacted.*nothing was written/);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('refuses an id in use, and a lift of what is not there', async () => {
    await runRevokeAdd({ ...add, callers: [ALICE], reason: 'r', id: 'alice' }, await deps());
    expect(printed.join('\n')).toContain('already has a rule or revocation "alice"');
    expect(await runRevokeLift('nothing', add, await deps())).toBe(2);
  });

  it('prints the documents on a dry run, and writes nothing', async () => {
    const before = await readFile(file, 'utf8');
    const code = await runRevokeAdd(
      { ...add, scp: true, dryRun: true, callers: [ALICE], reason: 'r' },
      await deps(),
    );
    expect(code).toBe(0);
    const text = printed.join('\n');
    expect(text).toContain('would write: service control policy');
    expect(text).toContain('"aws:SourceIdentity": [\n');
    expect(text).toContain('aws,iam,,111111111111,user+alice');
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});
