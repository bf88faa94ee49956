/**
 * Statements for the customer's KMS key policies naming the role: `kms:Decrypt` on the source key
 * (GetObject of an SSE-KMS object), `kms:GenerateDataKey` and `kms:Decrypt` on the destination key
 * (PutObject needs the first; the parts of a multipart upload need the second), each only through
 * S3 (`kms:ViaService`). A key policy must allow the role (or delegate to the account) before the
 * role's own IAM statements count, so these are merged into the key policy like bucket policies.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
import type { OnboardingContext } from '../onboarding-context.js';
import { POLICY_VERSION, type PolicyDocument, type PolicyStatement, sidPart } from './policy-document.js';

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
