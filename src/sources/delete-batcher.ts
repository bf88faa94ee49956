/**
 * Message deletions grouped into DeleteMessageBatch calls of up to ten entries (see
 * {@link BatchSender}). A stale receipt handle is reported, not retried: the message was already
 * re-delivered, and the ledger makes the re-delivery harmless.
 */
import { BatchSender } from './batch-sender.js';
import type { MessageQueue } from './message-queue.js';

export interface DeleteOutcome {
  deleted: boolean;
  /** SQS's error code when not deleted. */
  code?: string;
}

export interface DeleteBatcherOptions {
  queue: MessageQueue;
  queueUrl: string;
  /** Longest a deletion waits for others to share its call, in milliseconds. Default 20. */
  maxWaitMs?: number;
  /** Attempts for an entry that fails on the server side. Default 3. */
  maxAttempts?: number;
}

export class DeleteBatcher {
  private readonly sender: BatchSender<{ ReceiptHandle: string }>;

  constructor(options: DeleteBatcherOptions) {
    const { queue, queueUrl } = options;
    this.sender = new BatchSender({
      ...options,
      send: async (Entries) => (await queue.deleteMessageBatch({ QueueUrl: queueUrl, Entries })).Failed ?? [],
    });
  }

  async delete(receiptHandle: string): Promise<DeleteOutcome> {
    const outcome = await this.sender.submit({ ReceiptHandle: receiptHandle });
    return outcome.ok ? { deleted: true } : { deleted: false, code: outcome.code ?? 'unknown' };
  }

  /** Sends what is queued now (also used at shutdown). */
  flush(): void {
    this.sender.flush();
  }
}
