/**
 * One standard SQS queue's messages and the engine that hands them out: delays, visibility
 * timeouts, receive counts, redrive to a dead-letter queue, retention, and long polls that
 * return as soon as a message becomes available (woken by events and by a timer set for the
 * next moment a message turns visible, never by a polling loop).
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { Clock } from './clock.js';
import type { MessageAttributes } from './message-attributes.js';
import { MAX_VISIBILITY_TIMEOUT_SEC, redrivePolicyOf } from './queue-attributes.js';
import { encodeReceiptHandle, newReceiveNonce, type ReceiptHandleParts } from './receipt-handle.js';

/** A message as the queue stores it. Times are epoch milliseconds. */
export interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: MessageAttributes;
  md5OfAttributes?: string;
  systemAttributes: MessageAttributes;
  md5OfSystemAttributes?: string;
  /** `SenderId` as SQS reports it (account id, role id:session, or a service's id). */
  senderId: string;
  sentAtMs: number;
  /** The message may be received at or after this time (delay or visibility timeout). */
  visibleAtMs: number;
  receiveCount: number;
  firstReceiveAtMs?: number;
  /** When the receive that made it in flight happened (the 12-hour visibility cap counts from it). */
  lastReceiveAtMs?: number;
  /** The nonce of the latest receive; older receipt handles no longer act on the message. */
  receiptNonce?: string;
  /** Set on messages moved here by redrive: the queue they came from. */
  deadLetterSourceArn?: string;
  /**
   * Set on a copy left behind by the `duplicate` fault: where the copy is stored (its receipt
   * handles point here). Its MessageId stays the original's, as with SQS's own duplicates.
   */
  copyKey?: string;
}

/** Where a message is stored: its id, or a duplicate copy's own key. */
function storeKeyOf(message: StoredMessage): string {
  return message.copyKey ?? message.messageId;
}

/** What a new message carries; the queue assigns id, times and counters. */
export type NewMessage = Pick<
  StoredMessage,
  | 'body'
  | 'md5OfBody'
  | 'attributes'
  | 'md5OfAttributes'
  | 'systemAttributes'
  | 'md5OfSystemAttributes'
  | 'senderId'
> & { delaySec?: number };

/** A message handed out by a receive, with the receipt handle for this receive. */
export interface ReceivedMessage {
  message: StoredMessage;
  receiptHandle: string;
}

export interface ReceiveOptions {
  /** 1..10. */
  maxMessages: number;
  /** Overrides the queue's VisibilityTimeout for this receive (0..43200 s). */
  visibilityTimeoutSec?: number;
  /** Long poll: how long to wait for a first message (0..20 s); defaults to the queue's ReceiveMessageWaitTimeSeconds. */
  waitTimeSec?: number;
  /**
   * The `duplicate` fault: every message handed out leaves a copy behind, visible at once, that
   * a later receive hands out again even after the original is deleted. SQS standard queues
   * deliver "at least once": a copy on a server that was unavailable when the message was
   * received or deleted comes back. A copy never leaves another copy.
   */
  leaveCopies?: boolean;
}

export interface QueueIdentity {
  name: string;
  accountId: string;
  region: string;
  arn: string;
}

/** The counts GetQueueAttributes reports as ApproximateNumberOfMessages*. */
export interface QueueCounts {
  visible: number;
  notVisible: number;
  delayed: number;
}

export class MessageQueue {
  readonly messages = new Map<string, StoredMessage>();
  private readonly listeners = new Set<() => void>();
  private deleted = false;
  /** When PurgeQueue last ran (epoch ms); SQS allows one purge per 60 seconds. */
  lastPurgeAtMs?: number;

  constructor(
    readonly identity: QueueIdentity,
    /** Stored attribute values (strings, as the API carries them). */
    public attributes: Record<string, string>,
    readonly createdAtMs: number,
    public lastModifiedAtMs: number,
    private readonly clock: Clock,
    /** Finds a dead-letter queue by ARN for redrive. */
    private readonly findQueue: (arn: string) => MessageQueue | undefined,
  ) {}

  private intAttribute(name: string): number {
    return Number(this.attributes[name]);
  }

  /** Adds a message; it becomes receivable after its delay (the queue's DelaySeconds by default). */
  send(input: NewMessage): StoredMessage {
    const now = this.clock.nowMs();
    const delaySec = input.delaySec ?? this.intAttribute('DelaySeconds');
    const message: StoredMessage = {
      messageId: randomUUID(),
      body: input.body,
      md5OfBody: input.md5OfBody,
      attributes: input.attributes,
      md5OfAttributes: input.md5OfAttributes,
      systemAttributes: input.systemAttributes,
      md5OfSystemAttributes: input.md5OfSystemAttributes,
      senderId: input.senderId,
      sentAtMs: now,
      visibleAtMs: now + delaySec * 1000,
      receiveCount: 0,
    };
    this.messages.set(message.messageId, message);
    this.noteSentAt(now);
    this.notify();
    return message;
  }

  /** Puts back a message from a `--state` snapshot, as it was. */
  restoreMessage(message: StoredMessage): void {
    this.messages.set(storeKeyOf(message), message);
    this.noteSentAt(message.sentAtMs);
  }

  /** Takes a message moved from another queue by redrive, visible at once. */
  acceptRedriven(message: StoredMessage, sourceArn: string): void {
    this.noteSentAt(message.sentAtMs);
    this.messages.set(storeKeyOf(message), {
      ...message,
      visibleAtMs: this.clock.nowMs(),
      receiptNonce: undefined,
      deadLetterSourceArn: sourceArn,
    });
    this.notify();
  }

  /**
   * Removes messages older than the retention period. The scan runs only once the oldest send
   * time known may have expired, so receives stay cheap on deep queues.
   */
  private expire(now: number): void {
    const retentionMs = this.intAttribute('MessageRetentionPeriod') * 1000;
    if (this.oldestSentAtMs === undefined || now < this.oldestSentAtMs + retentionMs) return;
    let oldest: number | undefined;
    for (const [id, m] of this.messages) {
      if (now >= m.sentAtMs + retentionMs) this.messages.delete(id);
      else if (oldest === undefined || m.sentAtMs < oldest) oldest = m.sentAtMs;
    }
    this.oldestSentAtMs = oldest;
  }

  /** The earliest send time among stored messages (a lower bound after deletes). */
  private oldestSentAtMs: number | undefined;

  private noteSentAt(sentAtMs: number): void {
    if (this.oldestSentAtMs === undefined || sentAtMs < this.oldestSentAtMs) this.oldestSentAtMs = sentAtMs;
  }

  /**
   * Hands out up to `maxMessages` visible messages now, without waiting. A message already
   * received maxReceiveCount times moves to the dead-letter queue instead of being returned.
   */
  takeVisible(options: ReceiveOptions): ReceivedMessage[] {
    const now = this.clock.nowMs();
    this.expire(now);
    const visibilitySec = options.visibilityTimeoutSec ?? this.intAttribute('VisibilityTimeout');
    const redrive = redrivePolicyOf(this.attributes);
    const out: ReceivedMessage[] = [];
    const copies: StoredMessage[] = [];
    for (const m of this.messages.values()) {
      if (out.length >= options.maxMessages) break;
      if (m.visibleAtMs > now) continue;
      if (redrive && m.receiveCount >= redrive.maxReceiveCount) {
        const target = this.findQueue(redrive.deadLetterTargetArn);
        if (target) {
          this.messages.delete(storeKeyOf(m));
          target.acceptRedriven(m, this.identity.arn);
          continue;
        }
      }
      if (options.leaveCopies && m.copyKey === undefined) {
        copies.push({ ...m, copyKey: randomUUID(), visibleAtMs: now, receiptNonce: undefined });
      }
      m.receiveCount += 1;
      m.firstReceiveAtMs ??= now;
      m.lastReceiveAtMs = now;
      m.receiptNonce = newReceiveNonce();
      m.visibleAtMs = now + visibilitySec * 1000;
      out.push({
        message: m,
        receiptHandle: encodeReceiptHandle({
          queueArn: this.identity.arn,
          messageId: storeKeyOf(m),
          nonce: m.receiptNonce,
        }),
      });
    }
    // Added after the loop: a Map hands out entries added while it is being iterated.
    for (const copy of copies) this.messages.set(storeKeyOf(copy), copy);
    return out;
  }

  /**
   * Receives with long polling: returns at once when messages are visible, otherwise waits until
   * one is sent, one turns visible, the queue is deleted, or the wait time ends.
   */
  async receive(options: ReceiveOptions, signal?: AbortSignal): Promise<ReceivedMessage[]> {
    const waitSec = options.waitTimeSec ?? this.intAttribute('ReceiveMessageWaitTimeSeconds');
    const deadline = this.clock.nowMs() + waitSec * 1000;
    for (;;) {
      // A caller that went away must not take messages it can no longer be given: they would
      // stay invisible for a whole visibility timeout.
      if (signal?.aborted) return [];
      const got = this.takeVisible(options);
      const now = this.clock.nowMs();
      if (got.length > 0 || this.deleted || now >= deadline) return got;
      const next = this.nextVisibilityChangeMs(now);
      await this.waitForChange(Math.min(deadline, next ?? deadline) - now, signal);
    }
  }

  private nextVisibilityChangeMs(now: number): number | undefined {
    let next: number | undefined;
    for (const m of this.messages.values()) {
      if (m.visibleAtMs > now && (next === undefined || m.visibleAtMs < next)) next = m.visibleAtMs;
    }
    return next;
  }

  private waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        cancel();
        this.listeners.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const cancel = this.clock.setTimer(done, timeoutMs);
      this.listeners.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Wakes every waiting long poll so each tries again. */
  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Marks the queue deleted: pending long polls return empty. */
  markDeleted(): void {
    this.deleted = true;
    this.notify();
  }

  /** The message a receipt handle of this queue points at, when it still exists. */
  private lookup(handle: ReceiptHandleParts): StoredMessage | undefined {
    this.expire(this.clock.nowMs());
    return this.messages.get(handle.messageId);
  }

  /**
   * Deletes by receipt handle. As AWS documents, a handle from an earlier receive still
   * "succeeds" but does not delete the message; a message already gone is a success too.
   * @returns whether a message was deleted.
   */
  deleteMessage(handle: ReceiptHandleParts): boolean {
    const m = this.lookup(handle);
    if (!m || m.receiptNonce !== handle.nonce) return false;
    this.messages.delete(storeKeyOf(m));
    return true;
  }

  /** Changes the visibility timeout of an in-flight message, as ChangeMessageVisibility does. */
  changeVisibility(handle: ReceiptHandleParts, rawHandle: string, visibilityTimeoutSec: number): void {
    const now = this.clock.nowMs();
    const m = this.lookup(handle);
    if (!m) {
      throw new AwsError(
        'InvalidParameterValue',
        `Value ${rawHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    if (m.receiptNonce !== handle.nonce) {
      throw new AwsError(
        'InvalidParameterValue',
        `Value ${rawHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
      );
    }
    if (m.visibleAtMs <= now) {
      throw new AwsError(
        'MessageNotInflight',
        `Message with receipt handle ${rawHandle} is not in flight.`,
        400,
        { __type: 'MessageNotInflight' },
      );
    }
    const receivedAt = m.lastReceiveAtMs ?? now;
    if (now + visibilityTimeoutSec * 1000 > receivedAt + MAX_VISIBILITY_TIMEOUT_SEC * 1000) {
      throw new AwsError(
        'InvalidParameterValue',
        `Value ${visibilityTimeoutSec} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_TIMEOUT_SEC} seconds]`,
      );
    }
    m.visibleAtMs = now + visibilityTimeoutSec * 1000;
    if (visibilityTimeoutSec === 0) this.notify();
  }

  /** Deletes every message (PurgeQueue). */
  purge(): void {
    this.messages.clear();
    this.lastPurgeAtMs = this.clock.nowMs();
  }

  /** Visible, in-flight and delayed message counts, after expiring old messages. */
  counts(): QueueCounts {
    const now = this.clock.nowMs();
    this.expire(now);
    const counts: QueueCounts = { visible: 0, notVisible: 0, delayed: 0 };
    for (const m of this.messages.values()) {
      if (m.visibleAtMs <= now) counts.visible += 1;
      else if (m.receiveCount === 0) counts.delayed += 1;
      else counts.notVisible += 1;
    }
    return counts;
  }
}
