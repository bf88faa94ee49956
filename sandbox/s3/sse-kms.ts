/**
 * SSE-KMS as S3 enforces it: S3 asks KMS on the caller's behalf, so writing an object under a KMS
 * key needs `kms:GenerateDataKey` on it, reading one (GetObject, a copy source, the parts of a
 * multipart upload) `kms:Decrypt`, each allowed by the key policy and the caller's IAM policies.
 * KMS's refusal reaches the client as S3's AccessDenied with KMS's message, which names the
 * action and the key.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
import { AwsError } from '../core/errors.js';
import type { ServiceRequest } from '../core/types.js';
import { type S3Env, s3Arn } from './s3-access.js';
import type { BucketRecord, ServerSideEncryption } from './s3-state.js';

/** The AWS managed key S3 uses when SSE-KMS names no key. */
export const S3_MANAGED_KEY_ALIAS = 'alias/aws/s3';

function isKms(sse: ServerSideEncryption): boolean {
  return sse.algorithm === 'aws:kms' || sse.algorithm === 'aws:kms:dsse';
}

/**
 * Checks the caller's use of the object's KMS key for `action` and returns the encryption with the
 * key's ARN (how S3 records and reports it). Other encryption passes through unchanged.
 */
export function useObjectKey(
  env: S3Env,
  request: ServiceRequest,
  bucket: BucketRecord,
  key: string,
  sse: ServerSideEncryption,
  action: 'kms:Decrypt' | 'kms:GenerateDataKey',
): ServerSideEncryption {
  if (!isKms(sse)) return sse;
  try {
    const keyArn = env.ctx.hooks.useKmsKey({
      caller: request.caller,
      keyId: sse.kmsKeyId ?? S3_MANAGED_KEY_ALIAS,
      action,
      // A KMS key is regional: S3 uses the key in the bucket's region.
      region: bucket.region,
      viaService: `s3.${bucket.region}.amazonaws.com`,
      encryptionContext: {
        'aws:s3:arn': sse.bucketKeyEnabled ? s3Arn(bucket.name) : s3Arn(bucket.name, key),
      },
    });
    return { ...sse, kmsKeyId: keyArn };
  } catch (error) {
    throw asS3Error(error);
  }
}

/** KMS's errors as S3 passes them on: its AccessDenied, and `KMS.<code>` for the others. */
function asS3Error(error: unknown): unknown {
  if (!(error instanceof AwsError)) return error;
  if (error.code === 'AccessDeniedException') return new AwsError('AccessDenied', error.message, 403);
  return new AwsError(`KMS.${error.code}`, error.message, error.status);
}
