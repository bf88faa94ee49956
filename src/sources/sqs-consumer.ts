/**
 * The SQS receive loop of the live workflow.
 *
 * Why not a library: bbc/sqs-consumer (the best-kept one) processes a received batch and only
 * then receives again, so one slow object stalls nine idle slots; it cannot make a failed message
 * visible again after a backoff that grows with its receive count, nor cap the keepalive at SQS's
 * 12 hours from the first receive. This loop receives only as many messages as there are free
 * slots (Filebeat's semaphore), keeps each one invisible while it is worked on, deletes in batches
 * with partial failures retried, and on stop makes unfinished messages visible again at once.
 */

import { setMaxListeners } from 'node:events';
import {
  ChangeMessageVisibilityCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { isAuthFailure } from '../aws/index.js';
import { exponentialDelayMs, sleepMs } from '../core/retry.js';
import { DeleteBatcher } from './delete-batcher.js';
import { validateConsumerOptions } from './validate-consumer-options.js';
import { VisibilityKeepalive } from './visibility-keepalive.js';

export interface SqsConsumerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /**
   * Handles one message; resolving means every object in it is durable and recorded, so the
   * message is deleted. Throwing makes it visible again after a backoff. The signal aborts on a
   * hard stop.
   */
  handleMessage: (message: Message, signal: AbortSignal) => Promise<void>;
  /** Messages worked on at once. Default 8. */
  concurrency?: number;
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
  keepalive: VisibilityKeepalive;
  done: Promise<void>;
}

export class SqsConsumer {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly stopReceiving = new AbortController();
  private readonly hardStop = new AbortController();
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private slotFreed: (() => void) | undefined;
  private readonly concurrency: number;
  private readonly visibilityTimeoutSec: number;
  private readonly deletes: DeleteBatcher;
  private readonly pendingDeletes = new Set<Promise<void>>();

  constructor(private readonly options: SqsConsumerOptions) {
    validateConsumerOptions(options);
    this.concurrency = options.concurrency ?? 8;
    this.visibilityTimeoutSec = options.visibilityTimeoutSec ?? 300;
    this.deletes = new DeleteBatcher({ sqs: options.sqs, queueUrl: options.queueUrl });
    // Every handler (and the pipeline under it) listens on the hard-stop signal.
    setMaxListeners(this.concurrency + 16, this.hardStop.signal);
  }

  /** Number of messages being worked on now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Age in seconds of the oldest message being worked on (by its SentTimestamp), or 0. */
  oldestMessageAgeSec(now = Date.now()): number {
    let oldest = now;
    for (const { message } of this.inFlight.values()) {
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
   * and makes those messages visible again. Idempotent: every call returns the same promise.
   */
  stop(graceMs = 30_000): Promise<void> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.stopReceiving.abort();
    this.slotFreed?.();
    // The long poll under way is not cut short before the grace period ends: a receive whose
    // connection is dropped can still be handed messages, which would then stay invisible until
    // their visibility timeout. What it brings after the stop is made visible again at once (see
    // receiveLoop). So an idle stop takes up to `waitTimeSec`.
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
      await Promise.all(left.map((f) => this.release(f.message, 0)));
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
    this.deletes.flush();
    await Promise.allSettled([...this.pendingDeletes]);
  }

  private async receiveLoop(): Promise<void> {
    // Consecutive failed receives: the pause doubles from receiveErrorBackoffMs up to a minute.
    let failedReceives = 0;
    const errorPause = { baseDelayMs: this.options.receiveErrorBackoffMs ?? 1000, maxDelayMs: 60_000 };
    while (!this.stopReceiving.signal.aborted) {
      const free = this.concurrency - this.inFlight.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => {
          this.slotFreed = resolve;
        });
        continue;
      }
      try {
        const response = await this.options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.queueUrl,
            MaxNumberOfMessages: Math.min(10, free),
            WaitTimeSeconds: this.options.waitTimeSec ?? 20,
            VisibilityTimeout: this.visibilityTimeoutSec,
            MessageSystemAttributeNames: [
              'ApproximateReceiveCount',
              'SentTimestamp',
              'ApproximateFirstReceiveTimestamp',
            ],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: this.hardStop.signal },
        );
        failedReceives = 0;
        this.emit('receiveSucceeded');
        const messages = response.Messages ?? [];
        if (messages.length > 0) this.emit('received', messages.length);
        if (this.stopReceiving.signal.aborted) {
          await Promise.all(messages.map((message) => this.release(message, 0)));
          break;
        }
        for (const message of messages) this.dispatch(message);
      } catch (error) {
        if (this.stopReceiving.signal.aborted) break;
        failedReceives++;
        const pauseMs = isAuthFailure(error)
          ? (this.options.authErrorBackoffMs ?? 30_000)
          : exponentialDelayMs(failedReceives, errorPause);
        this.emit('receiveError', error, pauseMs);
        await this.pause(pauseMs);
      }
    }
  }

  /** Waits `ms`, or less when the consumer stops receiving. */
  private async pause(ms: number): Promise<void> {
    await sleepMs(ms, this.stopReceiving.signal).catch(() => undefined);
  }

  private dispatch(message: Message): void {
    const id = message.MessageId ?? message.ReceiptHandle ?? String(Math.random());
    const firstReceived = Number(message.Attributes?.ApproximateFirstReceiveTimestamp ?? Date.now());
    const keepalive = new VisibilityKeepalive({
      sqs: this.options.sqs,
      queueUrl: this.options.queueUrl,
      receiptHandle: message.ReceiptHandle ?? '',
      visibilityTimeoutSec: this.visibilityTimeoutSec,
      intervalSec: this.options.heartbeatIntervalSec,
      firstReceivedAt: new Date(firstReceived),
    }).start();
    const done = this.work(message, keepalive).finally(() => {
      this.inFlight.delete(id);
      this.slotFreed?.();
      this.slotFreed = undefined;
    });
    this.inFlight.set(id, { message, keepalive, done });
  }

  private async work(message: Message, keepalive: VisibilityKeepalive): Promise<void> {
    try {
      await this.options.handleMessage(message, this.hardStop.signal);
      keepalive.stop();
      // The slot is free once the work is done: the deletion waits up to DeleteBatcher's maxWaitMs
      // for company, which would otherwise cost every message that much at low concurrency.
      const deletion = this.deleteMessage(message).then(() => this.emit('processed', message));
      this.pendingDeletes.add(deletion);
      void deletion.finally(() => this.pendingDeletes.delete(deletion));
    } catch (error) {
      keepalive.stop();
      if (this.hardStop.signal.aborted) return; // shutdown() makes it visible again
      this.emit('failed', message, error);
      const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
      const backoff = this.options.failureBackoffSec ?? defaultFailureBackoffSec;
      await this.release(message, backoff(receiveCount, error));
    } finally {
      keepalive.stop();
    }
  }

  private async deleteMessage(message: Message): Promise<void> {
    const outcome = await this.deletes.delete(message.ReceiptHandle ?? '');
    if (!outcome.deleted) this.emit('deleteError', message, outcome.code ?? 'unknown');
  }

  /** Makes a message visible again after `visibilitySec` (0 = now). Errors are reported, not thrown. */
  private async release(message: Message, visibilitySec: number): Promise<void> {
    try {
      await this.options.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.options.queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: visibilitySec,
        }),
      );
    } catch (error) {
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
