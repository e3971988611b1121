import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface BrokerAssumerOptions {
  /** A session of the broker's execution role. */
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly region: string;
  /** An STS endpoint such as a local moto. @default - the SDK's */
  readonly endpoint?: string | undefined;
}

/** What the attempt leaves in the target's CloudTrail: who tried, and why. */
const DOCTOR_IDENTITY = 'stscreds-doctor';

/**
 * Makes the assume check of doctor: AssumeRole as the broker does it, with a SourceIdentity
 * and a session tag (so that `sts:SetSourceIdentity` and `sts:TagSession` are tried too), for
 * the shortest duration. The credentials are dropped unread.
 *
 * @example
 * const assume = createBrokerAssumer({ credentials: fromIni({ profile: 'broker' }), region: 'us-west-2' });
 * await assume('arn:aws:iam::222222222222:role/lambda_sts'); // rejects with AccessDenied when the trust is broken
 */
export function createBrokerAssumer(options: BrokerAssumerOptions): (roleArn: string) => Promise<void> {
  const sts = new STSClient({
    region: options.region,
    credentials: options.credentials,
    ...(options.endpoint && { endpoint: options.endpoint }),
  });
  return async (roleArn) => {
    await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: DOCTOR_IDENTITY,
        SourceIdentity: DOCTOR_IDENTITY,
        Tags: [{ Key: 'stscreds:caller', Value: DOCTOR_IDENTITY }],
        DurationSeconds: 900,
      }),
    );
  };
}
