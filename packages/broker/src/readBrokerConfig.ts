import { DEFAULT_ROLE_NAME } from '@stscreds/contract';
import { PARTITIONS, type Partition } from './identity/stsHostPattern.ts';
import type { AccessPolicySource } from './policy/loadAccessPolicy.ts';

/**
 * Which events the broker takes: direct Lambda invokes, or Function URL requests. Never both
 * in one function: a Function URL event is only a payload, so whoever may invoke the function
 * directly could write one naming any caller. Only IAM can keep such an invoker from a URL
 * function (`lambda:InvokedViaFunctionUrl`), and that needs a function of its own.
 */
export type BrokerEntry = 'invoke' | 'url';

/** What the broker reads from its environment, once, at cold start. */
export type BrokerConfig = BrokerSettings & ProofSettings;

interface BrokerSettings {
  /** The function's region; STS is called at this region's endpoint. */
  readonly region: string;
  /** The ARN partition of that region: `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: Partition;
  /** The partitions whose STS may verify identity proofs: the broker's own unless configured. */
  readonly proofPartitions: readonly Partition[];
  /**
   * The broker's own account (`STSCREDS_BROKER_ACCOUNT_ID`), whose callers the access policy
   * always trusts. Unset, only the policy's `trustedCallerAccounts` are trusted.
   */
  readonly accountId?: string | undefined;
  /** The target role assumed when a request names none. */
  readonly defaultRoleName: string;
  /** STS origins trusted besides the genuine endpoints, such as a local moto. Dev and tests only. */
  readonly extraStsOrigins: readonly string[];
  readonly policySource: AccessPolicySource;
  readonly cache: {
    /** The most credentials (and, apart, verified proofs) kept per container. */
    readonly maxEntries: number;
    /** Cached credentials are served only while this much of their life remains. */
    readonly minRemainingMs: number;
  };
}

/** The entry, and what checking identity proofs needs: only a broker of direct invokes checks them. */
type ProofSettings =
  | {
      readonly entry: 'invoke';
      /**
       * The value an identity proof's signed `x-stscreds-audience` header must carry: unique to
       * this deployment, such as the function's ARN, so that a proof for another broker is refused.
       */
      readonly audience: string;
    }
  | {
      /** Lambda names the caller of a Function URL request; this broker checks no proof. */
      readonly entry: 'url';
      /** Read when set, and unused: a URL broker checks no proof. */
      readonly audience?: string | undefined;
    };

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

const isOrigin = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.origin === value && (url.protocol === 'http:' || url.protocol === 'https:');
  } catch {
    return false;
  }
};

const partitionOf = (region: string): Partition => {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
};

/** Raised at cold start when the environment cannot run the broker. */
export class BrokerConfigError extends Error {
  override readonly name = 'BrokerConfigError';
}

/**
 * Reads variables one by one, each checked as it is read, and keeps every problem, so that one
 * error names each variable at fault. Environment values are only ever strings: each reader
 * says what an unset variable means (a default, absent, or a problem) and checks the rest,
 * the empty string included.
 */
const envReader = (env: NodeJS.ProcessEnv) => {
  const problems: string[] = [];
  const fail = (name: string, message: string): undefined => {
    problems.push(`${name} ${message}`);
    return undefined;
  };
  const optional = (name: string, valid: (value: string) => boolean, message: string): string | undefined => {
    const value = env[name];
    return value === undefined || valid(value) ? value : fail(name, message);
  };
  const required = (name: string, valid: (value: string) => boolean, message: string, unset = message) =>
    env[name] === undefined ? fail(name, unset) : optional(name, valid, message);
  const matching = (pattern: RegExp) => (value: string) => pattern.test(value);
  /** A comma-separated list, each part trimmed and the empty ones dropped, checked as a whole. */
  const list = (name: string, valid: (list: string[]) => boolean, message: string): string[] | undefined => {
    const value = env[name];
    if (value === undefined) return undefined;
    const parts = value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    return valid(parts) ? parts : fail(name, message);
  };
  /** A whole number, in decimal digits and within what the code can take. */
  const count = (name: string, min: number, max: number, fallback: number): number | undefined => {
    const value = env[name];
    if (value === undefined) return fallback;
    if (!/^[0-9]{1,9}$/.test(value)) return fail(name, 'must be a whole number in decimal digits');
    const number = Number(value);
    if (number < min) return fail(name, `must be at least ${min}`);
    if (number > max) return fail(name, `must be at most ${max}`);
    return number;
  };
  return { problems, optional, required, matching, list, count };
};

const policySourceOf = (
  inline: string | undefined,
  path: string | undefined,
  parameter: string | undefined,
  maxAgeSeconds: number,
): AccessPolicySource => {
  const sources: AccessPolicySource[] = [];
  if (inline) sources.push({ kind: 'inline', json: inline });
  if (path) sources.push({ kind: 'file', path });
  if (parameter) sources.push({ kind: 'ssm', name: parameter, maxAgeSeconds });
  const [source, ...others] = sources;
  if (!source || others.length > 0) {
    throw new BrokerConfigError(
      'The broker needs exactly one access policy: STSCREDS_ACCESS_POLICY (inline JSON), STSCREDS_ACCESS_POLICY_FILE or STSCREDS_ACCESS_POLICY_SSM_PARAMETER',
    );
  }
  return source;
};

/**
 * Reads and checks the broker's environment. It fails fast: a broker that cannot know its
 * region or its access policy must not issue anything.
 *
 * @throws {BrokerConfigError} naming each variable at fault.
 * @example
 * const config = readBrokerConfig(process.env); // { region: 'us-west-2', partition: 'aws', … }
 */
export function readBrokerConfig(env: NodeJS.ProcessEnv): BrokerConfig {
  const { problems, optional, required, matching, list, count } = envReader(env);
  const region = required(
    'AWS_REGION',
    matching(/^[a-z]{2}(?:-[a-z]+)+-\d$/),
    'must be an AWS region such as us-west-2',
  );
  const accountId = optional(
    'STSCREDS_BROKER_ACCOUNT_ID',
    matching(/^[0-9]{12}$/),
    'must be a 12-digit account id',
  );
  const defaultRoleName =
    optional('STSCREDS_DEFAULT_ROLE_NAME', matching(ROLE_NAME), 'must be an IAM role name') ??
    DEFAULT_ROLE_NAME;
  const proofPartitions = list(
    'STSCREDS_PROOF_PARTITIONS',
    (parts) => parts.length > 0 && parts.every((part) => (PARTITIONS as readonly string[]).includes(part)),
    `must list partitions among ${PARTITIONS.join(', ')}, comma-separated`,
  ) as Partition[] | undefined;
  const extraStsOrigins =
    list(
      'STSCREDS_EXTRA_STS_ORIGINS',
      (parts) => parts.every(isOrigin),
      'must list origins such as http://127.0.0.1:5000, comma-separated',
    ) ?? [];
  const entry = (optional(
    'STSCREDS_ENTRY',
    (value) => value === 'invoke' || value === 'url',
    'must be invoke or url: one function takes one entry',
  ) ?? 'invoke') as BrokerEntry;
  const audienceOf = entry === 'url' ? optional : required;
  // No default: a default would be shared by every deployment, and a proof for one broker
  // would then be accepted by all of them. A URL broker checks no proof, and needs none.
  const audience = audienceOf(
    'STSCREDS_AUDIENCE',
    matching(/^[\x21-\x7e]{1,256}$/),
    'must be 1-256 printable ASCII characters',
    'must be set to a value unique to this deployment, such as the function ARN',
  );
  const proofs: ProofSettings | undefined =
    entry === 'url'
      ? { entry, ...(audience !== undefined && { audience }) }
      : audience === undefined
        ? undefined
        : { entry, audience };
  const nonEmpty = (value: string) => value.length > 0;
  const inline = optional('STSCREDS_ACCESS_POLICY', nonEmpty, 'must not be empty');
  const path = optional('STSCREDS_ACCESS_POLICY_FILE', nonEmpty, 'must not be empty');
  const parameter = optional(
    'STSCREDS_ACCESS_POLICY_SSM_PARAMETER',
    matching(/^[\w./-]{1,2048}$/),
    'must be an SSM parameter name',
  );
  const maxAgeSeconds = count('STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS', 0, 86_400, 300);
  // An LRU cache must hold at least one entry.
  const maxEntries = count('STSCREDS_CACHE_MAX_ENTRIES', 1, 1_000_000, 10_000);
  // The AWS CLI runs credential_process again once less than 15 minutes remain: serve no less.
  const minRemainingSeconds = count('STSCREDS_CACHE_MIN_REMAINING_SECONDS', 0, 3600, 900);
  if (
    problems.length > 0 ||
    region === undefined ||
    proofs === undefined ||
    maxAgeSeconds === undefined ||
    maxEntries === undefined ||
    minRemainingSeconds === undefined
  ) {
    throw new BrokerConfigError(`The broker's environment is incomplete: ${problems.join('; ')}`);
  }
  const partition = partitionOf(region);
  return {
    region,
    partition,
    proofPartitions: proofPartitions ?? [partition],
    ...(accountId && { accountId }),
    defaultRoleName,
    extraStsOrigins,
    ...proofs,
    policySource: policySourceOf(inline, path, parameter, maxAgeSeconds),
    cache: { maxEntries, minRemainingMs: minRemainingSeconds * 1000 },
  };
}
