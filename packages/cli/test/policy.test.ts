import { describe, expect, it } from 'vitest';
import { type PolicyDependencies, runPolicyCheck, runPolicyExplain } from '../src/commands/policy.ts';

const POLICY = JSON.stringify({
  version: 1,
  aliases: { prod: '222222222222', staging: '333333333333' },
  trustedCallerAccounts: ['111111111111'],
  rules: [
    { id: 'freeze', effect: 'deny', callers: ['*'], accounts: ['prod'], roles: ['admin'] },
    {
      id: 'no-mallory',
      effect: 'deny',
      callers: ['arn:aws:sts::111111111111:assumed-role/ci-deploy/mallory'],
      accounts: ['*'],
      roles: ['*'],
    },
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
    expect(lines).toEqual([
      'p.json: valid, 3 rule(s), 2 alias(es), unverified callers denied',
      "callers trusted from: the broker's own account, 111111111111",
      'warning: rule no-mallory denies the session name mallory of the role ci-deploy: whoever may assume ci-deploy picks that name, so deny the role, or the principal that assumes it',
    ]);
  });

  it('warns of every allow rule whose callers could be principals of a stranger account', async () => {
    const open = JSON.stringify({
      version: 1,
      trustedCallerAccounts: ['444444444444'],
      rules: [
        { id: 'anyone', effect: 'allow', callers: ['*'], accounts: ['*'], roles: ['*'] },
        { id: 'any-ci', effect: 'allow', callers: ['arn:aws:iam::*:role/ci'], accounts: ['*'], roles: ['*'] },
        {
          id: 'near',
          effect: 'allow',
          callers: ['arn:aws:iam::11111111111?:user/a'],
          accounts: ['*'],
          roles: ['*'],
        },
        {
          id: 'mine',
          effect: 'allow',
          callers: ['arn:aws:iam::111111111111:user/a'],
          accounts: ['*'],
          roles: ['*'],
        },
        {
          id: 'theirs',
          effect: 'allow',
          callers: ['arn:aws:iam::999999999999:user/a'],
          accounts: ['*'],
          roles: ['*'],
        },
      ],
    });
    const { d, lines } = deps({ 'p.json': open });
    expect(await runPolicyCheck({ file: 'p.json', brokerAccount: '111111111111' }, d)).toBe(0);
    const trusted =
      "only the trusted caller accounts (111111111111 (the broker's own), 444444444444) keep them out";
    expect(lines.slice(1)).toEqual([
      'callers trusted from: 111111111111, 444444444444',
      `warning: rule anyone allows *, which matches principals of any AWS account, strangers' too: ${trusted}`,
      `warning: rule any-ci allows arn:aws:iam::*:role/ci, which matches principals of any AWS account, strangers' too: ${trusted}`,
      `warning: rule near allows arn:aws:iam::11111111111?:user/a, which matches principals of any AWS account, strangers' too: ${trusted}`,
      'warning: rule theirs names arn:aws:iam::999999999999:user/a, of account 999999999999, which is not a trusted caller account: the rule never applies to it',
    ]);
  });

  it('says which rules allowUnverifiedCallers makes unenforceable', async () => {
    const unverified = JSON.stringify({
      version: 1,
      allowUnverifiedCallers: true,
      rules: [
        { id: 'anyone', effect: 'allow', callers: ['*'], accounts: ['*'], roles: ['lambda_sts'] },
        {
          id: 'alice',
          effect: 'allow',
          callers: ['arn:aws:iam::111111111111:user/alice'],
          accounts: ['*'],
          roles: ['*'],
        },
        {
          id: 'no-bob',
          effect: 'deny',
          callers: ['arn:aws:iam::111111111111:user/bob'],
          accounts: ['*'],
          roles: ['*'],
        },
      ],
    });
    const { d, lines } = deps({ 'p.json': unverified });
    expect(await runPolicyCheck({ file: 'p.json', brokerAccount: '111111111111' }, d)).toBe(0);
    expect(lines.filter((line) => line.startsWith('warning: allowUnverifiedCallers'))).toEqual([
      'warning: allowUnverifiedCallers: a caller without a proof could be anyone who may invoke the function, of any account; it gets no more than any verified caller would',
      'warning: allowUnverifiedCallers: rules anyone allow * and so any unverified caller, whose account cannot be checked against the trusted caller accounts',
      'warning: allowUnverifiedCallers: deny rules no-bob name callers that an unverified caller cannot be told from, so they deny every unverified caller for their accounts and roles',
      'warning: allowUnverifiedCallers: allow rules alice name callers, and never allow an unverified caller',
    ]);
  });

  it('refuses a deny rule that could never match, instead of calling the policy valid', async () => {
    const voidDeny = JSON.stringify({
      version: 1,
      rules: [
        {
          id: 'x',
          effect: 'deny',
          callers: ['arn:aws:iam::111111111111:role/team/ci'],
          accounts: ['*'],
          roles: ['*'],
        },
      ],
    });
    const { d, lines } = deps({ 'p.json': voidDeny });
    expect(await runPolicyCheck({ file: 'p.json' }, d)).toBe(2);
    expect(lines).toEqual([
      'p.json: invalid access policy',
      "  $.rules[0].callers[0]: matches no caller: STS reports a role session without the role's path: write arn:aws:iam::111111111111:role/ci",
    ]);
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
  const explain = async (input: {
    caller?: string;
    account: string;
    role?: string;
    duration?: number;
    brokerAccount?: string;
    policyArns?: string[];
    sessionPolicy?: boolean;
  }) => {
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
    expect(
      await explain({
        caller: 'arn:aws:sts::111111111111:assumed-role/ci-deploy/mallory',
        account: 'staging',
      }),
    ).toEqual({
      code: 1,
      output:
        'deny (no-mallory): rule no-mallory denies arn:aws:sts::111111111111:assumed-role/ci-deploy/mallory',
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

  it("denies a caller of an account that is not trusted, unless it is the broker's own", async () => {
    const stranger = 'arn:aws:iam::999999999999:role/ci-x';
    expect((await explain({ caller: stranger, account: 'staging' })).output).toMatch(
      /^deny \(untrusted-account\)/,
    );
    expect(
      await explain({ caller: stranger, account: 'staging', brokerAccount: '999999999999' }),
    ).toMatchObject({
      code: 1,
      output: expect.stringMatching(/^deny \(default-deny\)/),
    });
  });

  it('explains that a caller cannot widen a forced scope-down', async () => {
    const ci = 'arn:aws:iam::111111111111:role/ci-x';
    expect(
      await explain({
        caller: ci,
        account: 'staging',
        policyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      }),
    ).toEqual({
      code: 1,
      output:
        'deny (ci): rule ci forces the session policies arn:aws:iam::aws:policy/ReadOnlyAccess: it takes no policy, and no policyArns beyond those, from the caller',
    });
    expect((await explain({ caller: ci, account: 'staging', sessionPolicy: true })).code).toBe(1);
  });

  it('refuses a malformed caller or an unknown alias with exit 2', async () => {
    expect((await explain({ caller: 'alice', account: 'prod' })).code).toBe(2);
    expect(await explain({ caller: 'arn:aws:iam::111111111111:role/ci-x', account: 'qa' })).toEqual({
      code: 2,
      output: expect.stringMatching(/"qa" is not an alias/),
    });
  });
});
