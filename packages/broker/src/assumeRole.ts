import { AssumeRoleCommand, type AssumeRoleCommandOutput, type STSClient } from '@aws-sdk/client-sts';
import { UpstreamError } from './errors.ts';
import { mapStsError } from './mapStsError.ts';

export interface AssumeRoleInput {
  readonly partition: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
  readonly policy?: string | undefined;
  readonly policyArns?: readonly string[] | undefined;
  /** The verified caller; needs `sts:SetSourceIdentity` in the target role's trust policy. */
  readonly sourceIdentity?: string | undefined;
  /** Session tags; need `sts:TagSession` in the target role's trust policy. */
  readonly tags?: readonly { readonly Key: string; readonly Value: string }[] | undefined;
}

/** Credentials that STS issued, with where they lead. */
export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly accountId: string;
  readonly assumedRoleArn: string;
}

/** `arn:aws:sts::222222222222:assumed-role/lambda_sts/build-42` → `222222222222`. */
const accountOf = (arn: string): string | undefined =>
  /^arn:[\w-]+:sts::([0-9]{12}):assumed-role\//.exec(arn)?.[1];

/**
 * Calls STS AssumeRole for a target role and checks that what comes back is complete and
 * leads to the account that was asked for.
 *
 * @throws {BrokerError} mapped from the STS failure (see {@link mapStsError}).
 * @example
 * const issued = await assumeRole(sts, { partition: 'aws', accountId: '222222222222',
 *   roleName: 'lambda_sts', sessionName: 'build-42', durationSeconds: 3600 });
 */
export async function assumeRole(
  sts: STSClient,
  input: AssumeRoleInput,
  abortSignal?: AbortSignal,
): Promise<IssuedCredentials> {
  const roleArn = `arn:${input.partition}:iam::${input.accountId}:role/${input.roleName}`;
  let output: AssumeRoleCommandOutput;
  try {
    output = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: input.sessionName,
        DurationSeconds: input.durationSeconds,
        Policy: input.policy,
        PolicyArns: input.policyArns?.length ? input.policyArns.map((arn) => ({ arn })) : undefined,
        SourceIdentity: input.sourceIdentity,
        Tags: input.tags?.length ? input.tags.map((tag) => ({ ...tag })) : undefined,
      }),
      abortSignal ? { abortSignal } : {},
    );
  } catch (error) {
    throw mapStsError(error, roleArn);
  }
  const { Credentials: credentials, AssumedRoleUser: user } = output;
  if (
    !credentials?.AccessKeyId ||
    !credentials.SecretAccessKey ||
    !credentials.SessionToken ||
    !(credentials.Expiration instanceof Date) ||
    Number.isNaN(credentials.Expiration.getTime()) ||
    !user?.Arn
  ) {
    throw new UpstreamError('STS answered AssumeRole without complete credentials');
  }
  const assumedAccount = accountOf(user.Arn);
  if (assumedAccount !== input.accountId) {
    throw new UpstreamError(`STS answered AssumeRole for ${roleArn} with a session in another account`);
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: credentials.Expiration,
    accountId: assumedAccount,
    assumedRoleArn: user.Arn,
  };
}
