/**
 * Visibility changes grouped into ChangeMessageVisibilityBatch calls of up to ten entries (see
 * {@link BatchSender}): the keepalive's extensions of messages received together, and messages
 * handed back to the queue (after a failure, or unfinished at shutdown).
 */
import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { BatchSender, type EntryOutcome } from './batch-sender.js';

export interface VisibilityBatcherOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Longest a change waits for others to share its call, in milliseconds. Default 20. */
  maxWaitMs?: number;
  /** Attempts for an entry that fails on the server side. Default 3. */
  maxAttempts?: number;
}

export class VisibilityBatcher {
  private readonly sender: BatchSender<{ ReceiptHandle: string; VisibilityTimeout: number }>;

  constructor(options: VisibilityBatcherOptions) {
    const { sqs, queueUrl } = options;
    this.sender = new BatchSender({
      ...options,
      send: async (Entries) =>
        (await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries }))).Failed ??
        [],
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
