import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { toCaller } from '../../src/identity/caller.ts';
import { authorize } from '../../src/policy/authorize.ts';
import { AccessPolicyError, parseAccessPolicy } from '../../src/policy/parseAccessPolicy.ts';

const rule = (overrides: object = {}) => ({
  id: 'r1',
  effect: 'allow',
  callers: ['*'],
  accounts: ['*'],
  roles: ['*'],
  ...overrides,
});

const doc = (overrides: object = {}) => ({ version: 1, rules: [rule()], ...overrides });

/** The defects that parsing `text` reports; fails the test if it parses. */
const problemsOf = (text: string): readonly string[] => {
  try {
    parseAccessPolicy(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AccessPolicyError);
    const failure = error as AccessPolicyError;
    expect(failure.name).toBe('AccessPolicyError');
    expect(failure.message).toBe(`The access policy is invalid: ${failure.problems.join('; ')}`);
    return failure.problems;
  }
  throw new Error(`parsed: ${text}`);
};

const problems = (value: unknown): readonly string[] => problemsOf(JSON.stringify(value));

describe('parseAccessPolicy', () => {
  it('parses a complete, valid document', () => {
    const rules = [
      {
        id: 'ci.deploy:prod',
        description: 'CI deploys to prod, read-only scope',
        effect: 'allow',
        callers: ['arn:aws:iam::111111111111:role/ci-*', 'arn:aws:sts::111111111111:assumed-role/x/?'],
        accounts: ['prod', '333333333333'],
        roles: ['deploy', 'lambda_sts'],
        maxDurationSeconds: 900,
        policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::222222222222:policy/team/Scope'],
      },
      { id: 'freeze', effect: 'deny', callers: ['*'], accounts: ['*'], roles: ['admin*'] },
    ];
    const policy = parseAccessPolicy(
      JSON.stringify({ version: 1, allowUnverifiedCallers: true, aliases: { prod: '222222222222' }, rules }),
    );
    expect(policy.allowUnverifiedCallers).toBe(true);
    expect(policy.aliases).toBeInstanceOf(Map);
    expect([...policy.aliases]).toEqual([['prod', '222222222222']]);
    expect(policy.rules).toEqual(rules);
  });

  it('defaults to no aliases and no unverified callers', () => {
    const policy = parseAccessPolicy('{"version":1,"rules":[]}');
    expect(policy).toEqual({
      allowUnverifiedCallers: false,
      trustedCallerAccounts: new Set(),
      aliases: new Map(),
      rules: [],
      revocations: [],
    });
    expect(policy.aliases.size).toBe(0);
  });

  it('accepts aliases and account ids side by side, and a 12-digit id without an alias', () => {
    const policy = parseAccessPolicy(
      JSON.stringify(
        doc({
          aliases: { prod: '222222222222', 'Stag_ing.eu-1': '333333333333' },
          rules: [rule({ accounts: ['prod', 'Stag_ing.eu-1', '444444444444', '*'] })],
        }),
      ),
    );
    expect(policy.aliases.get('Stag_ing.eu-1')).toBe('333333333333');
    expect(policy.rules[0]?.accounts).toEqual(['prod', 'Stag_ing.eu-1', '444444444444', '*']);
  });

  it('reports an alias the document does not define, by its path', () => {
    expect(
      problems(doc({ aliases: { prod: '222222222222' }, rules: [rule({ accounts: ['prod', 'prd'] })] })),
    ).toEqual(['$.rules[0].accounts[1]: names unknown alias "prd"']);
    expect(problems(doc({ rules: [rule(), rule({ id: 'r2', accounts: ['nope'] })] }))).toEqual([
      '$.rules[1].accounts[0]: names unknown alias "nope"',
    ]);
  });

  it('reports a duplicate rule id at the later rule', () => {
    expect(problems(doc({ rules: [rule({ id: 'a' }), rule({ id: 'b' }), rule({ id: 'a' })] }))).toEqual([
      '$.rules[2].id: duplicates rule id "a"',
    ]);
  });

  it('reports an unknown field at the top and in a rule', () => {
    expect(problems(doc({ extra: true }))).toEqual(['$: Unrecognized key: "extra"']);
    const [problem, ...rest] = problems(doc({ rules: [rule({ colour: 'red' })] }));
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^\$\.rules\[0\]: .*"colour"/);
  });

  it('reports a deny rule with maxDurationSeconds or policyArns', () => {
    expect(problems(doc({ rules: [rule({ effect: 'deny', maxDurationSeconds: 900 })] }))).toEqual([
      '$.rules[0].effect: a deny rule takes no maxDurationSeconds or policyArns',
    ]);
    expect(
      problems(
        doc({ rules: [rule({ effect: 'deny', policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] })] }),
      ),
    ).toEqual(['$.rules[0].effect: a deny rule takes no maxDurationSeconds or policyArns']);
  });

  it.each([
    'alice',
    '**',
    '',
    'arn:aws:s3:::my-bucket',
    'arn:aws:iam::111111111111',
    'arn:aws:iam::abc:user/alice',
    'arn:aws:iam::111111111111:user/al ice',
  ])('reports the caller pattern %j', (pattern) => {
    expect(problems(doc({ rules: [rule({ callers: ['*', pattern] })] }))).toEqual([
      '$.rules[0].callers[1]: must be a caller ARN pattern, or *',
    ]);
  });

  it.each([
    '*',
    'arn:aws:iam::111111111111:user/alice',
    'arn:aws:iam::*:role/ci-?',
    'arn:*:sts::111111111111:assumed-role/ci/*',
    'arn:aws-cn:iam::111111111111:root',
  ])('accepts the caller pattern %j', (pattern) => {
    expect(
      parseAccessPolicy(JSON.stringify(doc({ rules: [rule({ callers: [pattern] })] }))).rules[0]?.callers,
    ).toEqual([pattern]);
  });

  it.each([
    [
      'arn:aws:iam::111111111111:role/team/ci',
      "STS reports a role session without the role's path: write arn:aws:iam::111111111111:role/ci",
    ],
    [
      'arn:aws:iam::*:role/*/ci',
      "STS reports a role session without the role's path: write arn:aws:iam::*:role/ci",
    ],
    [
      'arn:aws:sts::111111111111:assumed-role/ci',
      'an assumed-role ARN names its session: write arn:aws:sts::111111111111:assumed-role/ci/* for every session of the role',
    ],
    [
      'arn:aws:sts::111111111111:assumed-role/team/ci/mallory',
      'an assumed-role ARN is assumed-role/ROLE/SESSION, without the role path',
    ],
    [
      'arn:aws:iam::111111111111:assumed-role/ci/mallory',
      "a caller's assumed-role ARN is an sts ARN: write arn:…:sts::…:assumed-role…",
    ],
    ['arn:aws:sts::111111111111:user/alice', "a caller's user ARN is an iam ARN: write arn:…:iam::…:user…"],
    [
      'arn:aws:iam::111111111111:group/admins',
      'names "group", which is not a kind of caller: user, role, root, assumed-role or federated-user',
    ],
    ['arn:aws:iam::1111:user/alice', 'names the account "1111", which is not 12 digits'],
    ['arn:aws:iam:us-east-1:111111111111:user/alice', 'names a region, which caller ARNs never hold'],
    [
      'arn:awz:iam::111111111111:user/alice',
      'names the partition "awz", which holds no caller: aws, aws-cn or aws-us-gov',
    ],
    ['arn:aws:iam::111111111111:root/x', 'a root ARN holds at most 0 "/"'],
    ['arn:aws:sts::111111111111:federated-user/a/b', 'a federated-user ARN holds at most 1 "/"'],
    ['arn:aws:iam::111111111111:user', 'a user ARN is user/NAME'],
    ['arn:aws:sts::111111111111:federated-user/b', 'is not an ARN that STS reports for a caller'],
  ])('refuses the caller pattern %s, which no caller can match', (pattern, why) => {
    for (const effect of ['allow', 'deny']) {
      expect(problems(doc({ rules: [rule({ effect, callers: ['*', pattern] })] }))).toEqual([
        `$.rules[0].callers[1]: matches no caller: ${why}`,
      ]);
    }
  });

  it.each([
    'arn:aws:sts::111111111111:assumed-role/ci-deploy/mallory',
    'arn:aws:sts::*:assumed-role/*/mallory',
    'arn:aws:sts::111111111111:assumed-role/ci/*',
    'arn:aws:iam::111111111111:ro*',
    'arn:aws:iam::111111111111:root',
    'arn:aws:iam::*:*',
    'arn:aws:iam::111111111111:user/team/ops/*',
    'arn:aws:iam::111111111111:user/team/alice',
    'arn:aws:iam::11111111111?:user/alice',
    'arn:aws-us-gov:sts::111111111111:federated-user/bob',
  ])('accepts the caller pattern %s, which a caller can match', (pattern) => {
    expect(
      parseAccessPolicy(JSON.stringify(doc({ rules: [rule({ callers: [pattern] })] }))).rules[0]?.callers,
    ).toEqual([pattern]);
  });

  it('reads trustedCallerAccounts by id and by alias, and names every defect in it', () => {
    const policy = parseAccessPolicy(
      JSON.stringify(
        doc({ aliases: { dev: '444444444444' }, trustedCallerAccounts: ['111111111111', 'dev'] }),
      ),
    );
    expect([...policy.trustedCallerAccounts]).toEqual(['111111111111', '444444444444']);
    expect(problems(doc({ trustedCallerAccounts: ['nowhere', '1234', '*', 'a222222222222'] }))).toEqual([
      '$.trustedCallerAccounts[1]: must be an account id or an alias',
      '$.trustedCallerAccounts[2]: must be an account id or an alias',
      '$.trustedCallerAccounts[0]: names unknown alias "nowhere"',
      '$.trustedCallerAccounts[3]: names unknown alias "a222222222222"',
    ]);
  });

  it('refuses aliases that differ only in case, which a reader would take for one', () => {
    expect(problems(doc({ aliases: { prod: '222222222222', Prod: '333333333333' } }))).toEqual([
      '$.aliases.Prod: differs from the alias "prod" only in case',
    ]);
  });

  it.each([
    'xarn:aws:iam::aws:policy/ReadOnlyAccess',
    'arn:aws:iam::aws:policy/ReadOnlyAccess ',
    'arn:aws:iam::aws:policy/ReadOnlyAccess\n',
    ' arn:aws:iam::aws:policy/ReadOnlyAccess',
    'arn:aws:iam::aws:policy/',
    'arn:aws:iam::1111111111111:policy/Scope',
    'arn:aws:iam::aws:role/ReadOnlyAccess',
    'arn:aws:iam::aws:policy/x/',
  ])('refuses the policy ARN %j, anchored at both ends', (arn) => {
    expect(problems(doc({ rules: [rule({ policyArns: [arn] })] }))).toEqual([
      '$.rules[0].policyArns[0]: must be an IAM managed policy ARN',
    ]);
  });

  it('reports a role pattern that is no role name', () => {
    expect(problems(doc({ rules: [rule({ roles: ['path/role'] })] }))).toEqual([
      '$.rules[0].roles[0]: must be a role name pattern',
    ]);
    expect(problems(doc({ rules: [rule({ roles: ['r'.repeat(65)] })] }))).toEqual([
      '$.rules[0].roles[0]: must be a role name pattern',
    ]);
  });

  it('reports empty lists of callers, accounts and roles', () => {
    expect(problems(doc({ rules: [rule({ callers: [], accounts: [], roles: [] })] }))).toEqual([
      '$.rules[0].callers: must name at least one caller pattern',
      '$.rules[0].accounts: must name at least one account',
      '$.rules[0].roles: must name at least one role',
    ]);
  });

  it('reports an account entry that is neither id, alias nor *', () => {
    const found = problems(doc({ rules: [rule({ accounts: ['12345'] })] }));
    expect(found).toContain('$.rules[0].accounts[0]: must be an account id, an alias or *');
  });

  it.each([899, 3601, 1800.5])('reports maxDurationSeconds %d', (seconds) => {
    const found = problems(doc({ rules: [rule({ maxDurationSeconds: seconds })] }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^\$\.rules\[0\]\.maxDurationSeconds: /);
  });

  it('reports more than 10 policy ARNs, and a malformed one', () => {
    const arns = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`);
    const [tooMany, ...rest] = problems(doc({ rules: [rule({ policyArns: arns })] }));
    expect(rest).toEqual([]);
    expect(tooMany).toMatch(/^\$\.rules\[0\]\.policyArns: /);
    expect(problems(doc({ rules: [rule({ policyArns: ['arn:aws:iam::aws:role/x'] })] }))).toEqual([
      '$.rules[0].policyArns[0]: must be an IAM managed policy ARN',
    ]);
  });

  it('reports a bad rule id', () => {
    expect(problems(doc({ rules: [rule({ id: 'has space' })] }))).toEqual([
      '$.rules[0].id: must be 1-64 characters [A-Za-z0-9_.:-]',
    ]);
  });

  it('reports a malformed alias name and a malformed alias target', () => {
    const found = problems(doc({ aliases: { '1prod': '222222222222', prod: '2222' } }));
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^\$\.aliases\.1prod: /);
    expect(found[1]).toBe('$.aliases.prod: must be a 12-digit account id');
  });

  it('reports text that is not JSON', () => {
    for (const text of ['', 'nope', '{"version":1,', "{'version':1}"]) {
      const found = problemsOf(text);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^\$: is not JSON \(.+\)$/);
    }
  });

  it.each([
    [2, '$.version: '],
    ['1', '$.version: '],
    [undefined, '$.version: '],
  ])('reports version %j', (version, path) => {
    const found = problems({ version, rules: [] });
    expect(found).toHaveLength(1);
    expect(found[0]?.startsWith(path)).toBe(true);
  });

  it.each([[[]], [null], ['text'], [42]])('reports %j as a document', (value) => {
    const found = problems(value);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^\$: /);
  });

  it('reports a missing rules list', () => {
    expect(problems({ version: 1 })).toEqual([expect.stringMatching(/^\$\.rules: /)]);
  });

  it('reports every defect at once, each by its own path', () => {
    const found = problems({
      version: 1,
      extra: 1,
      rules: [
        rule({ accounts: ['nope'] }),
        rule({ callers: ['alice'] }),
        rule({ id: 'r3', effect: 'deny', maxDurationSeconds: 900 }),
      ],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        '$: Unrecognized key: "extra"',
        '$.rules[0].accounts[0]: names unknown alias "nope"',
        '$.rules[1].callers[0]: must be a caller ARN pattern, or *',
        '$.rules[1].id: duplicates rule id "r1"',
        '$.rules[2].effect: a deny rule takes no maxDurationSeconds or policyArns',
      ]),
    );
    expect(found).toHaveLength(5);
  });

  describe('aliases named like Object.prototype members', () => {
    const alice = toCaller('arn:aws:iam::111111111111:user/alice', '111111111111', 'identity-proof');

    it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
      'reports a rule naming %s when no alias defines it',
      (name) => {
        expect(problems(doc({ rules: [rule({ accounts: [name] })] }))).toEqual([
          `$.rules[0].accounts[0]: names unknown alias "${name}"`,
        ]);
      },
    );

    it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])(
      'never resolves an undefined alias %s as an account',
      (name) => {
        const policy = parseAccessPolicy(JSON.stringify(doc()));
        expect(policy.aliases.get(name)).toBeUndefined();
        expect(policy.aliases.has(name)).toBe(false);
        expect(() => authorize(policy, alice, { account: name, roleName: 'lambda_sts' })).toThrow(
          ValidationError,
        );
      },
    );

    it('resolves an alias named constructor to its own account, and only that', () => {
      const policy = parseAccessPolicy(
        JSON.stringify(
          doc({
            aliases: { constructor: '222222222222' },
            trustedCallerAccounts: ['111111111111'],
            rules: [rule({ accounts: ['constructor'] })],
          }),
        ),
      );
      expect(policy.aliases.get('constructor')).toBe('222222222222');
      expect(policy.aliases.get('toString')).toBeUndefined();
      expect(authorize(policy, alice, { account: 'constructor', roleName: 'x' })).toMatchObject({
        effect: 'allow',
        accountId: '222222222222',
      });
      expect(authorize(policy, alice, { account: '333333333333', roleName: 'x' })).toMatchObject({
        effect: 'deny',
        ruleId: 'default-deny',
      });
    });

    it('does not let an alias named __proto__ resolve, nor a rule name it', () => {
      const text = '{"version":1,"aliases":{"__proto__":"222222222222"},"rules":[]}';
      expect(() => parseAccessPolicy(text)).toThrow(AccessPolicyError);
      expect(problemsOf(text)).toEqual(['$.aliases.__proto__: is not allowed as a key']);
      const naming = problemsOf(
        '{"version":1,"aliases":{"__proto__":"222222222222"},"rules":[{"id":"a","effect":"allow","callers":["*"],"accounts":["__proto__"],"roles":["*"]}]}',
      );
      expect(naming).toContain('$.rules[0].accounts[0]: names unknown alias "__proto__"');
    });

    it('reports an alias named __proto__ as a defect, as it reports any other malformed alias name', () => {
      // "__proto__" fails the alias pattern (a letter first), and its target is no account id;
      // a checker that lists every defect must not let it pass silently.
      const found = problemsOf('{"version":1,"aliases":{"__proto__":"not-an-account"},"rules":[]}');
      expect(found.some((problem) => problem.startsWith('$.aliases.__proto__'))).toBe(true);
    });
  });
});
