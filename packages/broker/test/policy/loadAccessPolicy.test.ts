import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAccessPolicy } from '../../src/policy/loadAccessPolicy.ts';
import { AccessPolicyError } from '../../src/policy/parseAccessPolicy.ts';

const policyText = (ruleId: string) =>
  JSON.stringify({
    version: 1,
    aliases: { prod: '222222222222' },
    rules: [{ id: ruleId, effect: 'allow', callers: ['*'], accounts: ['prod'], roles: ['*'] }],
  });

const BROKEN = JSON.stringify({
  version: 1,
  rules: [{ id: 'x', effect: 'allow', callers: ['*'], accounts: ['nope'], roles: ['*'] }],
});

/** A stand-in for the Powertools SSM provider that answers whatever `value` holds now. */
class FakeSsm {
  value: unknown;
  readonly calls: { name: string; options: unknown }[] = [];
  failure: Error | undefined;

  constructor(value: unknown) {
    this.value = value;
  }

  async get(name: string, options?: { maxAge?: number }): Promise<unknown> {
    this.calls.push({ name, options });
    if (this.failure) throw this.failure;
    return this.value;
  }

  asProvider(): SSMProvider {
    return this as unknown as SSMProvider;
  }
}

describe('loadAccessPolicy', () => {
  describe('inline', () => {
    it('parses the policy', async () => {
      const policy = await loadAccessPolicy({ kind: 'inline', json: policyText('inline-rule') })();
      expect(policy.rules.map((rule) => rule.id)).toEqual(['inline-rule']);
      expect(policy.aliases.get('prod')).toBe('222222222222');
    });

    it('parses once: every call answers the same promise and the same policy', async () => {
      const load = loadAccessPolicy({ kind: 'inline', json: policyText('r') });
      const first = load();
      const second = load();
      expect(second).toBe(first);
      expect(await load()).toBe(await first);
    });

    it('gives separate loaders separate policies', async () => {
      const source = { kind: 'inline', json: policyText('r') } as const;
      expect(await loadAccessPolicy(source)()).not.toBe(await loadAccessPolicy(source)());
    });

    it('rejects a broken policy with AccessPolicyError naming the defect, on every call', async () => {
      const load = loadAccessPolicy({ kind: 'inline', json: BROKEN });
      await expect(load()).rejects.toBeInstanceOf(AccessPolicyError);
      await expect(load()).rejects.toMatchObject({
        problems: ['$.rules[0].accounts[0]: names unknown alias "nope"'],
      });
    });

    it('rejects text that is not JSON with AccessPolicyError', async () => {
      await expect(loadAccessPolicy({ kind: 'inline', json: '{' })()).rejects.toBeInstanceOf(
        AccessPolicyError,
      );
    });
  });

  describe('file', () => {
    let dir: string;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'stscreds-policy-'));
    });

    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads and parses the file', async () => {
      const path = join(dir, 'policy.json');
      await writeFile(path, policyText('from-file'));
      const policy = await loadAccessPolicy({ kind: 'file', path })();
      expect(policy.rules.map((rule) => rule.id)).toEqual(['from-file']);
    });

    it('reads the file once per loader, so a later change is not seen', async () => {
      const path = join(dir, 'policy.json');
      await writeFile(path, policyText('first'));
      const load = loadAccessPolicy({ kind: 'file', path });
      const first = await load();
      await writeFile(path, policyText('second'));
      expect(await load()).toBe(first);
      expect((await load()).rules[0]?.id).toBe('first');
      expect((await loadAccessPolicy({ kind: 'file', path })()).rules[0]?.id).toBe('second');
    });

    it('does not read the file before it is asked for the policy', async () => {
      const path = join(dir, 'later.json');
      const load = loadAccessPolicy({ kind: 'file', path });
      await writeFile(path, policyText('later'));
      expect((await load()).rules[0]?.id).toBe('later');
    });

    it('rejects a broken file with AccessPolicyError', async () => {
      const path = join(dir, 'broken.json');
      await writeFile(path, BROKEN);
      const load = loadAccessPolicy({ kind: 'file', path });
      await expect(load()).rejects.toBeInstanceOf(AccessPolicyError);
      await expect(load()).rejects.toThrow('$.rules[0].accounts[0]: names unknown alias "nope"');
    });

    it('rejects a missing file with the read error', async () => {
      const load = loadAccessPolicy({ kind: 'file', path: join(dir, 'missing.json') });
      await expect(load()).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  describe('ssm', () => {
    const source = { kind: 'ssm', name: '/stscreds/policy', maxAgeSeconds: 30 } as const;

    it('reads the parameter through the provider, with the cache age', async () => {
      const ssm = new FakeSsm(policyText('from-ssm'));
      const policy = await loadAccessPolicy(source, ssm.asProvider())();
      expect(policy.rules.map((rule) => rule.id)).toEqual(['from-ssm']);
      expect(ssm.calls).toEqual([{ name: '/stscreds/policy', options: { maxAge: 30 } }]);
    });

    it('asks the provider on every call, and does not parse an unchanged text again', async () => {
      const ssm = new FakeSsm(policyText('same'));
      const load = loadAccessPolicy(source, ssm.asProvider());
      const first = await load();
      const second = await load();
      expect(ssm.calls).toHaveLength(2);
      expect(second).toBe(first);
    });

    it('picks up a changed text', async () => {
      const ssm = new FakeSsm(policyText('before'));
      const load = loadAccessPolicy(source, ssm.asProvider());
      const before = await load();
      ssm.value = policyText('after');
      const after = await load();
      expect(after).not.toBe(before);
      expect(after.rules[0]?.id).toBe('after');
      expect(await load()).toBe(after);
      ssm.value = policyText('before');
      const again = await load();
      expect(again.rules[0]?.id).toBe('before');
    });

    it('rejects a broken text with AccessPolicyError, and recovers once it is fixed', async () => {
      const ssm = new FakeSsm(policyText('good'));
      const load = loadAccessPolicy(source, ssm.asProvider());
      await load();
      ssm.value = BROKEN;
      await expect(load()).rejects.toBeInstanceOf(AccessPolicyError);
      await expect(load()).rejects.toBeInstanceOf(AccessPolicyError);
      ssm.value = policyText('fixed');
      expect((await load()).rules[0]?.id).toBe('fixed');
    });

    it('rejects a parameter without a string value', async () => {
      for (const value of [undefined, 42, { version: 1 }]) {
        const load = loadAccessPolicy(source, new FakeSsm(value).asProvider());
        await expect(load()).rejects.toThrow('SSM parameter /stscreds/policy has no value');
      }
    });

    it('rejects with the provider failure', async () => {
      const ssm = new FakeSsm(policyText('x'));
      ssm.failure = new Error('ParameterNotFound');
      await expect(loadAccessPolicy(source, ssm.asProvider())()).rejects.toThrow('ParameterNotFound');
    });
  });
});
