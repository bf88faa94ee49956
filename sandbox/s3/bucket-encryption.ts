/**
 * Put/Get/DeleteBucketEncryption: the default encryption a write gets when it sends no
 * `x-amz-server-side-encryption` header. Without a configuration S3 reports (and applies) SSE-S3.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
 */
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import { authorizedBucket, type S3Call } from './s3-access.js';
import type { ServerSideEncryption } from './s3-state.js';
import { child, children, malformedXml, parseXml, text, xmlResponse } from './s3-xml.js';

const ALGORITHMS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

export function getBucketEncryption(call: S3Call): ServiceResponse {
  const bucket = authorizedBucket(call, 's3:GetEncryptionConfiguration');
  const sse: ServerSideEncryption = bucket.encryption ?? { algorithm: 'AES256' };
  return xmlResponse('ServerSideEncryptionConfiguration', [
    [
      'Rule',
      [
        [
          'ApplyServerSideEncryptionByDefault',
          [
            ['SSEAlgorithm', sse.algorithm],
            ['KMSMasterKeyID', sse.kmsKeyId],
          ],
        ],
        ['BucketKeyEnabled', sse.bucketKeyEnabled ?? false],
      ],
    ],
  ]);
}

export async function putBucketEncryption(call: S3Call): Promise<ServiceResponse> {
  const bucket = authorizedBucket(call, 's3:PutEncryptionConfiguration');
  const rules = children(
    child(parseXml(await call.request.readBody()), 'ServerSideEncryptionConfiguration'),
    'Rule',
  );
  const rule = rules.length === 1 ? rules[0] : undefined;
  const byDefault = child(rule, 'ApplyServerSideEncryptionByDefault');
  const algorithm = text(byDefault, 'SSEAlgorithm');
  if (!rule || !byDefault || algorithm === undefined) throw malformedXml();
  if (!ALGORITHMS.has(algorithm)) throw malformedXml();
  const kmsKeyId = text(byDefault, 'KMSMasterKeyID') || undefined;
  if (kmsKeyId !== undefined && algorithm === 'AES256')
    throw new AwsError(
      'InvalidArgument',
      'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
      400,
    );
  bucket.encryption = {
    algorithm,
    kmsKeyId,
    bucketKeyEnabled: text(rule, 'BucketKeyEnabled')?.trim() === 'true' ? true : undefined,
  };
  return { status: 200 };
}

export function deleteBucketEncryption(call: S3Call): ServiceResponse {
  const bucket = authorizedBucket(call, 's3:PutEncryptionConfiguration');
  bucket.encryption = undefined;
  return { status: 204 };
}
