/**
 * The AWS JSON 1.0 protocol as SQS speaks it to current SDKs: `X-Amz-Target: AmazonSQS.Action`
 * requests, JSON answers, and errors with a `__type` plus the `x-amzn-query-error` header that
 * lets query-compatible clients read the classic error code.
 */
import type { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

/** A successful JSON 1.0 answer. */
export function jsonResponse(result: unknown, requestId: string): ServiceResponse {
  return {
    status: 200,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify(result ?? {}),
  };
}

/**
 * JSON 1.0 error. `namespace` prefixes `__type` (`com.amazonaws.sqs#QueueDoesNotExist`). Some
 * codes have a different JSON shape name than their query code; `error.fields.__type` overrides
 * the shape name while `error.code` stays the query code sent in `x-amzn-query-error`.
 */
export function jsonError(
  error: AwsError,
  requestId: string,
  namespace = 'com.amazonaws.sqs',
): ServiceResponse {
  const shape = error.fields.__type ?? error.code;
  return {
    status: error.status,
    headers: {
      'content-type': JSON_CONTENT_TYPE,
      'x-amzn-requestid': requestId,
      'x-amzn-query-error': `${error.code};${error.fault}`,
    },
    body: JSON.stringify({ __type: `${namespace}#${shape}`, message: error.message }),
  };
}

/** The action of a JSON 1.0 request from its `X-Amz-Target` (`AmazonSQS.SendMessage` → `SendMessage`). */
export function jsonTargetAction(target: string | undefined): string | undefined {
  if (!target) return undefined;
  const dot = target.lastIndexOf('.');
  return dot >= 0 ? target.slice(dot + 1) : target;
}
