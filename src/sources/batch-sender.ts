/**
 * Groups single SQS entry operations (a deletion, a visibility change) into the batch calls SQS
 * offers (DeleteMessageBatch, ChangeMessageVisibilityBatch: up to ten entries a call), as Vector's
 * `run_once` does: an entry waits at most `maxWaitMs` for company, and ten waiting entries go at
 * once. Entries SQS reports as failed on its side are sent again, up to `maxAttempts`; a sender
 * fault (a stale receipt handle: the message was already re-delivered) is final and reported.
 */

/** What became of one entry. */
export interface EntryOutcome {
  ok: boolean;
  /** SQS's error code when not ok. */
  code?: string;
}

/** An entry SQS reports as failed in a batch response. */
export interface BatchEntryFailure {
  Id?: string | undefined;
  Code?: string | undefined;
  SenderFault?: boolean | undefined;
}

export interface BatchSenderOptions<E> {
  /** Sends one batch call; each entry carries its `Id`. Resolves SQS's `Failed` list. */
  send(entries: Array<E & { Id: string }>): Promise<BatchEntryFailure[]>;
  /** Longest an entry waits for others to share its call, in milliseconds. Default 20. */
  maxWaitMs?: number;
  /** Attempts for an entry that fails on the server side (or whose whole call fails). Default 3. */
  maxAttempts?: number;
}

/** SQS's limit on entries per batch call. */
export const MAX_BATCH_ENTRIES = 10;

interface Pending<E> {
  entry: E;
  attempts: number;
  resolve: (outcome: EntryOutcome) => void;
}

export class BatchSender<E> {
  private queue: Array<Pending<E>> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly maxWaitMs: number;

  constructor(private readonly options: BatchSenderOptions<E>) {
    this.maxWaitMs = options.maxWaitMs ?? 20;
  }

  /** Queues one entry; resolves once SQS has accepted it or it has failed for good. Never rejects. */
  submit(entry: E): Promise<EntryOutcome> {
    return new Promise((resolve) => this.enqueue({ entry, attempts: 0, resolve }));
  }

  /** Sends what is queued now, in calls of up to ten (at shutdown, or when waiting buys nothing). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) void this.send(this.queue.splice(0, MAX_BATCH_ENTRIES));
  }

  private enqueue(pending: Pending<E>): void {
    this.queue.push(pending);
    if (this.queue.length >= MAX_BATCH_ENTRIES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
  }

  private async send(batch: Array<Pending<E>>): Promise<void> {
    let failed: BatchEntryFailure[];
    try {
      failed = await this.options.send(batch.map((p, i) => ({ ...p.entry, Id: String(i) })));
    } catch (error) {
      const code = (error as { name?: string }).name ?? 'BatchCallFailed';
      failed = batch.map((_, i) => ({ Id: String(i), Code: code, SenderFault: false }));
    }
    const failures = new Map(failed.map((f) => [f.Id, f]));
    batch.forEach((pending, i) => {
      const failure = failures.get(String(i));
      if (failure === undefined) {
        pending.resolve({ ok: true });
        return;
      }
      pending.attempts++;
      if (failure.SenderFault || pending.attempts >= (this.options.maxAttempts ?? 3)) {
        pending.resolve({ ok: false, code: failure.Code ?? 'unknown' });
      } else {
        this.enqueue(pending);
      }
    });
  }
}
