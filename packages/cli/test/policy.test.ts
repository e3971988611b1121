import { describe, expect, it } from 'vitest';
import { type PolicyDependencies, runPolicyCheck, runPolicyExplain } from '../src/commands/policy.ts';

const POLICY = JSON.stringify({
  version: 1,
  aliases: { prod: '222222222222', staging: '333333333333' },
  rules: [
    { id: 'freeze', effect: 'deny', callers: ['*'], accounts: ['prod'], roles: ['admin'] },
    {
      id: 'ci',
      effect: 'allow',
      callers: ['arn:aws:iam::111111111111:role/ci-*'],
      accounts: ['*'],
      roles: ['*'],
      maxDurationSeconds: 1800,
      policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    },
  ],
});

const deps = (files: Record<string, string>) => {
  const lines: string[] = [];
  const d: PolicyDependencies = {
    readText: async (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
    print: (line) => lines.push(line),
  };
  return { d, lines };
};

describe('stscreds policy check', () => {
  it('reports a valid policy and exits 0', async () => {
    const { d, lines } = deps({ 'p.json': POLICY });
    expect(await runPolicyCheck({ file: 'p.json' }, d)).toBe(0);
    expect(lines).toEqual(['p.json: valid, 2 rule(s), 2 alias(es), unverified callers denied']);
  });

  it('reports each defect with its JSON path and exits 2', async () => {
    const broken = JSON.stringify({
      version: 1,
      rules: [{ id: 'x', effect: 'maybe', callers: [], accounts: ['nope'], roles: ['*'] }],
    });
    const { d, lines } = deps({ 'p.json': broken });
    expect(await runPolicyCheck({ file: 'p.json' }, d)).toBe(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        'p.json: invalid access policy',
        expect.stringMatching(/^ {2}\$\.rules\[0\]\.effect: /),
        expect.stringMatching(/^ {2}\$\.rules\[0\]\.callers: must name at least one caller pattern/),
      ]),
    );
  });

  it('says when the file cannot be read', async () => {
    const { d, lines } = deps({});
    expect(await runPolicyCheck({ file: 'gone.json' }, d)).toBe(2);
    expect(lines).toEqual(['gone.json: cannot be read (ENOENT)']);
  });
});

describe('stscreds policy explain', () => {
  const explain = async (input: { caller?: string; account: string; role?: string; duration?: number }) => {
    const { d, lines } = deps({ 'p.json': POLICY });
    const code = await runPolicyExplain({ file: 'p.json', role: 'lambda_sts', ...input }, d);
    return { code, output: lines.join('\n') };
  };

  it('explains an allow with its duration and forced scope-down', async () => {
    expect(
      await explain({
        caller: 'arn:aws:sts::111111111111:assumed-role/ci-deploy/build-7',
        account: 'staging',
      }),
    ).toEqual({
      code: 0,
      output:
        'allow (ci): lambda_sts in 333333333333 for 1800 s, scoped down by arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
  });

  it('explains a deny with the rule that made it', async () => {
    expect(
      await explain({ caller: 'arn:aws:iam::111111111111:role/ci-x', account: 'prod', role: 'admin' }),
    ).toEqual({
      code: 1,
      output: 'deny (freeze): rule freeze denies arn:aws:iam::111111111111:role/ci-x',
    });
    expect((await explain({ caller: 'arn:aws:iam::111111111111:user/eve', account: 'prod' })).output).toMatch(
      /^deny \(default-deny\)/,
    );
    expect((await explain({ account: 'prod' })).output).toMatch(/^deny \(unverified-caller\)/);
    expect(
      (await explain({ caller: 'arn:aws:iam::111111111111:role/ci-x', account: 'prod', duration: 3600 }))
        .output,
    ).toMatch(/^deny \(ci\): durationSeconds 3600 is over the 1800 seconds/);
  });

  it('refuses a malformed caller or an unknown alias with exit 2', async () => {
    expect((await explain({ caller: 'alice', account: 'prod' })).code).toBe(2);
    expect(await explain({ caller: 'arn:aws:iam::111111111111:role/ci-x', account: 'qa' })).toEqual({
      code: 2,
      output: expect.stringMatching(/"qa" is not an alias/),
    });
  });
});
