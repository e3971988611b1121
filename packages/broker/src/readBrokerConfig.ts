import { z } from 'zod';
import { DEFAULT_ROLE_NAME } from './contract.ts';

/** What the broker reads from its environment, once, at cold start. */
export interface BrokerConfig {
  /** The function's region; STS is called at this region's endpoint. */
  readonly region: string;
  /** The ARN partition of that region: `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The target role assumed when a request names none. */
  readonly defaultRoleName: string;
}

const envSchema = z.object({
  AWS_REGION: z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d$/, 'must be an AWS region such as us-west-2'),
  STSCREDS_DEFAULT_ROLE_NAME: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
    .default(DEFAULT_ROLE_NAME),
});

const partitionOf = (region: string): string => {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
};

/** Raised at cold start when the environment cannot run the broker. */
export class BrokerConfigError extends Error {
  override readonly name = 'BrokerConfigError';
}

/**
 * Reads and checks the broker's environment. It fails fast: a broker that cannot know
 * its region must not start.
 *
 * @example
 * const config = readBrokerConfig(process.env); // { region: 'us-west-2', partition: 'aws', … }
 */
export function readBrokerConfig(env: NodeJS.ProcessEnv): BrokerConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new BrokerConfigError(`The broker's environment is incomplete: ${problems.join('; ')}`);
  }
  const { AWS_REGION: region, STSCREDS_DEFAULT_ROLE_NAME: defaultRoleName } = result.data;
  return { region, partition: partitionOf(region), defaultRoleName };
}
