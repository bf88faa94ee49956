/**
 * Customer-managed KMS keys on the sandbox as a careful customer keeps them: usable by the
 * account's root user only (no delegation to IAM for other principals), so that a role can use a
 * key only through a statement in its key policy. And the buckets' default encryption with them.
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PutBucketEncryptionCommand, type S3Client } from '@aws-sdk/client-s3';
import type { TestSandbox } from './sandbox.js';

/** A key whose policy lets the customer's root administer and use it, and nobody else. */
export async function createRestrictedKey(sandbox: TestSandbox): Promise<string> {
  const root = `arn:aws:iam::${sandbox.accounts.customer.id}:root`;
  const kms = new KMSClient(sandbox.sdkConfig('customer'));
  const { KeyMetadata } = await kms.send(
    new CreateKeyCommand({
      Description: 'bucketbridge test key',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'RootOnly',
            Effect: 'Allow',
            Principal: { AWS: root },
            Action: 'kms:*',
            Resource: '*',
            // The root user's own requests; roles of the account get nothing through IAM.
            Condition: { StringEquals: { 'aws:PrincipalType': 'Account' } },
          },
        ],
      }),
    }),
  );
  kms.destroy();
  return KeyMetadata!.Arn!;
}

/** Makes SSE-KMS with `keyArn` the bucket's default encryption. */
export async function encryptBucketByDefault(s3: S3Client, bucket: string, keyArn: string): Promise<void> {
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } }],
      },
    }),
  );
}
