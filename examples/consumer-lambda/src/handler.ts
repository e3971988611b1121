/**
 * A consumer of the broker: a Lambda function in the DevOps account that works in another
 * account. Its execution role needs `lambda:InvokeFunction` on getSTScreds, and the broker's
 * access policy must allow that role to reach TARGET_ACCOUNT. STSCREDS_AUDIENCE names the
 * broker its identity proofs are for: the broker's function ARN, unless its operator chose
 * another audience.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { fromStsCreds } from '@stscreds/client';
import { listTargetBuckets } from './listTargetBuckets.ts';

const target = process.env.TARGET_ACCOUNT;
if (!target) throw new Error('TARGET_ACCOUNT must name the account id or alias to work in');

// Made once per container: the provider refreshes the credentials before they expire.
const s3 = new S3Client({
  region: process.env.AWS_REGION,
  credentials: fromStsCreds({ accountId: target, sessionName: process.env.AWS_LAMBDA_FUNCTION_NAME }),
});

export const handler = async (): Promise<{ buckets: string[] }> => listTargetBuckets(s3);
