/**
 * Statements for the customer's KMS key policies naming the role: `kms:Decrypt` on the source key
 * (GetObject of an SSE-KMS object), `kms:GenerateDataKey` and `kms:Decrypt` on the destination key
 * (PutObject needs the first; the parts of a multipart upload need the second), each only through
 * S3 (`kms:ViaService`). A key policy must allow the role (or delegate to the account) before the
 * role's own IAM statements count, so these are merged into the key policy like bucket policies.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
import type { OnboardingContext } from '../onboarding-context.js';
import {
  bucketArn,
  POLICY_VERSION,
  type PolicyDocument,
  type PolicyStatement,
  sidPart,
} from './policy-document.js';

export type KeySide = 'source' | 'destination';

/** The region of a KMS key ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`). */
export function keyRegion(keyArn: string): string {
  return keyArn.split(':')[3] ?? '';
}

/** The one statement the key policy of `keyArn` needs for this side of the connection. */
export function keyPolicyStatement(
  context: OnboardingContext,
  side: KeySide,
  keyArn: string,
): PolicyStatement {
  const sid = `BucketBridge${sidPart(context.connectionName)}`;
  return {
    Sid: side === 'source' ? `${sid}DecryptSourceObjects` : `${sid}EncryptDestinationObjects`,
    Effect: 'Allow',
    Principal: { AWS: context.roleArn },
    Action: side === 'source' ? 'kms:Decrypt' : ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: '*',
    Condition: { StringEquals: { 'kms:ViaService': `s3.${keyRegion(keyArn)}.amazonaws.com` } },
  };
}

/** The statements to merge into the key policy of the side's configured key; undefined without one. */
export function buildKeyPolicy(context: OnboardingContext, side: KeySide): PolicyDocument | undefined {
  const keyArn = context[side].kmsKeyArn;
  if (keyArn === undefined) return undefined;
  return { Version: POLICY_VERSION, Statement: [keyPolicyStatement(context, side, keyArn)] };
}

/**
 * Live with an SSE-KMS topic (sns) or queue (sqs): S3 publishes the bucket's events into it only
 * when the key policy lets the S3 service principal generate and decrypt data keys, for this
 * bucket and account only. Undefined without `live.kmsKeyArn`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
 */
export function buildEventKeyPolicy(context: OnboardingContext): PolicyDocument | undefined {
  if (context.live?.kmsKeyArn === undefined) return undefined;
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: `BucketBridge${sidPart(context.connectionName)}PublishEvents`,
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': context.accountId },
          ArnLike: { 'aws:SourceArn': bucketArn(context.partition, context.source.bucket) },
        },
      },
    ],
  };
}
