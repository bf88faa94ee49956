/**
 * Buckets with S3 Object Lock for tests, set up as an enterprise destination is: Object Lock
 * enabled at creation (which turns versioning on) and a default retention, so that every upload
 * into it must carry Content-MD5 or an `x-amz-checksum-*`, as on AWS.
 *
 * ```ts
 * await createObjectLockBucket(new S3Client(sandbox.sdkConfig('customer')), 'dest-bucket');
 * ```
 */
import {
  CreateBucketCommand,
  type DefaultRetention,
  PutObjectLockConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** Creates `bucket` with Object Lock and `retention` as its default (governance, one day, unless given). */
export async function createObjectLockBucket(
  s3: S3Client,
  bucket: string,
  retention: DefaultRetention = { Mode: 'GOVERNANCE', Days: 1 },
): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  await s3.send(
    new PutObjectLockConfigurationCommand({
      Bucket: bucket,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: retention } },
    }),
  );
}
