/**
 * A message must be handed back to the queue and tried again later: one of its objects failed
 * for a transient reason (throttling, 5xx, expired credentials) after the pipeline's own retries,
 * or is being processed by another run right now. The consumer makes the message visible again
 * after a backoff; the ledger makes the redelivery harmless for the objects already done.
 */
export class MessageRetryError extends Error {
  override readonly name = 'MessageRetryError';
  constructor(
    readonly messageId: string,
    /** `s3://bucket/key: reason` for each object that needs another attempt. */
    readonly pending: string[],
    options?: { cause?: unknown },
  ) {
    super(`SQS message ${messageId} will be retried: ${pending.join('; ')}`, options);
  }
}
