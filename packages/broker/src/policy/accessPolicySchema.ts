import { MAX_DURATION_SECONDS, MAX_POLICY_ARNS, MIN_DURATION_SECONDS } from '@stscreds/contract';
import * as z from 'zod/mini';
import { callerPatternProblem } from './callerPatternProblem.ts';

const ACCOUNT_ID = /^[0-9]{12}$/;
const ALIAS = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const RULE_ID = /^[\w.:-]{1,64}$/;
/** A caller ARN, possibly with IAM-style `*` and `?` wildcards, or `*` for anyone. */
const CALLER_PATTERN = /^(?:\*|arn:[\w*?-]+:(?:iam|sts):[\w*?-]*:[0-9*?]+:[\w+=,.@/:*?-]+)$/;
const ROLE_PATTERN = /^[\w+=,.@*?-]{1,64}$/;
const POLICY_ARN =
  /^arn:aws(?:-cn|-us-gov)?:iam::(?:aws|[0-9]{12}):policy\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;

// Rules and revocations share these: one id space, the same caller patterns.
const ruleId = z.string().check(z.regex(RULE_ID, 'must be 1-64 characters [A-Za-z0-9_.:-]'));
const callerPatterns = z
  .array(z.string().check(z.regex(CALLER_PATTERN, 'must be a caller ARN pattern, or *')))
  .check(z.minLength(1, 'must name at least one caller pattern'));

const ruleSchema = z.strictObject({
  id: ruleId,
  description: z.optional(z.string().check(z.maxLength(1024))),
  effect: z.enum(['allow', 'deny']),
  callers: callerPatterns,
  accounts: z
    .array(
      z
        .string()
        .check(
          z.refine(
            (v) => v === '*' || ACCOUNT_ID.test(v) || ALIAS.test(v),
            'must be an account id, an alias or *',
          ),
        ),
    )
    .check(z.minLength(1, 'must name at least one account')),
  roles: z
    .array(z.string().check(z.regex(ROLE_PATTERN, 'must be a role name pattern')))
    .check(z.minLength(1, 'must name at least one role')),
  maxDurationSeconds: z.optional(
    z
      .number()
      .check(
        z.refine(Number.isInteger, 'must be a whole number of seconds'),
        z.minimum(MIN_DURATION_SECONDS),
        z.maximum(MAX_DURATION_SECONDS),
      ),
  ),
  policyArns: z.optional(
    z
      .array(z.string().check(z.regex(POLICY_ARN, 'must be an IAM managed policy ARN')))
      .check(z.maxLength(MAX_POLICY_ARNS)),
  ),
});

/** A time as the policy writes it: UTC, to the second, such as 2026-12-01T15:35:00Z. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const instant = () =>
  z.string().check(
    z.regex(INSTANT, 'must be a UTC time such as 2026-12-01T15:35:00Z'),
    z.refine((v) => !Number.isNaN(Date.parse(v)), 'must be a real time'),
  );

/**
 * A revocation: the broker refuses the callers new credentials until it is lifted, and the
 * AWS side denies what it issued to them before `revokedAt`. A role-wide one names no caller:
 * it denies every session of the target role issued before `revokedAt`.
 */
const revocationSchema = z.strictObject({
  id: ruleId,
  callers: z.optional(callerPatterns),
  roleWide: z.optional(z.literal(true)),
  // The same list as a rule's, optional: every account by default.
  accounts: z.optional(ruleSchema.shape.accounts),
  revokedAt: instant(),
  liftedAt: z.optional(instant()),
  reason: z.string().check(z.minLength(1, 'must say why'), z.maxLength(1024)),
});

/** The access policy document, version 1. */
export const accessPolicySchema = z
  .strictObject({
    version: z.literal(1),
    allowUnverifiedCallers: z._default(z.boolean(), false),
    /**
     * The accounts whose principals may be callers at all, by id or alias, besides the
     * broker's own. Anyone can open an AWS account: a caller of any other account is denied
     * before any rule is read.
     */
    trustedCallerAccounts: z._default(
      z
        .array(
          z
            .string()
            .check(z.refine((v) => ACCOUNT_ID.test(v) || ALIAS.test(v), 'must be an account id or an alias')),
        )
        .check(z.maxLength(10_000)),
      [],
    ),
    aliases: z._default(
      z.record(
        z.string().check(z.regex(ALIAS, 'must be an alias: a letter, then up to 63 of [A-Za-z0-9_.-]')),
        z.string().check(z.regex(ACCOUNT_ID, 'must be a 12-digit account id')),
      ),
      {},
    ),
    rules: z.array(ruleSchema).check(z.maxLength(1000)),
    revocations: z._default(z.array(revocationSchema).check(z.maxLength(1000)), []),
  })
  .check(
    z.superRefine((policy, ctx) => {
      const seen = new Set<string>();
      const aliasCase = new Map<string, string>();
      for (const alias of Object.keys(policy.aliases)) {
        const other = aliasCase.get(alias.toLowerCase());
        if (other !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['aliases', alias],
            message: `differs from the alias "${other}" only in case`,
          });
        aliasCase.set(alias.toLowerCase(), alias);
      }
      policy.trustedCallerAccounts.forEach((account, at) => {
        if (ALIAS.test(account) && !Object.hasOwn(policy.aliases, account))
          ctx.addIssue({
            code: 'custom',
            path: ['trustedCallerAccounts', at],
            message: `names unknown alias "${account}"`,
          });
      });
      policy.rules.forEach((rule, index) => {
        rule.callers.forEach((pattern, at) => {
          // A malformed pattern is reported once, by its own check.
          const problem = CALLER_PATTERN.test(pattern) ? callerPatternProblem(pattern) : undefined;
          if (problem)
            ctx.addIssue({
              code: 'custom',
              path: ['rules', index, 'callers', at],
              message: `matches no caller: ${problem}`,
            });
        });
        if (seen.has(rule.id))
          ctx.addIssue({
            code: 'custom',
            path: ['rules', index, 'id'],
            message: `duplicates rule id "${rule.id}"`,
          });
        seen.add(rule.id);
        rule.accounts.forEach((account, at) => {
          if (account !== '*' && !ACCOUNT_ID.test(account) && !Object.hasOwn(policy.aliases, account)) {
            ctx.addIssue({
              code: 'custom',
              path: ['rules', index, 'accounts', at],
              message: `names unknown alias "${account}"`,
            });
          }
        });
        if (
          rule.effect === 'deny' &&
          (rule.maxDurationSeconds !== undefined || rule.policyArns !== undefined)
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', index, 'effect'],
            message: 'a deny rule takes no maxDurationSeconds or policyArns',
          });
        }
      });
      policy.revocations.forEach((revocation, index) => {
        const at = (...path: (string | number)[]) => ['revocations', index, ...path];
        if (seen.has(revocation.id)) {
          ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicates rule id "${revocation.id}"` });
        }
        seen.add(revocation.id);
        if ((revocation.callers === undefined) === (revocation.roleWide === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: at('callers'),
            message: 'a revocation names callers, or is roleWide, and not both',
          });
        }
        revocation.accounts?.forEach((account, i) => {
          if (account !== '*' && !ACCOUNT_ID.test(account) && !Object.hasOwn(policy.aliases, account)) {
            ctx.addIssue({
              code: 'custom',
              path: at('accounts', i),
              message: `names unknown alias "${account}"`,
            });
          }
        });
      });
    }),
  );

export type AccessPolicyDocument = z.output<typeof accessPolicySchema>;
export type AccessRule = AccessPolicyDocument['rules'][number];
export type AccessRevocation = AccessPolicyDocument['revocations'][number];
