/**
 * A failure that happened in another thread (an object worker thread, or the main thread serving a
 * worker's ledger call), carried across as plain data. It keeps what callers decide on: the kind
 * the failure was given where it was caught, the one-line reason, the AWS error code and the
 * error's name (`AbortError` tells a stopped run from a failure).
 */

/** A failure as it crosses a thread boundary (structured-clone safe). */
export interface RemoteFailureData {
  name: string;
  /** The described reason (describeFailure of the original error). */
  message: string;
  kind: 'transient' | 'permanent' | 'misconfiguration';
  /** The AWS error code, when the failure came from AWS. */
  code?: string;
}

export class RemoteFailure extends Error {
  readonly kind: RemoteFailureData['kind'];
  /** Read by awsErrorCode, so a failed outcome built from this carries the original code. */
  readonly Code: string | undefined;

  constructor(data: RemoteFailureData) {
    super(data.message);
    this.name = data.name;
    this.kind = data.kind;
    this.Code = data.code;
  }
}
