/**
 * What to do when processing an object failed: retry it (transient), record it and go on
 * (permanent), or stop the run (misconfiguration: nothing will succeed until someone fixes it).
 */
import { awsErrorCode, classifyAwsError, type FailureKind, httpStatusOf, messageOf } from '../aws/index.js';
import { ProcessorError } from '../processors/processor-error.js';
import { LedgerClaimLostError } from '../state/ledger-claim-lost-error.js';
import { OutputKeyError } from './key-template.js';

/** Stream errors of Node.js that mean the connection, not the object, failed mid-transfer. */
const TRANSIENT_STREAM_CODES = new Set([
  'ERR_STREAM_PREMATURE_CLOSE',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

/** What the SDK calls an error response without a body (HEAD requests). */
const HEAD_ONLY_CODES = new Set(['Unknown', 'UnknownError', 'Forbidden', 'NotFound']);

/** The S3 error code a bare status stands for. */
const STATUS_CODES: Record<number, string> = {
  403: 'AccessDenied',
  404: 'NoSuchKey',
  412: 'PreconditionFailed',
};

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof ProcessorError) return error.retryable ? 'transient' : 'permanent';
  if (error instanceof OutputKeyError || error instanceof LedgerClaimLostError) return 'permanent';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_STREAM_CODES.has(code)) return 'transient';
  // The SDK reports a body cut short as a plain error; only the message says so.
  if (error instanceof Error && /socket hang up|aborted|premature close|ECONNRESET/i.test(error.message)) {
    if (classifyAwsError(error) === 'permanent' && awsErrorCode(error) === undefined) return 'transient';
  }
  return classifyAwsError(error);
}

/** A one-line reason for the report and the ledger: the AWS error code (or kind) and message. */
export function describeFailure(error: unknown): string {
  if (
    error instanceof ProcessorError ||
    error instanceof OutputKeyError ||
    error instanceof LedgerClaimLostError
  ) {
    return error.message;
  }
  const code = awsErrorCode(error);
  const status = httpStatusOf(error);
  const message = messageOf(error);
  if (code === 'PreconditionFailed' || status === 412) {
    return 'PreconditionFailed: the object changed after it was listed; its new version is processed on the next run';
  }
  // HEAD responses have no body, so the SDK knows only the status (and calls it UnknownError).
  if ((code === undefined || HEAD_ONLY_CODES.has(code)) && status) {
    const named = STATUS_CODES[status];
    if (named !== undefined) return `${named}: HTTP ${status} (S3 gives no details for a HEAD request)`;
  }
  if (code === undefined) return message;
  return message.startsWith(code) ? message : `${code}: ${message}`;
}
