import { DEFAULT_ROLE_NAME } from '@stscreds/contract';
import * as z from 'zod/mini';
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
export interface BrokerConfig {
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
  /**
   * The value an identity proof's signed `x-stscreds-audience` header must carry: unique to
   * this deployment, such as the function's ARN, so that a proof for another broker is refused.
   */
  readonly audience: string;
  /** STS origins trusted besides the genuine endpoints, such as a local moto. Dev and tests only. */
  readonly extraStsOrigins: readonly string[];
  readonly entry: BrokerEntry;
  readonly policySource: AccessPolicySource;
  readonly cache: {
    /** The most credentials (and, apart, verified proofs) kept per container. */
    readonly maxEntries: number;
    /** Cached credentials are served only while this much of their life remains. */
    readonly minRemainingMs: number;
  };
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

const isOrigin = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.origin === value && (url.protocol === 'http:' || url.protocol === 'https:');
  } catch {
    return false;
  }
};

/** A comma-separated list from the environment, each part trimmed, checked as a whole. */
const commaList = (valid: (list: string[]) => boolean, message: string) =>
  z
    .pipe(
      z.string(),
      z.transform((text) =>
        text
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      ),
    )
    .check(z.refine(valid, message));

const origins = commaList(
  (list) => list.every(isOrigin),
  'must list origins such as http://127.0.0.1:5000, comma-separated',
);

/** A whole number from the environment, in decimal digits and within what the code can take. */
const count = (min: number, max: number, fallback: number) =>
  z._default(
    z.pipe(
      z.string().check(z.regex(/^[0-9]{1,9}$/, 'must be a whole number in decimal digits')),
      z.pipe(
        z.transform(Number),
        z.number().check(z.minimum(min, `must be at least ${min}`), z.maximum(max, `must be at most ${max}`)),
      ),
    ),
    fallback,
  );

const partitions = commaList(
  (list) => list.length > 0 && list.every((part) => (PARTITIONS as readonly string[]).includes(part)),
  `must list partitions among ${PARTITIONS.join(', ')}, comma-separated`,
);

const envSchema = z.object({
  AWS_REGION: z
    .string()
    .check(z.regex(/^[a-z]{2}(?:-[a-z]+)+-\d$/, 'must be an AWS region such as us-west-2')),
  STSCREDS_BROKER_ACCOUNT_ID: z.optional(
    z.string().check(z.regex(/^[0-9]{12}$/, 'must be a 12-digit account id')),
  ),
  STSCREDS_DEFAULT_ROLE_NAME: z._default(
    z.string().check(z.regex(ROLE_NAME, 'must be an IAM role name')),
    DEFAULT_ROLE_NAME,
  ),
  // No default: a default would be shared by every deployment, and a proof for one broker
  // would then be accepted by all of them.
  STSCREDS_AUDIENCE: z
    .string({ error: 'must be set to a value unique to this deployment, such as the function ARN' })
    .check(z.regex(/^[\x21-\x7e]{1,256}$/, 'must be 1-256 printable ASCII characters')),
  STSCREDS_PROOF_PARTITIONS: z.optional(partitions),
  STSCREDS_EXTRA_STS_ORIGINS: z._default(origins, []),
  STSCREDS_ENTRY: z._default(
    z.enum(['invoke', 'url'], 'must be invoke or url: one function takes one entry'),
    'invoke',
  ),
  STSCREDS_ACCESS_POLICY: z.optional(z.string().check(z.minLength(1))),
  STSCREDS_ACCESS_POLICY_FILE: z.optional(z.string().check(z.minLength(1))),
  STSCREDS_ACCESS_POLICY_SSM_PARAMETER: z.optional(
    z.string().check(z.regex(/^[\w./-]{1,2048}$/, 'must be an SSM parameter name')),
  ),
  STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS: count(0, 86_400, 300),
  // An LRU cache must hold at least one entry.
  STSCREDS_CACHE_MAX_ENTRIES: count(1, 1_000_000, 10_000),
  // The AWS CLI runs credential_process again once less than 15 minutes remain: serve no less.
  STSCREDS_CACHE_MIN_REMAINING_SECONDS: count(0, 3600, 900),
});

const partitionOf = (region: string): Partition => {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
};

/** Raised at cold start when the environment cannot run the broker. */
export class BrokerConfigError extends Error {
  override readonly name = 'BrokerConfigError';
}

const policySourceOf = (env: z.output<typeof envSchema>): AccessPolicySource => {
  const sources: AccessPolicySource[] = [];
  if (env.STSCREDS_ACCESS_POLICY) sources.push({ kind: 'inline', json: env.STSCREDS_ACCESS_POLICY });
  if (env.STSCREDS_ACCESS_POLICY_FILE) sources.push({ kind: 'file', path: env.STSCREDS_ACCESS_POLICY_FILE });
  if (env.STSCREDS_ACCESS_POLICY_SSM_PARAMETER) {
    sources.push({
      kind: 'ssm',
      name: env.STSCREDS_ACCESS_POLICY_SSM_PARAMETER,
      maxAgeSeconds: env.STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS,
    });
  }
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
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new BrokerConfigError(`The broker's environment is incomplete: ${problems.join('; ')}`);
  }
  const parsed = result.data;
  const partition = partitionOf(parsed.AWS_REGION);
  return {
    region: parsed.AWS_REGION,
    partition,
    proofPartitions: (parsed.STSCREDS_PROOF_PARTITIONS as Partition[] | undefined) ?? [partition],
    ...(parsed.STSCREDS_BROKER_ACCOUNT_ID && { accountId: parsed.STSCREDS_BROKER_ACCOUNT_ID }),
    defaultRoleName: parsed.STSCREDS_DEFAULT_ROLE_NAME,
    audience: parsed.STSCREDS_AUDIENCE,
    extraStsOrigins: parsed.STSCREDS_EXTRA_STS_ORIGINS,
    entry: parsed.STSCREDS_ENTRY,
    policySource: policySourceOf(parsed),
    cache: {
      maxEntries: parsed.STSCREDS_CACHE_MAX_ENTRIES,
      minRemainingMs: parsed.STSCREDS_CACHE_MIN_REMAINING_SECONDS * 1000,
    },
  };
}
