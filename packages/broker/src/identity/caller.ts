/** Who is asking, as the broker knows it after verification. */
export interface Caller {
  /** The ARN STS or Lambda reported, such as `arn:aws:sts::111111111111:assumed-role/ci/build-42`. */
  readonly arn: string;
  /**
   * The ARN the access policy matches: an `assumed-role/R/session` ARN becomes the role R
   * (`arn:aws:iam::111111111111:role/ci`); any other ARN is itself.
   */
  readonly principalArn: string;
  readonly accountId: string;
  /** For a role session, the session name; kept for attribution. */
  readonly sessionName?: string;
  /** How the broker learned the caller. */
  readonly verifiedBy: 'identity-proof' | 'function-url';
}

const ASSUMED_ROLE =
  /^arn:(aws|aws-cn|aws-us-gov):sts::([0-9]{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{1,64})$/;
const OTHER_PRINCIPAL =
  /^arn:(aws|aws-cn|aws-us-gov):(?:iam::([0-9]{12}):(?:root|user\/[\w+=,.@/-]{1,576}|role\/[\w+=,.@/-]{1,576})|sts::([0-9]{12}):federated-user\/[\w+=,.@-]{2,32})$/;

/**
 * Normalises a verified ARN into a {@link Caller}, or answers undefined when the ARN is not
 * one AWS would report for an account, or names an account other than `accountId`.
 *
 * @example
 * toCaller('arn:aws:sts::111111111111:assumed-role/ci/build-42', '111111111111', 'identity-proof');
 * // { principalArn: 'arn:aws:iam::111111111111:role/ci', sessionName: 'build-42', … }
 */
export function toCaller(
  arn: string,
  accountId: string,
  verifiedBy: Caller['verifiedBy'],
): Caller | undefined {
  const session = ASSUMED_ROLE.exec(arn);
  if (session) {
    const [, partition, account, role, name] = session;
    if (account !== accountId || !name) return undefined;
    return {
      arn,
      principalArn: `arn:${partition}:iam::${account}:role/${role}`,
      accountId,
      sessionName: name,
      verifiedBy,
    };
  }
  const other = OTHER_PRINCIPAL.exec(arn);
  if (!other || (other[2] ?? other[3]) !== accountId) return undefined;
  return { arn, principalArn: arn, accountId, verifiedBy };
}
