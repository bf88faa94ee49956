/**
 * A processor's own failure (a command exited non-zero, ffmpeg rejected the input, a record did
 * not parse). Permanent unless `retryable` is set: the object is recorded as failed with this
 * message and the run goes on.
 */
export class ProcessorError extends Error {
  override readonly name = 'ProcessorError';
  /** Whether trying the object again may succeed. Default false. */
  readonly retryable: boolean;
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}
