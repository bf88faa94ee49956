/**
 * S3's REST-XML namespace and its `<Error>` document, shared by the S3 service and the server
 * (which answers S3 requests that fail before the service runs, such as a bad signature).
 */
import { createHash } from 'node:crypto';
import type { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import { xmlDocument, xmlElements, xmlEscape } from './xml.js';

/** The namespace S3 puts on its result documents. */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** The host ID S3 returns beside each request ID (`x-amz-id-2`); derived so it is stable per request. */
export function hostIdFor(requestId: string): string {
  return createHash('sha256').update(requestId).digest('base64');
}

/**
 * S3's error document: `<Error><Code><Message>`, the error's extra fields (`<Key>`,
 * `<BucketName>`...), then `<RequestId><HostId>`, with `headers` added to the answer. HEAD requests
 * get the status without a body, as S3 does (clients then map the status: 404 → NotFound).
 */
export function s3Error(
  error: AwsError,
  requestId: string,
  method = 'GET',
  headers: Record<string, string> = {},
): ServiceResponse {
  const hostId = hostIdFor(requestId);
  const responseHeaders: Record<string, string> = {
    'x-amz-request-id': requestId,
    'x-amz-id-2': hostId,
    ...headers,
  };
  if (method === 'HEAD') return { status: error.status, headers: responseHeaders };
  responseHeaders['content-type'] = 'application/xml';
  const content = `<Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message>${xmlElements(
    error.fields,
  )}<RequestId>${xmlEscape(requestId)}</RequestId><HostId>${xmlEscape(hostId)}</HostId>`;
  // S3 leaves apostrophes in its error text as they are ("the object's storage class").
  const body = xmlDocument('Error', content.replaceAll('&apos;', "'"));
  return { status: error.status, headers: responseHeaders, body };
}
