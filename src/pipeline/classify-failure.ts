/**
 * What to do when processing an object failed: retry it (transient), record it and go on
 * (permanent), or stop the run (misconfiguration: nothing will succeed until someone fixes it).
 */
import { awsErrorCode, classifyAwsError, type FailureKind, httpStatusOf, messageOf } from '../aws/index.js';
import { ProcessorError } from '../processors/processor-error.js';
import { LedgerClaimLostError } from '../state/ledger-claim-lost-error.js';
import { OutputKeyError } from './key-template.js';
import { RemoteFailure, type RemoteFailureData } from './remote-failure.js';

/** What the SDK calls an error response without a body (HEAD requests). */
const HEAD_ONLY_CODES = new Set(['Unknown', 'UnknownError', 'Forbidden', 'NotFound']);

/** The S3 error code a bare status stands for. */
const STATUS_CODES: Record<number, string> = {
  403: 'AccessDenied',
  404: 'NoSuchKey',
  412: 'PreconditionFailed',
};

/**
 * The one place the pipeline sorts a failure: its own errors by class (each carries its kind),
 * everything from AWS, the network or a stream by the AWS classifier (which knows the Node.js
 * socket and stream codes). Never by message text.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof RemoteFailure) return error.kind;
  if (error instanceof ProcessorError) return error.kind;
  if (error instanceof OutputKeyError || error instanceof LedgerClaimLostError) return 'permanent';
  return classifyAwsError(error);
}

/**
 * Whether a read or copy of the source failed its `If-Match` on the listed ETag: the object was
 * overwritten (or deleted and written again) after it was listed or announced. Not a failure of
 * the object: the version listed is gone, and its successor is listed or announced on its own.
 */
export function isChangedSinceListed(error: unknown): boolean {
  return awsErrorCode(error) === 'PreconditionFailed' || httpStatusOf(error) === 412;
}

/** A one-line reason for the report and the ledger: the AWS error code (or kind) and message. */
export function describeFailure(error: unknown): string {
  if (
    error instanceof ProcessorError ||
    error instanceof OutputKeyError ||
    error instanceof LedgerClaimLostError ||
    error instanceof RemoteFailure
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

/** A failure as plain data for another thread: its kind and reason decided here, where it was caught. */
export function toRemoteFailure(error: unknown): RemoteFailureData {
  const code = awsErrorCode(error);
  const name = error instanceof Error ? error.name : 'Error';
  return {
    name,
    message: describeFailure(error),
    kind: classifyFailure(error),
    ...(code === undefined ? {} : { code }),
  };
}
