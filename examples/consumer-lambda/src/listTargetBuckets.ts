import { ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * The function's work: the names of the target account's buckets. The S3 client it gets
 * already carries the target account's credentials.
 *
 * @example
 * await listTargetBuckets(new S3Client({ credentials: fromStsCreds({ accountId: 'prod' }) }));
 */
export async function listTargetBuckets(s3: S3Client): Promise<{ buckets: string[] }> {
  const { Buckets } = await s3.send(new ListBucketsCommand({}));
  return { buckets: (Buckets ?? []).flatMap((bucket) => (bucket.Name ? [bucket.Name] : [])) };
}
