import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  ACCOUNT_ID_PATTERN,
  MANAGED_POLICY_PRESETS,
  type ManagedPolicyPreset,
  ORGANIZATION_ID_PATTERN,
  ROLE_NAME_PATTERN,
  urlFunctionNameOf,
} from '@stscreds/iam';
import type {
  BrokerInvokers,
  BrokerSettings,
  RolloutSettings,
  StsCredsInfraConfig,
  TargetSettings,
} from './config.ts';

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

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
const OU_ID = /^(?:ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const PRINCIPAL_ARN = /^arn:[\w-]+:(?:iam|sts)::[0-9]{12}:[\w+=,.@/:-]+$/;
const FUNCTION_NAME = /^[\w-]{1,64}$/;
const PARAMETER_NAME = /^\/[\w./-]{1,1010}$/;
const STACK_SET_NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,127}$/;
const AUDIENCE = /^[\x21-\x7e]{1,256}$/;
const TOPIC_ARN = /^arn:[\w-]+:sns:[a-z0-9-]+:[0-9]{12}:[\w-]{1,256}$/;
/** The retention periods CloudWatch Logs accepts. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

type Raw = Record<string, unknown>;
const isRecord = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads one section of the raw config, recording each defect instead of stopping at the first. */
class Reader {
  constructor(
    private readonly raw: Raw,
    private readonly path: string,
    private readonly problems: string[],
  ) {}

  private problem(key: string, message: string): void {
    this.problems.push(`${this.path}${key}: ${message}`);
  }

  string<T extends string = string>(key: string, fallback: T, pattern?: RegExp, hint?: string): T;
  string(key: string, fallback: undefined, pattern?: RegExp, hint?: string): string | undefined;
  string(key: string, fallback: string | undefined, pattern?: RegExp, hint = 'is malformed') {
    const value = this.raw[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string') {
      this.problem(key, 'must be a string');
      return fallback;
    }
    if (pattern && !pattern.test(value)) this.problem(key, hint);
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw[key];
    if (value === undefined) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(key, `must be one of ${allowed.join(', ')}`);
    return fallback;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.problem(key, 'must be true or false');
    return typeof value === 'boolean' ? value : fallback;
  }

  integer(key: string, fallback: number | undefined, min: number, max: number): number | undefined {
    const value = this.raw[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problem(key, `must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  strings(key: string, pattern: RegExp, hint: string): string[] {
    const value = this.raw[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      this.problem(key, 'must be a list of strings');
      return [];
    }
    value.forEach((item, index) => {
      if (!pattern.test(item)) this.problem(`${key}[${index}]`, `"${item}" ${hint}`);
    });
    return value;
  }

  section(key: string): Reader {
    const value = this.raw[key];
    if (value !== undefined && !isRecord(value)) this.problem(key, 'must be an object');
    return new Reader(isRecord(value) ? value : {}, `${this.path}${key}.`, this.problems);
  }

  value(key: string): unknown {
    return this.raw[key];
  }

  unknownKeys(known: readonly string[]): void {
    for (const key of Object.keys(this.raw)) {
      if (!known.includes(key)) this.problem(key, 'is not a known setting');
    }
  }

  fail(key: string, message: string): void {
    this.problem(key, message);
  }
}

const DENY_EVERYONE = { version: 1, rules: [] };

const readInvokers = (broker: Reader, organizationId: string | undefined): BrokerInvokers => {
  const raw = broker.value('invokers');
  if (raw === undefined) return organizationId ? { kind: 'organization' } : { kind: 'none' };
  const invokers = broker.section('invokers');
  const kind = invokers.oneOf('kind', ['organization', 'principals', 'none'] as const, 'none');
  invokers.unknownKeys(kind === 'principals' ? ['kind', 'principals'] : ['kind']);
  if (kind === 'organization' && !organizationId) {
    broker.fail('invokers.kind', '"organization" needs organizationId');
  }
  if (kind !== 'principals') return { kind };
  const principals = invokers.strings(
    'principals',
    new RegExp(`${PRINCIPAL_ARN.source}|${ACCOUNT_ID_PATTERN.source}`),
    'is neither a principal ARN nor an account id',
  );
  if (principals.length === 0) broker.fail('invokers.principals', 'must list at least one principal');
  return { kind, principals };
};

const readAccessPolicy = (broker: Reader, baseDir: string): unknown => {
  const inline = broker.value('accessPolicy');
  const file = broker.string('accessPolicyFile', undefined);
  if (inline !== undefined && file !== undefined) {
    broker.fail('accessPolicyFile', 'give accessPolicy or accessPolicyFile, not both');
  }
  if (file === undefined) return inline ?? DENY_EVERYONE;
  try {
    return JSON.parse(readFileSync(isAbsolute(file) ? file : join(baseDir, file), 'utf8'));
  } catch (error) {
    broker.fail('accessPolicyFile', `cannot be read as JSON (${(error as Error).message})`);
    return DENY_EVERYONE;
  }
};

const partitionOfRegion = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

const readBroker = (
  root: Reader,
  brokerAccountId: string,
  organizationId: string | undefined,
  baseDir: string,
): BrokerSettings => {
  const broker = root.section('broker');
  broker.unknownKeys([
    'region',
    'functionName',
    'roleName',
    'importRole',
    'audience',
    'invokers',
    'functionUrl',
    'reservedConcurrency',
    'memorySize',
    'logRetentionDays',
    'accessPolicyParameterName',
    'accessPolicy',
    'accessPolicyFile',
    'accessPolicyMaxAgeSeconds',
    'deniedSpikeThreshold',
    'alarmTopicArn',
  ]);
  const logRetentionDays = broker.integer('logRetentionDays', 365, 1, 3653) ?? 365;
  if (!RETENTION_DAYS.includes(logRetentionDays)) {
    broker.fail('logRetentionDays', `must be one of ${RETENTION_DAYS.join(', ')}`);
  }
  const region = broker.string('region', 'us-west-2', REGION, 'is not a region such as us-west-2');
  const functionName = broker.string('functionName', 'getSTScreds', FUNCTION_NAME, 'is not a function name');
  const functionUrl = broker.boolean('functionUrl', false);
  if (functionUrl && urlFunctionNameOf(functionName).length > 64) {
    broker.fail(
      'functionName',
      `may have at most 60 characters with functionUrl: the URL takes a function of its own, ${urlFunctionNameOf('<functionName>')}`,
    );
  }
  // The function's own ARN: unique to this deployment, and known to whoever knows the function.
  const functionArn = `arn:${partitionOfRegion(region)}:lambda:${region}:${brokerAccountId}:function:${functionName}`;
  return {
    region,
    functionName,
    roleName: broker.string('roleName', 'stscreds-broker', ROLE_NAME_PATTERN, 'is not an IAM role name'),
    importRole: broker.boolean('importRole', false),
    audience: broker.string('audience', functionArn, AUDIENCE, 'must be 1-256 printable ASCII characters'),
    invokers: readInvokers(broker, organizationId),
    functionUrl,
    reservedConcurrency: broker.integer('reservedConcurrency', undefined, 1, 10_000),
    memorySize: broker.integer('memorySize', 256, 128, 10_240) ?? 256,
    logRetentionDays,
    accessPolicyParameterName: broker.string(
      'accessPolicyParameterName',
      '/stscreds/access-policy',
      PARAMETER_NAME,
      'is not an SSM parameter name such as /stscreds/access-policy',
    ),
    accessPolicy: readAccessPolicy(broker, baseDir),
    accessPolicyMaxAgeSeconds: broker.integer('accessPolicyMaxAgeSeconds', 300, 0, 86_400) ?? 300,
    deniedSpikeThreshold: broker.integer('deniedSpikeThreshold', 25, 1, 1_000_000) ?? 25,
    alarmTopicArn: broker.string('alarmTopicArn', undefined, TOPIC_ARN, 'is not an SNS topic ARN'),
  };
};

const readTarget = (root: Reader): TargetSettings => {
  const target = root.section('target');
  target.unknownKeys([
    'roleName',
    'managedPolicyPreset',
    'customManagedPolicies',
    'requireSourceIdentity',
    'trustLambdaService',
  ]);
  const managedPolicyPreset = target.oneOf<ManagedPolicyPreset>(
    'managedPolicyPreset',
    MANAGED_POLICY_PRESETS,
    'seed',
  );
  const customManagedPolicies = target.strings(
    'customManagedPolicies',
    /^(?:arn:[\w-]+:iam::(?:aws|[0-9]{12}):policy\/)?(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/,
    'is neither a managed policy name nor a policy ARN',
  );
  if (managedPolicyPreset === 'custom' && customManagedPolicies.length === 0) {
    target.fail('customManagedPolicies', 'the custom preset needs at least one policy');
  }
  if (managedPolicyPreset !== 'custom' && customManagedPolicies.length > 0) {
    target.fail('customManagedPolicies', `is only read with the custom preset, not "${managedPolicyPreset}"`);
  }
  return {
    roleName: target.string('roleName', 'lambda_sts', ROLE_NAME_PATTERN, 'is not an IAM role name'),
    managedPolicyPreset,
    customManagedPolicies,
    requireSourceIdentity: target.boolean('requireSourceIdentity', false),
    trustLambdaService: target.boolean('trustLambdaService', false),
  };
};

const readRollout = (root: Reader, brokerRegion: string): RolloutSettings => {
  const rollout = root.section('rollout');
  rollout.unknownKeys([
    'accountId',
    'callAs',
    'organizationalUnitIds',
    'excludeAccountIds',
    'region',
    'stackSetName',
  ]);
  const accountId = rollout.string(
    'accountId',
    undefined,
    ACCOUNT_ID_PATTERN,
    'is not a 12-digit account id',
  );
  const organizationalUnitIds = rollout.strings(
    'organizationalUnitIds',
    OU_ID,
    'is not an OU id (ou-…) or a root id (r-…)',
  );
  if (accountId !== undefined && organizationalUnitIds.length === 0) {
    rollout.fail('organizationalUnitIds', 'must name at least one OU or the root to roll out to');
  }
  if (rollout.value('regions') !== undefined) rollout.fail('regions', 'IAM is global: give one region');
  return {
    accountId,
    callAs: rollout.oneOf('callAs', ['SELF', 'DELEGATED_ADMIN'] as const, 'SELF'),
    organizationalUnitIds,
    excludeAccountIds: rollout.strings(
      'excludeAccountIds',
      ACCOUNT_ID_PATTERN,
      'is not a 12-digit account id',
    ),
    region: rollout.string('region', brokerRegion, REGION, 'is not a region such as us-west-2'),
    stackSetName: rollout.string(
      'stackSetName',
      'stscreds-target-role',
      STACK_SET_NAME,
      'is not a StackSet name',
    ),
  };
};

/**
 * Reads and checks the app's configuration, usually the `stscreds` key of cdk.json's
 * context, and fills in every default. All defects are reported at once.
 *
 * @throws {InfraConfigError} listing each field at fault.
 * @example
 * const config = readInfraConfig(app.node.tryGetContext('stscreds'), { baseDir: process.cwd() });
 */
export function readInfraConfig(raw: unknown, options: ReadInfraConfigOptions = {}): StsCredsInfraConfig {
  const problems: string[] = [];
  if (!isRecord(raw)) throw new InfraConfigError(['stscreds: must be an object']);
  const root = new Reader(raw, '', problems);
  root.unknownKeys(['brokerAccountId', 'organizationId', 'targetAccountIds', 'broker', 'target', 'rollout']);
  const brokerAccountId = root.string(
    'brokerAccountId',
    '',
    ACCOUNT_ID_PATTERN,
    'is not a 12-digit account id',
  );
  if (raw.brokerAccountId === undefined) root.fail('brokerAccountId', 'is required');
  const organizationId = root.string(
    'organizationId',
    undefined,
    ORGANIZATION_ID_PATTERN,
    'is not an organization id such as o-a1b2c3d4e5',
  );
  const targetAccountIds = root.strings(
    'targetAccountIds',
    ACCOUNT_ID_PATTERN,
    'is not a 12-digit account id',
  );
  if (organizationId === undefined && targetAccountIds.length === 0) {
    root.fail(
      'targetAccountIds',
      'list the target accounts, or give organizationId: the broker must not reach every account',
    );
  }
  const broker = readBroker(root, brokerAccountId, organizationId, options.baseDir ?? process.cwd());
  const target = readTarget(root);
  const rollout = readRollout(root, broker.region);
  if (rollout.accountId !== undefined && organizationId === undefined) {
    root.fail(
      'rollout.accountId',
      'a service-managed StackSet rolls out to an organization: give organizationId',
    );
  }
  if (problems.length > 0) throw new InfraConfigError(problems);
  return { brokerAccountId, organizationId, targetAccountIds, broker, target, rollout };
}
