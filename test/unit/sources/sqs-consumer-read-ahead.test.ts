/**
 * The consumer's read-ahead and batching, on fake timers: a bounded number of messages held,
 * several receives in flight, deletions and visibility changes in batch calls.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqsConsumer, type SqsConsumerOptions } from '../../../src/sources/sqs-consumer.js';
import { FakeQueue, queueMessage, stopOnFakeClock as stop } from '../../helpers/fake-queue.js';

const QUEUE = 'http://127.0.0.1/111111111111/q';
/** What the fake queue's ReceiveMessage takes, in (fake) milliseconds. */
const RECEIVE_MS = 20;

/**
 * A queue of `count` messages: each receive answers after RECEIVE_MS with what is there (an empty
 * queue long-polls for WaitTimeSeconds).
 */
const fakeQueue = (count: number) =>
  new FakeQueue(
    Array.from({ length: count }, (_, i) => queueMessage(`m${String(i).padStart(3, '0')}`)),
    RECEIVE_MS,
  );

/** Handlers that finish when their gate is opened. */
function gatedHandlers() {
  const gates = new Map<string, { open: () => void; fail: (e: Error) => void }>();
  const started: string[] = [];
  const handleMessage: SqsConsumerOptions['handleMessage'] = (m) =>
    new Promise((resolve, reject) => {
      started.push(m.MessageId ?? '');
      gates.set(m.MessageId ?? '', { open: () => resolve(), fail: reject });
    });
  const open = (ids: string[]) => {
    for (const id of ids) gates.get(id)?.open();
  };
  return { handleMessage, started, gates, open };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('the consumer reading ahead', () => {
  it('holds at most concurrency + prefetch messages, with several receives in flight', async () => {
    const queue = fakeQueue(100);
    const handlers = gatedHandlers();
    const consumer = new SqsConsumer({ queue, queueUrl: QUEUE, concurrency: 4, prefetch: 20, ...handlers });
    consumer.start();
    await vi.advanceTimersByTimeAsync(0);
    // 24 may be held: two receives of ten go out at once, the third waits for a full batch.
    expect(queue.asked).toEqual([10, 10]);
    expect(queue.mostReceivesInFlight).toBe(2);
    await vi.advanceTimersByTimeAsync(RECEIVE_MS);
    expect(handlers.started).toHaveLength(4);
    expect(consumer.inFlightCount).toBe(4);
    expect(consumer.heldCount).toBe(20);
    await vi.advanceTimersByTimeAsync(1000);
    // Room for four is not worth a receive while sixteen messages wait for a slot.
    expect(queue.asked).toEqual([10, 10]);
    // Ten finished handlers free room for a full batch; the waiting messages take their slots at once.
    for (let round = 0; round < 3; round++) {
      handlers.open(handlers.started.slice(-4));
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(handlers.started).toHaveLength(16);
    expect(consumer.heldCount).toBeLessThanOrEqual(24);
    await vi.advanceTimersByTimeAsync(RECEIVE_MS);
    expect(consumer.heldCount).toBeLessThanOrEqual(24);
    expect(queue.asked.slice(2)).toEqual([10]);
    handlers.open([...handlers.gates.keys()]);
    await stop(consumer);
  });

  it('drains a backlog in order, every message deleted once, in calls of up to ten', async () => {
    const queue = fakeQueue(95);
    const handled: string[] = [];
    const consumer = new SqsConsumer({
      queue,
      queueUrl: QUEUE,
      concurrency: 8,
      handleMessage: async (m) => {
        handled.push(m.MessageId ?? '');
      },
    });
    consumer.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(handled).toEqual(Array.from({ length: 95 }, (_, i) => `m${String(i).padStart(3, '0')}`));
    const deleted = queue.deletedHandles;
    expect(deleted.flat().sort()).toEqual(handled.map((id) => `rh-${id}`));
    expect(Math.max(...deleted.map((d) => d.length))).toBe(10);
    // 95 deletions in at most 10 + a few calls, not 95.
    expect(deleted.length).toBeLessThan(15);
    await stop(consumer);
  });

  it('on stop makes received messages that never started visible again at once, in one call', async () => {
    const queue = fakeQueue(10);
    const handlers = gatedHandlers();
    const consumer = new SqsConsumer({ queue, queueUrl: QUEUE, concurrency: 2, prefetch: 8, ...handlers });
    consumer.start();
    await vi.advanceTimersByTimeAsync(RECEIVE_MS);
    expect(handlers.started).toEqual(['m000', 'm001']);
    const stopped = consumer.stop(60_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.visibilityChanges).toEqual([
      {
        QueueUrl: QUEUE,
        Entries: Array.from({ length: 8 }, (_, i) => ({
          Id: String(i),
          ReceiptHandle: `rh-m00${i + 2}`,
          VisibilityTimeout: 0,
        })),
      },
    ]);
    handlers.open(['m000', 'm001']);
    await vi.advanceTimersByTimeAsync(21_000);
    await stopped;
    expect(handlers.started).toEqual(['m000', 'm001']);
    expect(queue.deletedHandles).toEqual([['rh-m000', 'rh-m001']]);
  });

  it('keeps waiting and running messages invisible with one batch call per heartbeat', async () => {
    const queue = fakeQueue(3);
    const handlers = gatedHandlers();
    const consumer = new SqsConsumer({
      queue,
      queueUrl: QUEUE,
      concurrency: 1,
      prefetch: 2,
      visibilityTimeoutSec: 60,
      ...handlers,
    });
    consumer.start();
    await vi.advanceTimersByTimeAsync(RECEIVE_MS);
    expect(handlers.started).toEqual(['m000']);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(queue.changedHandles).toEqual([['rh-m000', 'rh-m001', 'rh-m002']]);
    handlers.open(['m000']);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(queue.changedHandles.at(-1)).toEqual(['rh-m001', 'rh-m002']);
    handlers.open(['m001']);
    await vi.advanceTimersByTimeAsync(0);
    handlers.open(['m002']);
    await stop(consumer);
    expect(queue.deletedHandles.flat()).toEqual(['rh-m000', 'rh-m001', 'rh-m002']);
  });

  it('reports a message whose deletion SQS refused for good, and one retried deletion once', async () => {
    const queue = fakeQueue(2);
    let call = 0;
    queue.answerDelete = (entries) => {
      call++;
      const failed = entries.filter(
        (e) => e.ReceiptHandle === 'rh-m000' || (call === 1 && e.ReceiptHandle === 'rh-m001'),
      );
      return failed.map((e) =>
        e.ReceiptHandle === 'rh-m000'
          ? { Id: e.Id, Code: 'ReceiptHandleIsInvalid', SenderFault: true }
          : { Id: e.Id, Code: 'InternalError', SenderFault: false },
      );
    };
    const processed: string[] = [];
    const deleteErrors: Array<[string, string]> = [];
    const consumer = new SqsConsumer({
      queue,
      queueUrl: QUEUE,
      handleMessage: async () => undefined,
      events: {
        processed: (m) => processed.push(m.MessageId ?? ''),
        deleteError: (m, code) => deleteErrors.push([m.MessageId ?? '', code]),
      },
    });
    consumer.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(queue.deletedHandles).toEqual([['rh-m000', 'rh-m001'], ['rh-m001']]);
    expect(deleteErrors).toEqual([['m000', 'ReceiptHandleIsInvalid']]);
    expect(processed.sort()).toEqual(['m000', 'm001']);
    await stop(consumer);
  });

  it('hands failed messages back in one ChangeMessageVisibilityBatch call, each with its backoff', async () => {
    const queue = fakeQueue(3);
    const consumer = new SqsConsumer({
      queue,
      queueUrl: QUEUE,
      handleMessage: async (m) => {
        throw new Error(`cannot handle ${m.MessageId}`);
      },
      failureBackoffSec: (_count, error) => ((error as Error).message.endsWith('m001') ? 30 : 5),
    });
    consumer.start();
    await vi.advanceTimersByTimeAsync(RECEIVE_MS + 20);
    expect(queue.visibilityChanges.map((c) => c.Entries)).toEqual([
      [
        { Id: '0', ReceiptHandle: 'rh-m000', VisibilityTimeout: 5 },
        { Id: '1', ReceiptHandle: 'rh-m001', VisibilityTimeout: 30 },
        { Id: '2', ReceiptHandle: 'rh-m002', VisibilityTimeout: 5 },
      ],
    ]);
    expect(queue.deletes).toHaveLength(0);
    await stop(consumer);
  });
});
