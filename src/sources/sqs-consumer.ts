/**
 * The SQS receive loop of the live workflow.
 *
 * Why not a library: bbc/sqs-consumer (the best-kept one) processes a received batch and only
 * then receives again, so one slow object stalls nine idle slots; it cannot make a failed message
 * visible again after a backoff that grows with its receive count, nor cap the keepalive at SQS's
 * 12 hours from the first receive. This loop holds at most `concurrency + prefetch` messages
 * (Filebeat's semaphore, plus a small read-ahead): several ReceiveMessage calls are in flight while
 * handlers run, so a free slot finds a message waiting instead of waiting for a receive. Every held
 * message is kept invisible (one timer, batched extensions), deleted in DeleteMessageBatch calls
 * once its handler succeeded, and handed back with ChangeMessageVisibilityBatch when it failed or
 * is unfinished at stop.
 */

import { setMaxListeners } from 'node:events';
import type { Message } from '@aws-sdk/client-sqs';
import { isAuthFailure } from '../aws/index.js';
import { exponentialDelayMs, sleepMs } from '../core/retry.js';
import { DeleteBatcher } from './delete-batcher.js';
import type { MessageQueue } from './message-queue.js';
import { DEFAULT_VISIBILITY_TIMEOUT_SEC, validateConsumerOptions } from './validate-consumer-options.js';
import { VisibilityBatcher } from './visibility-batcher.js';
import { VisibilityKeepalive } from './visibility-keepalive.js';

export interface SqsConsumerOptions {
  /** The queue's operations: `sqsMessageQueue(client)` for an SQS client in the queue's region. */
  queue: MessageQueue;
  queueUrl: string;
  /**
   * Handles one message; resolving means every object in it is durable and recorded, so the
   * message is deleted. Throwing makes it visible again after a backoff. The signal aborts on a
   * hard stop.
   */
  handleMessage: (message: Message, signal: AbortSignal) => Promise<void>;
  /** Messages worked on at once. Default 8. */
  concurrency?: number;
  /**
   * Messages received ahead of a free slot, held (invisible) until a handler takes them, so that
   * handlers never wait on a receive. At most `concurrency + prefetch` messages are held at once.
   * Default: `concurrency`, at most 50.
   */
  prefetch?: number;
  /** Longest a deletion or visibility change waits for others to share its batch call, in milliseconds. Default 20. */
  batchWaitMs?: number;
  /** Long-poll wait per receive, 0..20 seconds. Default 20. */
  waitTimeSec?: number;
  /** Visibility timeout asked for at receive and at each keepalive, in seconds. Default 300. */
  visibilityTimeoutSec?: number;
  /** Keepalive interval in seconds. Default half the visibility timeout. */
  heartbeatIntervalSec?: number;
  /**
   * Visibility a failed message gets before its next attempt, in seconds, from its receive count
   * and the handler's error. Default 2^n s, at most 15 min.
   */
  failureBackoffSec?: (receiveCount: number, error: unknown) => number;
  /** After a hard stop, how long to wait for aborted handlers to unwind, in milliseconds. Default 5000. */
  unwindMs?: number;
  /** Pause after a failed receive, doubled on each failure up to 60 s; reset after a success. Default 1 s. */
  receiveErrorBackoffMs?: number;
  /** Pause after a credentials or permission error on receive (they rarely heal in seconds). Default 30 s. */
  authErrorBackoffMs?: number;
  /** Observers; a listener that throws never stops the loop. */
  events?: Partial<SqsConsumerEvents>;
}

export interface SqsConsumerEvents {
  received(count: number): void;
  processed(message: Message): void;
  failed(message: Message, error: unknown): void;
  receiveError(error: unknown, pauseMs: number): void;
  /** A receive succeeded (empty or not): the queue is reachable again after a receiveError. */
  receiveSucceeded(): void;
  deleteError(message: Message, code: string): void;
}

/** A failed message's redelivery delay: 2^receiveCount seconds, at most 15 minutes. */
export const defaultFailureBackoffSec = (receiveCount: number): number =>
  exponentialDelayMs(Math.max(0, receiveCount) + 1, { baseDelayMs: 1000, maxDelayMs: 15 * 60_000 }) / 1000;

interface InFlight {
  message: Message;
  done: Promise<void>;
}

/** Attributes every receive asks for: the receive count (backoff), send and first-receive times. */
const SYSTEM_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'ApproximateFirstReceiveTimestamp',
] as const;

export class SqsConsumer {
  private readonly inFlight = new Map<Message, InFlight>();
  /** Received, held invisible, waiting for a free slot (oldest first). */
  private readonly waiting: Message[] = [];
  /** Messages asked for by the receives in flight (a receive may bring them all). */
  private asked = 0;
  private readonly receives = new Set<Promise<void>>();
  private readonly stopReceiving = new AbortController();
  private readonly hardStop = new AbortController();
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Consecutive failed receives: the pause doubles from receiveErrorBackoffMs up to a minute. */
  private failedReceives = 0;
  private pauseMs = 0;
  private readonly concurrency: number;
  private readonly prefetch: number;
  private readonly visibilityTimeoutSec: number;
  private readonly deletes: DeleteBatcher;
  private readonly visibility: VisibilityBatcher;
  private readonly keepalive: VisibilityKeepalive;
  private readonly pendingDeletes = new Set<Promise<void>>();

  constructor(private readonly options: SqsConsumerOptions) {
    validateConsumerOptions(options);
    this.concurrency = options.concurrency ?? 8;
    this.prefetch = options.prefetch ?? Math.min(this.concurrency, 50);
    this.visibilityTimeoutSec = options.visibilityTimeoutSec ?? DEFAULT_VISIBILITY_TIMEOUT_SEC;
    const batching = {
      queue: options.queue,
      queueUrl: options.queueUrl,
      maxWaitMs: options.batchWaitMs ?? 20,
    };
    this.deletes = new DeleteBatcher(batching);
    this.visibility = new VisibilityBatcher(batching);
    this.keepalive = new VisibilityKeepalive({
      change: (receiptHandle, sec) => this.visibility.change(receiptHandle, sec),
      flush: () => this.visibility.flush(),
      visibilityTimeoutSec: this.visibilityTimeoutSec,
      intervalSec: options.heartbeatIntervalSec,
    });
    // Every handler (and the pipeline under it) listens on the hard-stop signal.
    setMaxListeners(this.concurrency + 16, this.hardStop.signal);
  }

  /** Number of messages being worked on now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Number of messages held now: worked on, or received and waiting for a free slot. */
  get heldCount(): number {
    return this.inFlight.size + this.waiting.length;
  }

  /** Age in seconds of the oldest message being worked on (by its SentTimestamp), or 0. */
  oldestMessageAgeSec(now = Date.now()): number {
    let oldest = now;
    for (const message of this.inFlight.keys()) {
      const sent = Number(message.Attributes?.SentTimestamp ?? now);
      oldest = Math.min(oldest, sent);
    }
    return Math.max(0, Math.floor((now - oldest) / 1000));
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.receiveLoop();
  }

  /**
   * Stops receiving, lets in-flight work finish for up to `graceMs`, then aborts what is left
   * and makes those messages visible again. Messages received but not started are made visible
   * again at once. Idempotent: every call returns the same promise.
   */
  stop(graceMs = 30_000): Promise<void> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.stopReceiving.abort();
    this.wakeUp();
    const unstarted = this.waiting.splice(0);
    const releasing = this.releaseNow(unstarted);
    // The long polls under way are not cut short before the grace period ends: a receive whose
    // connection is dropped can still be handed messages, which would then stay invisible until
    // their visibility timeout. What they bring after the stop is made visible again at once (see
    // receiveInto). So an idle stop takes up to `waitTimeSec`.
    const drained = (async () => {
      await this.loop?.catch(() => undefined);
      await Promise.allSettled([...this.inFlight.values()].map((f) => f.done));
    })();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const outcome = await Promise.race([drained.then(() => 'drained' as const), grace]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      const left = [...this.inFlight.values()];
      this.hardStop.abort();
      await this.releaseNow(left.map((f) => f.message));
      await this.loop?.catch(() => undefined);
      // Aborted handlers still unwind (temporary files, ledger calls): let them finish before the
      // caller closes what they use, but never wait forever.
      let unwindTimer: NodeJS.Timeout | undefined;
      const unwind = new Promise<void>((resolve) => {
        unwindTimer = setTimeout(resolve, this.options.unwindMs ?? 5000);
      });
      await Promise.race([Promise.allSettled(left.map((f) => f.done)), unwind]);
      clearTimeout(unwindTimer);
    }
    await releasing;
    this.keepalive.stop();
    this.deletes.flush();
    this.visibility.flush();
    await Promise.allSettled([...this.pendingDeletes]);
  }

  /** Room for more messages: held ones and those asked for count against `concurrency + prefetch`. */
  private room(): number {
    return this.concurrency + this.prefetch - this.heldCount - this.asked;
  }

  private async receiveLoop(): Promise<void> {
    // A receive asks for a full batch when the read-ahead is deep enough: a receive for every
    // single freed slot would cost a ReceiveMessage per message.
    const batch = Math.min(10, Math.max(1, this.prefetch));
    while (!this.stopReceiving.signal.aborted) {
      if (this.pauseMs > 0) {
        const pauseMs = this.pauseMs;
        this.pauseMs = 0;
        await this.pause(pauseMs);
        continue;
      }
      const room = this.room();
      // Full batches only, unless handlers would otherwise wait: nothing is waiting and no receive
      // is in flight (always so without read-ahead).
      if (room >= batch || (room > 0 && this.receives.size === 0 && this.waiting.length === 0)) {
        const ask = Math.min(10, room);
        this.asked += ask;
        const receive = this.receiveInto(ask).finally(() => {
          this.asked -= ask;
          this.receives.delete(receive);
          this.wakeUp();
        });
        this.receives.add(receive);
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    await Promise.allSettled([...this.receives]);
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** One ReceiveMessage of up to `ask` messages; they wait for a slot, or go back after a stop. */
  private async receiveInto(ask: number): Promise<void> {
    try {
      const response = await this.options.queue.receiveMessage(
        {
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: ask,
          WaitTimeSeconds: this.options.waitTimeSec ?? 20,
          VisibilityTimeout: this.visibilityTimeoutSec,
          MessageSystemAttributeNames: [...SYSTEM_ATTRIBUTES],
          MessageAttributeNames: ['All'],
        },
        this.hardStop.signal,
      );
      this.failedReceives = 0;
      this.emit('receiveSucceeded');
      const messages = response.Messages ?? [];
      if (messages.length === 0) return;
      this.emit('received', messages.length);
      if (this.stopReceiving.signal.aborted) {
        await this.releaseNow(messages);
        return;
      }
      const now = Date.now();
      for (const message of messages) {
        const firstReceived = Number(message.Attributes?.ApproximateFirstReceiveTimestamp ?? now);
        this.keepalive.hold(message.ReceiptHandle ?? '', firstReceived);
        this.waiting.push(message);
      }
      this.startWaiting();
    } catch (error) {
      if (this.stopReceiving.signal.aborted) return;
      this.failedReceives++;
      const errorPause = { baseDelayMs: this.options.receiveErrorBackoffMs ?? 1000, maxDelayMs: 60_000 };
      const pauseMs = isAuthFailure(error)
        ? (this.options.authErrorBackoffMs ?? 30_000)
        : exponentialDelayMs(this.failedReceives, errorPause);
      this.emit('receiveError', error, pauseMs);
      this.pauseMs = Math.max(this.pauseMs, pauseMs);
    }
  }

  /** Waits `ms`, or less when the consumer stops receiving. */
  private async pause(ms: number): Promise<void> {
    await sleepMs(ms, this.stopReceiving.signal).catch(() => undefined);
  }

  /** Hands waiting messages to free slots, oldest first. */
  private startWaiting(): void {
    while (this.inFlight.size < this.concurrency && this.waiting.length > 0) {
      const message = this.waiting.shift() as Message;
      const done = this.work(message).finally(() => {
        this.inFlight.delete(message);
        this.startWaiting();
        this.wakeUp();
      });
      this.inFlight.set(message, { message, done });
    }
  }

  private async work(message: Message): Promise<void> {
    const receiptHandle = message.ReceiptHandle ?? '';
    try {
      await this.options.handleMessage(message, this.hardStop.signal);
      this.keepalive.release(receiptHandle);
      // The slot is free once the work is done: the deletion waits up to batchWaitMs for company,
      // which would otherwise cost every message that much at low concurrency.
      const deletion = this.deleteMessage(message).then(() => this.emit('processed', message));
      this.pendingDeletes.add(deletion);
      void deletion.finally(() => this.pendingDeletes.delete(deletion));
    } catch (error) {
      this.keepalive.release(receiptHandle);
      if (this.hardStop.signal.aborted) return; // shutdown() makes it visible again
      this.emit('failed', message, error);
      const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
      const backoff = this.options.failureBackoffSec ?? defaultFailureBackoffSec;
      await this.release(message, backoff(receiveCount, error));
    }
  }

  private async deleteMessage(message: Message): Promise<void> {
    const outcome = await this.deletes.delete(message.ReceiptHandle ?? '');
    if (!outcome.deleted) this.emit('deleteError', message, outcome.code ?? 'unknown');
  }

  /** Makes messages visible again at once, in batch calls sent without waiting for company. */
  private async releaseNow(messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    const released = Promise.all(messages.map((message) => this.release(message, 0)));
    this.visibility.flush();
    await released;
  }

  /** Makes a message visible again after `visibilitySec` (0 = now). Errors are reported, not thrown. */
  private async release(message: Message, visibilitySec: number): Promise<void> {
    this.keepalive.release(message.ReceiptHandle ?? '');
    const outcome = await this.visibility.change(message.ReceiptHandle ?? '', visibilitySec);
    if (!outcome.ok) {
      const error = new Error(`could not make the message visible again (${outcome.code})`);
      error.name = outcome.code ?? 'ChangeMessageVisibilityFailed';
      this.emit('failed', message, error);
    }
  }

  private emit<K extends keyof SqsConsumerEvents>(name: K, ...args: Parameters<SqsConsumerEvents[K]>): void {
    const listener = this.options.events?.[name] as ((...a: unknown[]) => void) | undefined;
    try {
      listener?.(...args);
    } catch {
      // A listener that throws must never kill the loop.
    }
  }
}
