/** S3's REST-XML answers and `<Error>` documents. */
import type { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import { type XmlObject, xmlDocument, xmlElements, xmlEscape } from './xml.js';

/** The namespace S3 puts on its result documents. */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Headers S3 puts on every answer. `x-amz-id-2` is opaque; clients only log it. */
export function s3ResponseHeaders(requestId: string): Record<string, string> {
  return { 'x-amz-request-id': requestId, 'x-amz-id-2': Buffer.from(requestId).toString('base64') };
}

/** A 200 answer with an XML document (`ListBucketResult`, `InitiateMultipartUploadResult`...). */
export function s3XmlResponse(
  root: string,
  content: XmlObject | string,
  requestId: string,
  options: { status?: number; headers?: Record<string, string>; xmlns?: string | null } = {},
): ServiceResponse {
  return {
    status: options.status ?? 200,
    headers: { ...s3ResponseHeaders(requestId), 'content-type': 'application/xml', ...options.headers },
    body: xmlDocument(root, content, options.xmlns === null ? undefined : (options.xmlns ?? S3_XMLNS)),
  };
}

/**
 * S3's error document: `<Error><Code><Message>` then the error's extra fields (`<Key>`,
 * `<BucketName>`...) and `<RequestId><HostId>`. HEAD requests get the status without a body, as
 * S3 does (clients then map the status: 404 → NotFound).
 */
export function s3Error(error: AwsError, requestId: string, method = 'GET'): ServiceResponse {
  const headers: Record<string, string> = {
    ...s3ResponseHeaders(requestId),
    'content-type': 'application/xml',
  };
  if (method === 'HEAD') return { status: error.status, headers };
  const body = xmlDocument(
    'Error',
    `<Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message>${xmlElements(
      error.fields,
    )}<RequestId>${xmlEscape(requestId)}</RequestId><HostId>${xmlEscape(headers['x-amz-id-2'] ?? '')}</HostId>`,
  );
  return { status: error.status, headers, body };
}
