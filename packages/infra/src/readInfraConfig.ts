import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { urlFunctionNameOf } from '@stscreds/iam';
import type { z } from 'zod';
import type { StsCredsInfraConfig } from './config.ts';
import { infraConfigSchema } from './infraConfigSchema.ts';

/** The configuration cannot build a safe deployment; `problems` names each field at fault. */
export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`The stscreds CDK configuration is invalid:\n  ${problems.join('\n  ')}`);
  }
}

export interface ReadInfraConfigOptions {
  /** Where a relative `broker.accessPolicyFile` is read from. @default process.cwd() */
  readonly baseDir?: string;
}

type Raw = Record<string, unknown>;
const isRecord = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const recordAt = (raw: Raw, key: string): Raw => (isRecord(raw[key]) ? raw[key] : {});
const isEmptyList = (value: unknown): boolean => !Array.isArray(value) || value.length === 0;

const DENY_EVERYONE = { version: 1, rules: [] };

const pathOf = (path: readonly PropertyKey[]): string =>
  path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${String(key)}`))
    .join('');

/** One problem per field, in the words of the field's own schema; unknown keys one by one. */
const problemsOf = (issue: z.core.$ZodIssue): string[] => {
  const path = pathOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${pathOf([...issue.path, key])}: is not a known setting`);
  }
  if (issue.code === 'invalid_type' && issue.expected === 'object') return [`${path}: must be an object`];
  return [`${path}: ${issue.message}`];
};

/** The rules that tie one field to another, checked on the raw input so that they join every other defect. */
const crossFieldProblems = (raw: Raw): string[] => {
  const problems: string[] = [];
  const broker = recordAt(raw, 'broker');
  const target = recordAt(raw, 'target');
  const rollout = recordAt(raw, 'rollout');
  const hasOrganization = raw.organizationId !== undefined;
  if (!hasOrganization && isEmptyList(raw.targetAccountIds)) {
    problems.push(
      'targetAccountIds: list the target accounts, or give organizationId: the broker must not reach every account',
    );
  }
  const functionName = typeof broker.functionName === 'string' ? broker.functionName : 'getSTScreds';
  if (broker.functionUrl === true && urlFunctionNameOf(functionName).length > 64) {
    problems.push(
      `broker.functionName: may have at most 60 characters with functionUrl: the URL takes a function of its own, ${urlFunctionNameOf('<functionName>')}`,
    );
  }
  if (recordAt(broker, 'invokers').kind === 'organization' && !hasOrganization) {
    problems.push('broker.invokers.kind: "organization" needs organizationId');
  }
  if (broker.accessPolicy !== undefined && broker.accessPolicyFile !== undefined) {
    problems.push('broker.accessPolicyFile: give accessPolicy or accessPolicyFile, not both');
  }
  const preset = target.managedPolicyPreset ?? 'seed';
  if (preset === 'custom' && isEmptyList(target.customManagedPolicies)) {
    problems.push('target.customManagedPolicies: the custom preset needs at least one policy');
  }
  if (typeof preset === 'string' && preset !== 'custom' && !isEmptyList(target.customManagedPolicies)) {
    problems.push(`target.customManagedPolicies: is only read with the custom preset, not "${preset}"`);
  }
  if (rollout.accountId !== undefined && isEmptyList(rollout.organizationalUnitIds)) {
    problems.push('rollout.organizationalUnitIds: must name at least one OU or the root to roll out to');
  }
  if (rollout.regions !== undefined) problems.push('rollout.regions: IAM is global: give one region');
  if (rollout.accountId !== undefined && !hasOrganization) {
    problems.push(
      'rollout.accountId: a service-managed StackSet rolls out to an organization: give organizationId',
    );
  }
  return problems;
};

const readAccessPolicy = (file: string, baseDir: string, problems: string[]): unknown => {
  try {
    return JSON.parse(readFileSync(isAbsolute(file) ? file : join(baseDir, file), 'utf8'));
  } catch (error) {
    problems.push(`broker.accessPolicyFile: cannot be read as JSON (${(error as Error).message})`);
    return DENY_EVERYONE;
  }
};

const partitionOfRegion = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

/**
 * Reads and checks the app's configuration, usually the `stscreds` key of cdk.json's
 * context, and fills in every default. All defects are reported at once.
 *
 * @throws {InfraConfigError} listing each field at fault.
 * @example
 * const config = readInfraConfig(app.node.tryGetContext('stscreds'), { baseDir: process.cwd() });
 */
export function readInfraConfig(raw: unknown, options: ReadInfraConfigOptions = {}): StsCredsInfraConfig {
  if (!isRecord(raw)) throw new InfraConfigError(['stscreds: must be an object']);
  const parsed = infraConfigSchema.safeParse(raw);
  const problems = [...(parsed.error?.issues.flatMap(problemsOf) ?? []), ...crossFieldProblems(raw)];
  const file = recordAt(raw, 'broker').accessPolicyFile;
  const fromFile =
    typeof file === 'string' ? readAccessPolicy(file, options.baseDir ?? process.cwd(), problems) : undefined;
  if (!parsed.success || problems.length > 0) throw new InfraConfigError([...new Set(problems)]);
  const { accessPolicyFile: _file, ...broker } = parsed.data.broker;
  const { organizationId, brokerAccountId } = parsed.data;
  // The function's own ARN: unique to this deployment, and known to whoever knows the function.
  const functionArn = `arn:${partitionOfRegion(broker.region)}:lambda:${broker.region}:${brokerAccountId}:function:${broker.functionName}`;
  return {
    ...parsed.data,
    broker: {
      ...broker,
      audience: broker.audience ?? functionArn,
      invokers: broker.invokers ?? (organizationId ? { kind: 'organization' } : { kind: 'none' }),
      accessPolicy: fromFile ?? broker.accessPolicy ?? DENY_EVERYONE,
    },
    rollout: { ...parsed.data.rollout, region: parsed.data.rollout.region ?? broker.region },
  };
}
