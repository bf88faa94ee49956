/**
 * The consumer's receive loop on a fake queue and fake timers: free slots, deletion after the
 * handler, backoff of failed messages, stop within and after the grace period, receive errors.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqsConsumer, type SqsConsumerOptions } from '../../../src/sources/sqs-consumer.js';
import { deferred, FakeQueue, queueMessage, stopOnFakeClock } from '../../helpers/fake-queue.js';

const QUEUE = 'http://127.0.0.1/111111111111/q';
/** Consumer options on `queue`: an empty queue's long poll lasts one (fake) second. */
const on = (queue: FakeQueue) => ({ queue, queueUrl: QUEUE, waitTimeSec: 1 });
/** The entries of every ChangeMessageVisibilityBatch call so far. */
const visibilityChanges = (queue: FakeQueue) => queue.visibilityChanges.flatMap((c) => c.Entries ?? []);
/** A deletion or visibility change waits this long (the default batchWaitMs) for company. */
const BATCH_WAIT_MS = 20;

/** A handler that records the id of every message it handled. */
function recordingHandler() {
  const handled: string[] = [];
  const handleMessage: SqsConsumerOptions['handleMessage'] = async (m) => {
    handled.push(m.MessageId ?? '');
  };
  return { handled, handleMessage };
}

/** A consumer started on a queue holding message `a`, once its handler is working on it. */
async function workingOnA(handleMessage: SqsConsumerOptions['handleMessage']) {
  const queue = new FakeQueue([queueMessage('a')]);
  const consumer = new SqsConsumer({ ...on(queue), handleMessage });
  consumer.start();
  await vi.advanceTimersByTimeAsync(0);
  expect(consumer.inFlightCount).toBe(1);
  return { queue, consumer };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('the SQS consumer', () => {
  it('without read-ahead receives only as many messages as it has free slots', async () => {
    const queue = new FakeQueue([queueMessage('a'), queueMessage('b'), queueMessage('c')]);
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const consumer = new SqsConsumer({
      ...on(queue),
      concurrency: 2,
      prefetch: 0,
      handleMessage: (m) => {
        const gate = deferred();
        gates.set(m.MessageId ?? '', gate);
        return gate.promise;
      },
    });
    consumer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(gates.size).toBe(2);
    expect(queue.asked[0]).toBe(2);
    const receivesWhileFull = queue.asked.length;
    await vi.advanceTimersByTimeAsync(30);
    expect(queue.asked.length).toBe(receivesWhileFull);
    gates.get('a')?.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(gates.has('c')).toBe(true);
    expect(queue.asked.at(-1)).toBe(1);
    gates.get('b')?.resolve();
    gates.get('c')?.resolve();
    await stopOnFakeClock(consumer);
  });

  it('deletes a message only after its handler has finished', async () => {
    const gate = deferred();
    const { queue, consumer } = await workingOnA(() => gate.promise);
    await vi.advanceTimersByTimeAsync(BATCH_WAIT_MS);
    expect(queue.deletes).toHaveLength(0);
    gate.resolve();
    await vi.advanceTimersByTimeAsync(BATCH_WAIT_MS);
    expect(queue.deletes).toHaveLength(1);
    expect(queue.deletes[0]?.Entries).toEqual([{ Id: '0', ReceiptHandle: 'rh-a' }]);
    await stopOnFakeClock(consumer);
  });

  it('makes a failed message visible again after a backoff that grows with its receive count', async () => {
    const queue = new FakeQueue([queueMessage('a', 3)]);
    const failed: unknown[] = [];
    const consumer = new SqsConsumer({
      ...on(queue),
      handleMessage: async () => {
        throw new Error('processor failed');
      },
      events: { failed: (_m, e) => failed.push(e) },
    });
    consumer.start();
    await vi.advanceTimersByTimeAsync(BATCH_WAIT_MS);
    expect(visibilityChanges(queue)).toEqual([{ Id: '0', ReceiptHandle: 'rh-a', VisibilityTimeout: 8 }]);
    expect(queue.deletes).toHaveLength(0);
    expect(failed).toEqual([new Error('processor failed')]);
    await stopOnFakeClock(consumer);
  });

  it('on stop lets in-flight work finish within the grace period and then deletes it', async () => {
    const gate = deferred();
    const { queue, consumer } = await workingOnA(() => gate.promise);
    const stopped = consumer.stop(5000);
    expect(consumer.stop(5000)).toBe(stopped);
    gate.resolve();
    // The long poll under way ends after a second, well within the grace period.
    await vi.advanceTimersByTimeAsync(1000);
    await stopped;
    expect(queue.deletes).toHaveLength(1);
  });

  it('after the grace period aborts unfinished work and makes its messages visible at once', async () => {
    let aborted = false;
    const { queue, consumer } = await workingOnA(
      (_m, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    );
    const stopped = consumer.stop(20);
    await vi.advanceTimersByTimeAsync(20);
    await stopped;
    expect(aborted).toBe(true);
    expect(queue.deletes).toHaveLength(0);
    expect(queue.visibilityChanges).toEqual([
      { QueueUrl: QUEUE, Entries: [{ Id: '0', ReceiptHandle: 'rh-a', VisibilityTimeout: 0 }] },
    ]);
  });

  it('frees the slot when the work is done, and stop waits for the deletion still under way', async () => {
    const queue = new FakeQueue([queueMessage('a'), queueMessage('b')]);
    const deletion = deferred();
    queue.answerDelete = async () => {
      await deletion.promise;
      return [];
    };
    const { handled, handleMessage } = recordingHandler();
    const consumer = new SqsConsumer({
      ...on(queue),
      concurrency: 1,
      handleMessage,
    });
    consumer.start();
    // 'b' is taken while the deletion of 'a' still waits.
    await vi.advanceTimersByTimeAsync(0);
    expect(handled).toHaveLength(2);
    expect(queue.asked.length).toBeGreaterThanOrEqual(2);
    let stopped = false;
    const stopping = consumer.stop(1000).then(() => {
      stopped = true;
    });
    // Past the long poll under way and the grace period: only the deletion holds the stop.
    await vi.advanceTimersByTimeAsync(1500);
    expect(stopped).toBe(false);
    deletion.resolve();
    await stopping;
    expect(queue.deletes.length).toBeGreaterThanOrEqual(1);
  });

  it("passes the handler's error to failureBackoffSec", async () => {
    const queue = new FakeQueue([queueMessage('a', 4)]);
    const asked: Array<[number, unknown]> = [];
    const consumer = new SqsConsumer({
      ...on(queue),
      handleMessage: async () => {
        throw new RangeError('not an event');
      },
      failureBackoffSec: (receiveCount, error) => {
        asked.push([receiveCount, error]);
        return 0;
      },
    });
    consumer.start();
    await vi.advanceTimersByTimeAsync(BATCH_WAIT_MS);
    expect(visibilityChanges(queue)).toHaveLength(1);
    expect(asked).toEqual([[4, new RangeError('not an event')]]);
    expect(visibilityChanges(queue)[0]?.VisibilityTimeout).toBe(0);
    await stopOnFakeClock(consumer);
  });

  it('pauses longer after a credentials error than after a passing one, and reports both', async () => {
    const queue = new FakeQueue();
    const errors: [string, number][] = [];
    let calls = 0;
    queue.answerReceive = async () => {
      calls++;
      const error = new Error('boom');
      error.name = calls === 1 ? 'ExpiredToken' : 'ServiceUnavailable';
      throw error;
    };
    const consumer = new SqsConsumer({
      ...on(queue),
      handleMessage: async () => undefined,
      receiveErrorBackoffMs: 1,
      authErrorBackoffMs: 7,
      events: { receiveError: (e, ms) => errors.push([(e as Error).name, ms]) },
    });
    consumer.start();
    // Receives at 0, 7 (after the credentials pause) and 9 ms (after the first passing one).
    await vi.advanceTimersByTimeAsync(9);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    await stopOnFakeClock(consumer, 100);
    expect(errors.slice(0, 3)).toEqual([
      ['ExpiredToken', 7],
      ['ServiceUnavailable', 2],
      ['ServiceUnavailable', 4],
    ]);
  });

  it('keeps running when an event listener throws', async () => {
    const queue = new FakeQueue([queueMessage('a'), queueMessage('b')]);
    const { handled, handleMessage } = recordingHandler();
    const consumer = new SqsConsumer({
      ...on(queue),
      concurrency: 1,
      handleMessage,
      events: {
        processed: () => {
          throw new Error('listener bug');
        },
      },
    });
    consumer.start();
    await vi.advanceTimersByTimeAsync(BATCH_WAIT_MS);
    expect(handled).toHaveLength(2);
    await stopOnFakeClock(consumer);
  });
});
