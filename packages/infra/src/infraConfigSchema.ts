import {
  ACCOUNT_ID_PATTERN,
  MANAGED_POLICY_PRESETS,
  ORGANIZATION_ID_PATTERN,
  ROLE_NAME_PATTERN,
} from '@stscreds/iam';
import { z } from 'zod';

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
const OU_ID = /^(?:ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const PRINCIPAL_ARN = /^arn:[\w-]+:(?:iam|sts)::[0-9]{12}:[\w+=,.@/:-]+$/;
const PRINCIPAL = new RegExp(`${PRINCIPAL_ARN.source}|${ACCOUNT_ID_PATTERN.source}`);
const FUNCTION_NAME = /^[\w-]{1,64}$/;
const PARAMETER_NAME = /^\/[\w./-]{1,1010}$/;
const STACK_SET_NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,127}$/;
const AUDIENCE = /^[\x21-\x7e]{1,256}$/;
const TOPIC_ARN = /^arn:[\w-]+:sns:[a-z0-9-]+:[0-9]{12}:[\w-]{1,256}$/;
const MANAGED_POLICY = /^(?:arn:[\w-]+:iam::(?:aws|[0-9]{12}):policy\/)?(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;
/** The retention periods CloudWatch Logs accepts. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Object settings say so when they are not one; unknown keys are named one by one. */
const text = (pattern: RegExp, hint: string) =>
  z.string({ error: 'must be a string' }).regex(pattern, { error: hint });
const texts = (pattern: RegExp, hint: string) =>
  z
    .array(
      z
        .string({ error: 'must be a string' })
        .regex(pattern, { error: (issue) => `"${issue.input}" ${hint}` }),
      {
        error: 'must be a list of strings',
      },
    )
    .default([]);
const flag = () => z.boolean({ error: 'must be true or false' }).default(false);
const whole = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
};
const oneOf = <const T extends readonly string[]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

const ACCOUNT_ID = text(ACCOUNT_ID_PATTERN, 'is not a 12-digit account id');
const ROLE_NAME = text(ROLE_NAME_PATTERN, 'is not an IAM role name');
const REGION_NAME = text(REGION, 'is not a region such as us-west-2');

const invokers = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('organization') }),
    z.strictObject({
      kind: z.literal('principals'),
      principals: z
        .array(
          z.string({ error: 'must be a string' }).regex(PRINCIPAL, {
            error: (issue) => `"${issue.input}" is neither a principal ARN nor an account id`,
          }),
          { error: 'must list at least one principal' },
        )
        .min(1, { error: 'must list at least one principal' }),
    }),
    z.strictObject({ kind: z.literal('none') }),
  ],
  { error: 'must be one of organization, principals, none' },
);

const broker = z.strictObject({
  region: REGION_NAME.default('us-west-2'),
  functionName: text(FUNCTION_NAME, 'is not a function name').default('getSTScreds'),
  roleName: ROLE_NAME.default('stscreds-broker'),
  importRole: flag(),
  audience: text(AUDIENCE, 'must be 1-256 printable ASCII characters').optional(),
  invokers: invokers.optional(),
  functionUrl: flag(),
  reservedConcurrency: whole(1, 10_000).optional(),
  memorySize: whole(128, 10_240).default(256),
  logRetentionDays: z
    .literal(RETENTION_DAYS, { error: `must be one of ${RETENTION_DAYS.join(', ')}` })
    .default(365),
  accessPolicyParameterName: text(
    PARAMETER_NAME,
    'is not an SSM parameter name such as /stscreds/access-policy',
  ).default('/stscreds/access-policy'),
  accessPolicy: z.unknown().optional(),
  accessPolicyFile: z.string({ error: 'must be a string' }).optional(),
  accessPolicyMaxAgeSeconds: whole(0, 86_400).default(300),
  deniedSpikeThreshold: whole(1, 1_000_000).default(25),
  alarmTopicArn: text(TOPIC_ARN, 'is not an SNS topic ARN').optional(),
});

const target = z.strictObject({
  roleName: ROLE_NAME.default('lambda_sts'),
  managedPolicyPreset: oneOf(MANAGED_POLICY_PRESETS).default('seed'),
  customManagedPolicies: texts(MANAGED_POLICY, 'is neither a managed policy name nor a policy ARN'),
  requireSourceIdentity: flag(),
  trustLambdaService: flag(),
});

const rollout = z.strictObject({
  accountId: ACCOUNT_ID.optional(),
  callAs: oneOf(['SELF', 'DELEGATED_ADMIN']).default('SELF'),
  organizationalUnitIds: texts(OU_ID, 'is not an OU id (ou-…) or a root id (r-…)'),
  excludeAccountIds: texts(ACCOUNT_ID_PATTERN, 'is not a 12-digit account id'),
  region: REGION_NAME.optional(),
  stackSetName: text(STACK_SET_NAME, 'is not a StackSet name').default('stscreds-target-role'),
});

/**
 * The shape of the `stscreds` context of cdk.json, field by field. The rules that tie one
 * field to another, and the defaults computed from others, are `readInfraConfig`'s.
 *
 * @example
 * infraConfigSchema.safeParse({ brokerAccountId: '111111111111', organizationId: 'o-a1b2c3d4e5' }).success; // true
 */
export const infraConfigSchema = z.strictObject({
  brokerAccountId: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .regex(ACCOUNT_ID_PATTERN, { error: 'is not a 12-digit account id' }),
  organizationId: text(ORGANIZATION_ID_PATTERN, 'is not an organization id such as o-a1b2c3d4e5').optional(),
  targetAccountIds: texts(ACCOUNT_ID_PATTERN, 'is not a 12-digit account id'),
  broker: broker.prefault({}),
  target: target.prefault({}),
  rollout: rollout.prefault({}),
});
