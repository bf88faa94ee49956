/**
 * Keeps the messages a consumer holds invisible while they wait and while their work runs, as
 * Filebeat's keepalive and bullmq's lock manager do: every `intervalSec` each held message's
 * visibility timeout is extended to `visibilityTimeoutSec` from now, never past SQS's 12-hour cap
 * counted from its first receive. One timer serves every held message, and extensions falling
 * due within `groupWindowSec` of each other go out together in ChangeMessageVisibilityBatch calls
 * (messages received together fall due together). A message whose receipt handle SQS says is no
 * longer valid (deleted, or re-received elsewhere) is dropped.
 */
import type { EntryOutcome } from './batch-sender.js';

/** SQS refuses to keep a message invisible for more than 12 hours after it was first received. */
export const MAX_VISIBILITY_SEC = 12 * 60 * 60;

export interface VisibilityKeepaliveOptions {
  /** Sends one visibility change (batched by the caller's VisibilityBatcher). */
  change(receiptHandle: string, visibilityTimeoutSec: number): Promise<EntryOutcome>;
  /** Sends the changes queued so far without waiting for more. */
  flush(): void;
  /** The visibility timeout each extension asks for, in seconds. */
  visibilityTimeoutSec: number;
  /** How often to extend, in seconds; half the visibility timeout unless told otherwise. */
  intervalSec?: number | undefined;
  /** Extensions due this close to the first one due are sent with it, in seconds. Default a tenth of the interval. */
  groupWindowSec?: number;
  /** Called when an extension fails for a reason other than an invalid receipt handle. */
  onError?: (receiptHandle: string, code: string) => void;
}

/** Error codes meaning the receipt handle will never work again: stop extending. */
const GONE = new Set([
  'ReceiptHandleIsInvalid',
  'AWS.SimpleQueueService.NonExistentQueue',
  'QueueDoesNotExist',
  'MessageNotInflight',
  'AWS.SimpleQueueService.MessageNotInflight',
  'InvalidParameterValue',
]);

interface Held {
  dueAtMs: number;
  firstReceivedAtMs: number;
}

export class VisibilityKeepalive {
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private readonly intervalMs: number;
  private readonly groupWindowMs: number;

  constructor(private readonly options: VisibilityKeepaliveOptions) {
    const intervalSec = options.intervalSec ?? Math.max(1, Math.floor(options.visibilityTimeoutSec / 2));
    this.intervalMs = intervalSec * 1000;
    this.groupWindowMs = (options.groupWindowSec ?? intervalSec / 10) * 1000;
  }

  /** Number of messages kept invisible now. */
  get size(): number {
    return this.held.size;
  }

  /** Starts keeping a message invisible; `firstReceivedAtMs` (epoch ms) bounds the 12-hour cap. */
  hold(receiptHandle: string, firstReceivedAtMs: number): void {
    const dueAtMs = Date.now() + this.intervalMs;
    this.held.set(receiptHandle, { dueAtMs, firstReceivedAtMs });
    if (dueAtMs < this.timerAtMs) this.schedule(dueAtMs);
  }

  /** Stops extending a message (done, handed back, or released). No extension is sent for it afterwards. */
  release(receiptHandle: string): void {
    this.held.delete(receiptHandle);
    if (this.held.size === 0) this.clearTimer();
  }

  /** Stops extending every message. */
  stop(): void {
    this.held.clear();
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAtMs = Number.POSITIVE_INFINITY;
  }

  private schedule(atMs: number): void {
    this.clearTimer();
    this.timerAtMs = atMs;
    this.timer = setTimeout(() => this.extendDue(), Math.max(0, atMs - Date.now()));
    // A keepalive alone must never keep the process alive during shutdown.
    this.timer.unref();
  }

  private extendDue(): void {
    this.clearTimer();
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [receiptHandle, held] of this.held) {
      if (held.dueAtMs > now + this.groupWindowMs) {
        next = Math.min(next, held.dueAtMs);
        continue;
      }
      const leftSec = MAX_VISIBILITY_SEC - Math.floor((now - held.firstReceivedAtMs) / 1000);
      const visibilitySec = Math.min(this.options.visibilityTimeoutSec, leftSec);
      if (visibilitySec <= 0) {
        // The cap is reached: SQS would refuse; the message becomes visible when its timeout ends.
        this.held.delete(receiptHandle);
        continue;
      }
      held.dueAtMs = now + this.intervalMs;
      next = Math.min(next, held.dueAtMs);
      void this.options.change(receiptHandle, visibilitySec).then((outcome) => {
        if (outcome.ok || this.held.get(receiptHandle) !== held) return;
        if (GONE.has(outcome.code ?? '')) this.release(receiptHandle);
        else this.options.onError?.(receiptHandle, outcome.code ?? 'unknown');
      });
    }
    this.options.flush();
    if (next !== Number.POSITIVE_INFINITY) this.schedule(next);
  }
}
