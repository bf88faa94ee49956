/**
 * S3's error codes with AWS's own messages, and the extra response headers some errors carry
 * (such as `x-amz-bucket-region` on a HeadBucket denial); the `<Error>` document itself is
 * rendered by `protocols/s3-xml.ts`.
 */
import { AwsError } from '../core/errors.js';

export function noSuchBucket(bucket: string): AwsError {
  return new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });
}

export function noSuchKey(key: string): AwsError {
  return new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
}

export function noSuchVersion(key: string, versionId: string): AwsError {
  return new AwsError('NoSuchVersion', 'The specified version does not exist.', 404, {
    Key: key,
    VersionId: versionId,
  });
}

export function noSuchUpload(uploadId: string): AwsError {
  return new AwsError(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    404,
    { UploadId: uploadId },
  );
}

export function invalidArgument(message: string, name?: string, value?: string): AwsError {
  const fields: Record<string, string> = {};
  if (name !== undefined) fields.ArgumentName = name;
  if (value !== undefined) fields.ArgumentValue = value;
  return new AwsError('InvalidArgument', message, 400, fields);
}

export function invalidRequest(message: string): AwsError {
  return new AwsError('InvalidRequest', message, 400);
}

export function preconditionFailed(condition: string): AwsError {
  return new AwsError(
    'PreconditionFailed',
    'At least one of the pre-conditions you specified did not hold',
    412,
    {
      Condition: condition,
    },
  );
}

export function badDigest(what: string): AwsError {
  return what === 'Content-MD5'
    ? new AwsError('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400)
    : new AwsError('BadDigest', `The ${what} you specified did not match the calculated checksum.`, 400);
}

const errorHeaders = new WeakMap<AwsError, Record<string, string>>();

/** Marks `error` to be answered with extra response headers (e.g. `x-amz-bucket-region`). */
export function withHeaders(error: AwsError, headers: Record<string, string>): AwsError {
  errorHeaders.set(error, { ...errorHeaders.get(error), ...headers });
  return error;
}

export function headersOf(error: AwsError): Record<string, string> {
  return errorHeaders.get(error) ?? {};
}
