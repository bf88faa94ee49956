/**
 * Keeps one received SQS message invisible while its work runs, as Filebeat's keepalive and
 * bullmq's lock manager do: every `intervalSec` it extends the visibility timeout to
 * `visibilityTimeoutSec` from now, never past SQS's 12-hour cap counted from the first receive.
 * It stops by itself when SQS says the receipt handle is no longer valid (the message was deleted
 * or re-received elsewhere), and `stop()` must be called in a `finally`.
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS refuses to keep a message invisible for more than 12 hours after it was first received. */
export const MAX_VISIBILITY_SEC = 12 * 60 * 60;

export interface VisibilityKeepaliveOptions {
  sqs: SQSClient;
  queueUrl: string;
  receiptHandle: string;
  /** The visibility timeout each extension asks for, in seconds. */
  visibilityTimeoutSec: number;
  /** How often to extend, in seconds; half the visibility timeout unless told otherwise. */
  intervalSec?: number;
  /** When SQS first handed this message out (ApproximateFirstReceiveTimestamp); bounds the 12-hour cap. */
  firstReceivedAt: Date;
  /** Called when an extension fails for a reason other than an invalid receipt handle. */
  onError?: (error: unknown) => void;
  now?: () => Date;
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

export class VisibilityKeepalive {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly intervalSec: number;
  private readonly now: () => Date;

  constructor(private readonly options: VisibilityKeepaliveOptions) {
    this.intervalSec = options.intervalSec ?? Math.max(1, Math.floor(options.visibilityTimeoutSec / 2));
    this.now = options.now ?? (() => new Date());
  }

  start(): this {
    this.schedule();
    return this;
  }

  /** Idempotent. After it returns no further extension is sent. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get running(): boolean {
    return !this.stopped;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.extend(), this.intervalSec * 1000);
    // A keepalive alone must never keep the process alive during shutdown.
    this.timer.unref();
  }

  /** The visibility to ask for now: the configured timeout, clipped to what is left of the 12 hours. */
  private nextVisibilitySec(): number {
    const heldSec = Math.floor((this.now().getTime() - this.options.firstReceivedAt.getTime()) / 1000);
    return Math.max(0, Math.min(this.options.visibilityTimeoutSec, MAX_VISIBILITY_SEC - heldSec));
  }

  private async extend(): Promise<void> {
    if (this.stopped) return;
    const visibilitySec = this.nextVisibilitySec();
    if (visibilitySec <= 0) {
      // The cap is reached: SQS would refuse; the message becomes visible when the current timeout ends.
      this.stop();
      return;
    }
    try {
      await this.options.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.options.queueUrl,
          ReceiptHandle: this.options.receiptHandle,
          VisibilityTimeout: visibilitySec,
        }),
      );
    } catch (error) {
      const code = (error as { name?: string }).name ?? '';
      if (GONE.has(code)) {
        this.stop();
        return;
      }
      this.options.onError?.(error);
    }
    this.schedule();
  }
}
