import type { ObjectFailureKind } from '../errors/index.js';

/**
 * A processor's own failure (a command exited non-zero, ffmpeg rejected the input, a record did
 * not parse, a downstream service is down). Its kind decides what happens to the object:
 * `permanent` (the default) records it as failed with this message and the run goes on;
 * `transient` retries it with backoff, and in live leaves the message for redelivery.
 */
export class ProcessorError extends Error {
  override readonly name = 'ProcessorError';
  readonly kind: ObjectFailureKind;
  /**
   * @param options.kind Default `permanent`.
   * @param options.retryable The first spelling of `kind: 'transient'`, still accepted for modules
   *   written against it.
   */
  constructor(
    message: string,
    options: { cause?: unknown; kind?: ObjectFailureKind; retryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind ?? (options.retryable ? 'transient' : 'permanent');
  }
}
