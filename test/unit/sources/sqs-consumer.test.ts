import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsConsumer } from '../../../src/sources/sqs-consumer.js';

const QUEUE = 'http://127.0.0.1/111111111111/q';
const sqsMock = mockClient(SQSClient);
const sqs = new SQSClient({ region: 'us-east-1' });

function message(id: string, receiveCount = 1): Message {
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

/** A queue for the mocked ReceiveMessage: returns what is pending, or nothing after a short long-poll. */
function fakeQueue(initial: Message[]) {
  const pending = [...initial];
  const asked: number[] = [];
  sqsMock.on(ReceiveMessageCommand).callsFake(async (input: { MaxNumberOfMessages: number }) => {
    asked.push(input.MaxNumberOfMessages);
    if (pending.length === 0) await new Promise((r) => setTimeout(r, 5));
    return { Messages: pending.splice(0, input.MaxNumberOfMessages) };
  });
  return { asked, push: (m: Message) => pending.push(m) };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });
  sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
});

/** The entries of every ChangeMessageVisibilityBatch call so far. */
const visibilityChanges = () =>
  sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);

describe('the SQS consumer', () => {
  it('without read-ahead receives only as many messages as it has free slots', async () => {
    const queue = fakeQueue([message('a'), message('b'), message('c')]);
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const consumer = new SqsConsumer({
      sqs,
      queueUrl: QUEUE,
      concurrency: 2,
      prefetch: 0,
      handleMessage: (m) => {
        const gate = deferred();
        gates.set(m.MessageId ?? '', gate);
        return gate.promise;
      },
    });
    consumer.start();
    await until(() => gates.size === 2);
    expect(queue.asked[0]).toBe(2);
    const receivesWhileFull = queue.asked.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(queue.asked.length).toBe(receivesWhileFull);
    gates.get('a')?.resolve();
    await until(() => gates.has('c'));
    expect(queue.asked.at(-1)).toBe(1);
    gates.get('b')?.resolve();
    gates.get('c')?.resolve();
    await consumer.stop(1000);
  });

  it('deletes a message only after its handler has finished', async () => {
    fakeQueue([message('a')]);
    const gate = deferred();
    const consumer = new SqsConsumer({ sqs, queueUrl: QUEUE, handleMessage: () => gate.promise });
    consumer.start();
    await until(() => consumer.inFlightCount === 1);
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    gate.resolve();
    await until(() => sqsMock.commandCalls(DeleteMessageBatchCommand).length === 1);
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'rh-a' },
    ]);
    await consumer.stop(1000);
  });

  it('makes a failed message visible again after a backoff that grows with its receive count', async () => {
    fakeQueue([message('a', 3)]);
    const failed: unknown[] = [];
    const consumer = new SqsConsumer({
      sqs,
      queueUrl: QUEUE,
      handleMessage: async () => {
        throw new Error('processor failed');
      },
      events: { failed: (_m, e) => failed.push(e) },
    });
    consumer.start();
    await until(() => visibilityChanges().length === 1);
    expect(visibilityChanges()).toEqual([{ Id: '0', ReceiptHandle: 'rh-a', VisibilityTimeout: 8 }]);
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    expect(failed).toEqual([new Error('processor failed')]);
    await consumer.stop(1000);
  });

  it('on stop lets in-flight work finish within the grace period and then deletes it', async () => {
    fakeQueue([message('a')]);
    const gate = deferred();
    const consumer = new SqsConsumer({ sqs, queueUrl: QUEUE, handleMessage: () => gate.promise });
    consumer.start();
    await until(() => consumer.inFlightCount === 1);
    const stopped = consumer.stop(5000);
    expect(consumer.stop(5000)).toBe(stopped);
    gate.resolve();
    await stopped;
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1);
  });

  it('after the grace period aborts unfinished work and makes its messages visible at once', async () => {
    fakeQueue([message('a')]);
    let aborted = false;
    const consumer = new SqsConsumer({
      sqs,
      queueUrl: QUEUE,
      handleMessage: (_m, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    });
    consumer.start();
    await until(() => consumer.inFlightCount === 1);
    await consumer.stop(20);
    expect(aborted).toBe(true);
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE, Entries: [{ Id: '0', ReceiptHandle: 'rh-a', VisibilityTimeout: 0 }] },
    ]);
  });

  it('frees the slot when the work is done, and stop waits for the deletion still under way', async () => {
    const queue = fakeQueue([message('a'), message('b')]);
    const deletion = deferred();
    sqsMock.on(DeleteMessageBatchCommand).callsFake(async () => {
      await deletion.promise;
      return { Successful: [{ Id: '0' }], Failed: [] };
    });
    const handled: string[] = [];
    const consumer = new SqsConsumer({
      sqs,
      queueUrl: QUEUE,
      concurrency: 1,
      handleMessage: async (m) => {
        handled.push(m.MessageId ?? '');
      },
    });
    consumer.start();
    // 'b' is taken while the deletion of 'a' still waits.
    await until(() => handled.length === 2);
    expect(queue.asked.length).toBeGreaterThanOrEqual(2);
    let stopped = false;
    const stopping = consumer.stop(1000).then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    deletion.resolve();
    await stopping;
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand).length).toBeGreaterThanOrEqual(1);
  });

  it("passes the handler's error to failureBackoffSec", async () => {
    fakeQueue([message('a', 4)]);
    const asked: Array<[number, unknown]> = [];
    const consumer = new SqsConsumer({
      sqs,
      queueUrl: QUEUE,
      handleMessage: async () => {
        throw new RangeError('not an event');
      },
      failureBackoffSec: (receiveCount, error) => {
        asked.push([receiveCount, error]);
        return 0;
      },
    });
    consumer.start();
    await until(() => visibilityChanges().length === 1);
    expect(asked).toEqual([[4, new RangeError('not an event')]]);
    expect(visibilityChanges()[0]?.VisibilityTimeout).toBe(0);
    await consumer.stop(1000);
  });

  it('pauses longer after a credentials error than after a passing one, and reports both', async () => {
    const errors: [string, number][] = [];
    let calls = 0;
    sqsMock.on(ReceiveMessageCommand).callsFake(async () => {
      calls++;
      const error = new Error('boom');
      error.name = calls === 1 ? 'ExpiredToken' : 'ServiceUnavailable';
      throw error;
    });
    const consumer = new SqsConsumer({
      sqs,
      queueUrl: QUEUE,
      handleMessage: async () => undefined,
      receiveErrorBackoffMs: 1,
      authErrorBackoffMs: 7,
      events: { receiveError: (e, ms) => errors.push([(e as Error).name, ms]) },
    });
    consumer.start();
    await until(() => errors.length >= 3);
    await consumer.stop(100);
    expect(errors.slice(0, 3)).toEqual([
      ['ExpiredToken', 7],
      ['ServiceUnavailable', 2],
      ['ServiceUnavailable', 4],
    ]);
  });

  it('keeps running when an event listener throws', async () => {
    fakeQueue([message('a'), message('b')]);
    const handled: string[] = [];
    const consumer = new SqsConsumer({
      sqs,
      queueUrl: QUEUE,
      concurrency: 1,
      handleMessage: async (m) => {
        handled.push(m.MessageId ?? '');
      },
      events: {
        processed: () => {
          throw new Error('listener bug');
        },
      },
    });
    consumer.start();
    await until(() => handled.length === 2);
    await consumer.stop(1000);
  });
});
