/**
 * S3's error codes with AWS's own messages, and the `<Error>` document S3 answers with. The S3
 * service renders its own errors (rather than leaving them to the server) because some carry
 * headers, such as `x-amz-bucket-region` on a HeadBucket denial.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import { type XmlNode, xmlDocument } from './s3-xml.js';

export function noSuchBucket(bucket: string): AwsError {
  return new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });
}

export function noSuchKey(key: string): AwsError {
  return new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
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

/** The host ID S3 returns beside each request ID (`x-amz-id-2`); derived so it is stable per request. */
export function hostIdFor(requestId: string): string {
  return createHash('sha256').update(requestId).digest('base64');
}

/** Renders an AwsError as S3 does: `<Error>` with Code, Message, extra fields, RequestId, HostId. */
export function renderS3Error(
  error: AwsError,
  requestId: string,
  method: string,
  headers: Record<string, string> = {},
): ServiceResponse {
  const hostId = hostIdFor(requestId);
  const responseHeaders: Record<string, string> = {
    'x-amz-request-id': requestId,
    'x-amz-id-2': hostId,
    ...headers,
  };
  if (method === 'HEAD') return { status: error.status, headers: responseHeaders };
  const nodes: XmlNode[] = [
    ['Code', error.code],
    ['Message', error.message],
    ...Object.entries(error.fields).map(([name, value]): XmlNode => [name, value]),
    ['RequestId', requestId],
    ['HostId', hostId],
  ];
  responseHeaders['content-type'] = 'application/xml';
  return { status: error.status, headers: responseHeaders, body: xmlDocument('Error', nodes, false) };
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
