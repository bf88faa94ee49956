/**
 * Collects message deletions into DeleteMessageBatch calls of up to ten entries (Vector's
 * `run_once` does the same): a deletion waits at most `maxWaitMs` for company. Entries SQS
 * reports as failed by the server are retried; a sender fault (a stale receipt handle: the
 * message was already re-delivered) is final and reported, and the ledger makes the re-delivery
 * harmless.
 */
import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface DeleteOutcome {
  deleted: boolean;
  /** SQS's error code when not deleted. */
  code?: string;
}

interface Pending {
  receiptHandle: string;
  attempts: number;
  resolve: (outcome: DeleteOutcome) => void;
}

export interface DeleteBatcherOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Longest a deletion waits for others to share its call, in milliseconds. Default 20. */
  maxWaitMs?: number;
  /** Attempts for an entry that fails on the server side. Default 3. */
  maxAttempts?: number;
}

const MAX_BATCH = 10;

export class DeleteBatcher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DeleteBatcherOptions) {}

  delete(receiptHandle: string): Promise<DeleteOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ receiptHandle, attempts: 0, resolve });
      if (this.queue.length >= MAX_BATCH) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs ?? 20);
    });
  }

  /** Sends what is queued now (also used at shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) void this.send(this.queue.splice(0, MAX_BATCH));
  }

  private async send(batch: Pending[]): Promise<void> {
    const byId = new Map(batch.map((entry, i) => [String(i), entry]));
    let failed: { Id?: string; Code?: string; SenderFault?: boolean }[];
    try {
      const response = await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: [...byId].map(([Id, entry]) => ({ Id, ReceiptHandle: entry.receiptHandle })),
        }),
      );
      failed = response.Failed ?? [];
    } catch (error) {
      const code = (error as { name?: string }).name ?? 'DeleteMessageBatchFailed';
      failed = [...byId.keys()].map((Id) => ({ Id, Code: code, SenderFault: false }));
    }
    const failedIds = new Set(failed.map((f) => f.Id));
    for (const [id, entry] of byId) if (!failedIds.has(id)) entry.resolve({ deleted: true });
    for (const failure of failed) {
      const entry = byId.get(failure.Id ?? '');
      if (!entry) continue;
      entry.attempts++;
      if (failure.SenderFault || entry.attempts >= (this.options.maxAttempts ?? 3)) {
        entry.resolve({ deleted: false, code: failure.Code ?? 'unknown' });
      } else {
        this.queue.push(entry);
        this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs ?? 20);
      }
    }
  }
}
