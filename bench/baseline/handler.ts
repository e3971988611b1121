/**
 * The baseline the broker is measured against: a handler that only calls AssumeRole with
 * the same SDK, and nothing else a broker needs.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

const sts = new STSClient({ region: process.env.AWS_REGION });

export const handler = async (event: { accountId: string }) => {
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${event.accountId}:role/lambda_sts`,
      RoleSessionName: 'baseline',
    }),
  );
  return Credentials;
};
