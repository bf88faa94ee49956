/**
 * The one fake of the live source's queue (`MessageQueue`) for unit tests on fake timers, so they
 * need no SDK module mock: ReceiveMessage hands out what is pending (after `receiveMs`, or at once),
 * and with nothing pending long-polls for its WaitTimeSeconds as SQS does; an aborted receive
 * rejects as the SDK's does. Batch calls are recorded and succeed unless a test answers them.
 */
import type {
  ChangeMessageVisibilityBatchCommandInput,
  DeleteMessageBatchCommandInput,
  Message,
  ReceiveMessageCommandInput,
} from '@aws-sdk/client-sqs';
import { vi } from 'vitest';
import { sleepMs } from '../../src/core/retry.js';
import type { BatchFailures, MessageQueue, ReceivedMessages } from '../../src/sources/message-queue.js';
import type { SqsConsumer } from '../../src/sources/sqs-consumer.js';

type FailedEntry = NonNullable<BatchFailures['Failed']>[number];

/** Answers one batch call with the entries that failed; throwing fails the whole call. */
export type BatchAnswer<E> = (entries: E[]) => FailedEntry[] | Promise<FailedEntry[]>;

type DeleteEntry = NonNullable<DeleteMessageBatchCommandInput['Entries']>[number];
type VisibilityEntry = NonNullable<ChangeMessageVisibilityBatchCommandInput['Entries']>[number];

export class FakeQueue implements MessageQueue {
  /** Messages waiting to be received, oldest first. */
  readonly pending: Message[];
  /** Every ReceiveMessage input, in order. */
  readonly receives: ReceiveMessageCommandInput[] = [];
  /** Every DeleteMessageBatch input, in order. */
  readonly deletes: DeleteMessageBatchCommandInput[] = [];
  /** Every ChangeMessageVisibilityBatch input, in order. */
  readonly visibilityChanges: ChangeMessageVisibilityBatchCommandInput[] = [];
  /** The most ReceiveMessage calls under way at once. */
  mostReceivesInFlight = 0;
  /** Answers receives instead of the pending messages when set (throw to fail one). */
  answerReceive: ((input: ReceiveMessageCommandInput) => Promise<ReceivedMessages>) | undefined;
  /** Which entries of a DeleteMessageBatch call fail. Default: none. */
  answerDelete: BatchAnswer<DeleteEntry> = () => [];
  /** Which entries of a ChangeMessageVisibilityBatch call fail. Default: none. */
  answerVisibility: BatchAnswer<VisibilityEntry> = () => [];
  private receivesInFlight = 0;

  /** @param receiveMs how long a receive that finds messages takes, in (fake) milliseconds. */
  constructor(
    messages: Message[] = [],
    private readonly receiveMs = 0,
  ) {
    this.pending = [...messages];
  }

  /** MaxNumberOfMessages of every receive so far. */
  get asked(): number[] {
    return this.receives.map((input) => input.MaxNumberOfMessages ?? 1);
  }

  /** The receipt handles of every DeleteMessageBatch call so far, a list per call. */
  get deletedHandles(): string[][] {
    return this.deletes.map((input) => (input.Entries ?? []).map((e) => e.ReceiptHandle ?? ''));
  }

  /** The receipt handles of every ChangeMessageVisibilityBatch call so far, a list per call. */
  get changedHandles(): string[][] {
    return this.visibilityChanges.map((input) => (input.Entries ?? []).map((e) => e.ReceiptHandle ?? ''));
  }

  async receiveMessage(input: ReceiveMessageCommandInput, signal?: AbortSignal): Promise<ReceivedMessages> {
    this.receives.push(input);
    this.receivesInFlight++;
    this.mostReceivesInFlight = Math.max(this.mostReceivesInFlight, this.receivesInFlight);
    try {
      if (this.answerReceive) return await this.answerReceive(input);
      if (this.pending.length === 0) await sleepMs((input.WaitTimeSeconds ?? 0) * 1000, signal);
      else if (this.receiveMs > 0) await sleepMs(this.receiveMs, signal);
      return { Messages: this.pending.splice(0, input.MaxNumberOfMessages ?? 1) };
    } finally {
      this.receivesInFlight--;
    }
  }

  async deleteMessageBatch(input: DeleteMessageBatchCommandInput): Promise<BatchFailures> {
    this.deletes.push(input);
    return { Failed: await this.answerDelete(input.Entries ?? []) };
  }

  async changeMessageVisibilityBatch(
    input: ChangeMessageVisibilityBatchCommandInput,
  ): Promise<BatchFailures> {
    this.visibilityChanges.push(input);
    return { Failed: await this.answerVisibility(input.Entries ?? []) };
  }
}

/** A received message as SQS returns it: receipt handle `rh-<id>`, sent and first received now. */
export function queueMessage(id: string, receiveCount = 1): Message {
  return {
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: '{}',
    Attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
  };
}

/** A promise the test settles by hand (a handler's or a call's gate). */
export function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Stops a consumer on the fake clock, letting it run through the long polls still under way (20 s at most). */
export async function stopOnFakeClock(consumer: SqsConsumer, graceMs = 1000): Promise<void> {
  const stopped = consumer.stop(graceMs);
  await vi.advanceTimersByTimeAsync(21_000);
  await stopped;
}
