/**
 * Decides whether a failed AWS call is worth retrying (transient), will never succeed for this
 * item (permanent), or will not succeed for any item until someone fixes the setup
 * (misconfiguration). The pipeline and the live loop act on this one answer.
 */
import {
  AssumeRoleError,
  awsErrorCode,
  BucketRegionError,
  CredentialsError,
  type FailureKind,
  httpStatusOf,
} from './errors.js';

const TRANSIENT_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'ProvisionedThroughputExceededException',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'TransactionInProgressException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'IDPCommunicationError',
  'KMS.ThrottlingException',
  // A request signed just before its credentials expired: the next attempt signs with fresh ones.
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
]);

/** Socket and DNS errors of Node.js: the network, not the request, failed. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const MISCONFIGURATION_CODES = new Set([
  'CredentialsProviderError',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'AuthFailure',
  'AuthorizationHeaderMalformed',
  'InvalidToken',
  'RegionDisabledException',
  'PermanentRedirect',
  'RequestTimeTooSkewed',
]);

/** Classifies any error thrown by an AWS call (or by the credential providers of this layer). */
export function classifyAwsError(error: unknown): FailureKind {
  if (
    error instanceof AssumeRoleError ||
    error instanceof CredentialsError ||
    error instanceof BucketRegionError
  ) {
    return error.kind;
  }
  const code = awsErrorCode(error);
  if (code !== undefined) {
    if (TRANSIENT_CODES.has(code)) return 'transient';
    if (MISCONFIGURATION_CODES.has(code)) return 'misconfiguration';
  }
  const nodeCode = (error as { code?: unknown } | null)?.code;
  if (typeof nodeCode === 'string' && TRANSIENT_NETWORK_CODES.has(nodeCode)) return 'transient';
  if ((error as { $retryable?: unknown } | null)?.$retryable) return 'transient';
  const status = httpStatusOf(error);
  if (status !== undefined && (status >= 500 || status === 429)) return 'transient';
  // AccessDenied, NoSuchKey, NoSuchBucket, InvalidObjectState, other 4xx and unknown failures:
  // retrying this item gives the same answer.
  return 'permanent';
}

/** Refusals of the caller's identity: on a queue or a listing they hold for every request. */
const AUTH_CODES = new Set([
  ...MISCONFIGURATION_CODES,
  'AccessDenied',
  'AccessDeniedException',
  'ExpiredToken',
]);

/**
 * True when AWS refused who is asking (bad, expired or unauthorised credentials), as opposed to
 * a failure of this one request. Loops that poll (the queue's receive loop) pause longer after it.
 */
export function isAuthFailure(error: unknown): boolean {
  if (error instanceof CredentialsError || error instanceof AssumeRoleError) return true;
  const code = awsErrorCode(error);
  return code !== undefined && AUTH_CODES.has(code);
}
