import { StsCredsValidationError } from './errors.ts';

/** A Lambda function ARN, perhaps with a version or alias, which is not part of the broker's identity. */
const FUNCTION_ARN =
  /^(arn:aws(?:-cn|-us-gov)?:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64})(?::[A-Za-z0-9$_-]{1,128})?$/;

export interface ResolveAudienceOptions {
  /** The audience asked for explicitly. */
  readonly audience?: string | undefined;
  /** The broker function, by name or ARN. */
  readonly functionName: string;
  /** Where `STSCREDS_AUDIENCE` is read. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The audience an identity proof is signed for: the one given, else `STSCREDS_AUDIENCE`,
 * else the broker's function ARN when the function is named by ARN, which is what a broker
 * deployed with the stscreds CDK app expects by default. There is no shared default: a proof
 * for one broker must not be accepted by another.
 *
 * @throws {StsCredsValidationError} when none of these names the audience.
 * @example
 * resolveAudience({ functionName: 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds:live' });
 * // 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds'
 */
export function resolveAudience(options: ResolveAudienceOptions): string {
  const given = options.audience ?? (options.env ?? process.env).STSCREDS_AUDIENCE;
  if (given) return given;
  const fromArn = FUNCTION_ARN.exec(options.functionName)?.[1];
  if (fromArn) return fromArn;
  throw new StsCredsValidationError(
    "The broker's audience is unknown: set audience (--audience, STSCREDS_AUDIENCE) to the broker's STSCREDS_AUDIENCE, or name the function by its ARN, which is the audience by default",
  );
}
