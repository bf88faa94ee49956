/**
 * Visibility changes grouped into ChangeMessageVisibilityBatch calls of up to ten entries (see
 * {@link BatchSender}): the keepalive's extensions of messages received together, and messages
 * handed back to the queue (after a failure, or unfinished at shutdown).
 */
import { BatchSender, type EntryOutcome } from './batch-sender.js';
import type { MessageQueue } from './message-queue.js';

export interface VisibilityBatcherOptions {
  queue: MessageQueue;
  queueUrl: string;
  /** Longest a change waits for others to share its call, in milliseconds. Default 20. */
  maxWaitMs?: number;
  /** Attempts for an entry that fails on the server side. Default 3. */
  maxAttempts?: number;
}

export class VisibilityBatcher {
  private readonly sender: BatchSender<{ ReceiptHandle: string; VisibilityTimeout: number }>;

  constructor(options: VisibilityBatcherOptions) {
    const { queue, queueUrl } = options;
    this.sender = new BatchSender({
      ...options,
      send: async (Entries) =>
        (await queue.changeMessageVisibilityBatch({ QueueUrl: queueUrl, Entries })).Failed ?? [],
    });
  }

  /** Sets the message's visibility timeout to `visibilityTimeoutSec` from now (0: visible at once). */
  change(receiptHandle: string, visibilityTimeoutSec: number): Promise<EntryOutcome> {
    return this.sender.submit({ ReceiptHandle: receiptHandle, VisibilityTimeout: visibilityTimeoutSec });
  }

  /** Sends what is queued now. */
  flush(): void {
    this.sender.flush();
  }
}
