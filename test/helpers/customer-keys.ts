/**
 * Customer-managed KMS keys on the sandbox as a careful customer keeps them: usable by the
 * account's root user only (no delegation to IAM for other principals), so that a role can use a
 * key only through a statement in its key policy. And the buckets' default encryption with them.
 */
import { CreateKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { PutBucketEncryptionCommand, type S3Client } from '@aws-sdk/client-s3';
import { mergeStatements } from '../../src/onboarding/apply/merge-statements.js';
import type { OnboardingContext } from '../../src/onboarding/onboarding-context.js';
import { buildEventKeyPolicy, buildKeyPolicy } from '../../src/onboarding/policies/key-policy.js';
import type { PolicyDocument } from '../../src/onboarding/policies/policy-document.js';
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

/** A restricted key per bucket, each the bucket's default encryption, and one for the live topic or queue. */
export async function encryptBucketsWithNewKeys(
  sandbox: TestSandbox,
  s3: S3Client,
  buckets: { source: string; destination: string },
): Promise<{ source: string; destination: string; event: string }> {
  const keys = {
    source: await createRestrictedKey(sandbox),
    destination: await createRestrictedKey(sandbox),
    event: await createRestrictedKey(sandbox),
  };
  await encryptBucketByDefault(s3, buckets.source, keys.source);
  await encryptBucketByDefault(s3, buckets.destination, keys.destination);
  return keys;
}

/** Merges the generated key-policy statements of a connection (role and S3 events) into its keys' policies, as the customer would. */
export async function grantKeyPolicies(sandbox: TestSandbox, context: OnboardingContext): Promise<void> {
  const kms = new KMSClient(sandbox.sdkConfig('customer'));
  const grants = [
    { ours: buildKeyPolicy(context, 'source'), keyArn: context.source.kmsKeyArn },
    { ours: buildKeyPolicy(context, 'destination'), keyArn: context.destination.kmsKeyArn },
    { ours: buildEventKeyPolicy(context), keyArn: context.live?.kmsKeyArn },
  ];
  for (const { ours, keyArn } of grants) {
    if (ours === undefined || keyArn === undefined) continue;
    const { Policy } = await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }));
    const merged = mergeStatements(JSON.parse(Policy!) as PolicyDocument, ours).document;
    await kms.send(
      new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: JSON.stringify(merged) }),
    );
  }
  kms.destroy();
}
