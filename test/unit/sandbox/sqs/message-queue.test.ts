import { beforeEach, describe, expect, it } from 'vitest';
import { md5OfBody } from '../../../../sandbox/sqs/message-attributes.js';
import type { MessageQueue, NewMessage } from '../../../../sandbox/sqs/message-queue.js';
import { defaultQueueAttributes } from '../../../../sandbox/sqs/queue-attributes.js';
import { QueueRegistry, queueArn } from '../../../../sandbox/sqs/queue-registry.js';
import { decodeReceiptHandle } from '../../../../sandbox/sqs/receipt-handle.js';
import { ENDPOINT, FakeClock, settle, VENDOR } from './fakes.js';

function message(body: string, delaySec?: number): NewMessage {
  return {
    body,
    md5OfBody: md5OfBody(body),
    attributes: {},
    systemAttributes: {},
    senderId: VENDOR,
    delaySec,
  };
}

let clock: FakeClock;
let registry: QueueRegistry;

function makeQueue(name: string, attributes: Record<string, string> = {}): MessageQueue {
  const arn = queueArn('us-east-1', VENDOR, name);
  return registry.create(
    { name, accountId: VENDOR, region: 'us-east-1', arn },
    { ...defaultQueueAttributes(), ...attributes },
  );
}

beforeEach(() => {
  clock = new FakeClock();
  registry = new QueueRegistry(clock, () => ENDPOINT);
});

describe('visibility timeout', () => {
  it('hides a received message until its visibility timeout ends, then redelivers it with a higher receive count', async () => {
    const q = makeQueue('vis', { VisibilityTimeout: '30' });
    q.send(message('hello'));
    const [first] = q.takeVisible({ maxMessages: 1 });
    expect(first?.message.receiveCount).toBe(1);
    expect(q.takeVisible({ maxMessages: 1 })).toEqual([]);
    expect(q.counts()).toEqual({ visible: 0, notVisible: 1, delayed: 0 });
    await clock.advance(29_999);
    expect(q.takeVisible({ maxMessages: 1 })).toEqual([]);
    await clock.advance(1);
    const [again] = q.takeVisible({ maxMessages: 1 });
    expect(again?.message.body).toBe('hello');
    expect(again?.message.receiveCount).toBe(2);
    expect(again?.receiptHandle).not.toBe(first?.receiptHandle);
  });

  it('uses the visibility timeout given with the receive instead of the queue default', async () => {
    const q = makeQueue('vis-override', { VisibilityTimeout: '300' });
    q.send(message('m'));
    q.takeVisible({ maxMessages: 1, visibilityTimeoutSec: 5 });
    await clock.advance(5_000);
    expect(q.takeVisible({ maxMessages: 1 })).toHaveLength(1);
  });

  it('returns at most maxMessages messages, oldest first', () => {
    const q = makeQueue('max');
    for (let i = 0; i < 5; i++) q.send(message(`m${i}`));
    expect(q.takeVisible({ maxMessages: 3 }).map((r) => r.message.body)).toEqual(['m0', 'm1', 'm2']);
    expect(q.takeVisible({ maxMessages: 10 }).map((r) => r.message.body)).toEqual(['m3', 'm4']);
  });
});

describe('delay', () => {
  it('keeps a delayed message back, counted as delayed, until the delay ends', async () => {
    const q = makeQueue('delay');
    q.send(message('later', 10));
    expect(q.counts()).toEqual({ visible: 0, notVisible: 0, delayed: 1 });
    expect(q.takeVisible({ maxMessages: 1 })).toEqual([]);
    await clock.advance(10_000);
    expect(q.counts()).toEqual({ visible: 1, notVisible: 0, delayed: 0 });
  });

  it("applies the queue's DelaySeconds when the message sets none", async () => {
    const q = makeQueue('queue-delay', { DelaySeconds: '3' });
    q.send(message('x'));
    expect(q.takeVisible({ maxMessages: 1 })).toEqual([]);
    await clock.advance(3_000);
    expect(q.takeVisible({ maxMessages: 1 })).toHaveLength(1);
  });
});

describe('long polling', () => {
  it('returns as soon as a message is sent, without waiting for the wait time to pass', async () => {
    const q = makeQueue('lp-send');
    const pending = q.receive({ maxMessages: 10, waitTimeSec: 20 });
    await settle();
    q.send(message('arrived'));
    const got = await pending;
    expect(got.map((r) => r.message.body)).toEqual(['arrived']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('returns when an in-flight message becomes visible again during the wait', async () => {
    const q = makeQueue('lp-visible', { VisibilityTimeout: '5' });
    q.send(message('retry'));
    q.takeVisible({ maxMessages: 1 });
    let result: string[] | undefined;
    const pending = q.receive({ maxMessages: 1, waitTimeSec: 20 }).then((r) => {
      result = r.map((x) => x.message.body);
    });
    await clock.advance(4_999);
    expect(result).toBeUndefined();
    await clock.advance(1);
    await pending;
    expect(result).toEqual(['retry']);
  });

  it('returns nothing once the wait time has passed with no message', async () => {
    const q = makeQueue('lp-empty');
    let result: unknown;
    const pending = q.receive({ maxMessages: 1, waitTimeSec: 20 }).then((r) => {
      result = r;
    });
    await clock.advance(19_999);
    expect(result).toBeUndefined();
    await clock.advance(1);
    await pending;
    expect(result).toEqual([]);
  });

  it("uses the queue's ReceiveMessageWaitTimeSeconds when the receive gives no wait time", async () => {
    const q = makeQueue('lp-default', { ReceiveMessageWaitTimeSeconds: '2' });
    let done = false;
    const pending = q.receive({ maxMessages: 1 }).then(() => {
      done = true;
    });
    await clock.advance(1_999);
    expect(done).toBe(false);
    await clock.advance(1);
    await pending;
    expect(done).toBe(true);
  });

  it('gives a message to only one of two concurrent long polls', async () => {
    const q = makeQueue('lp-two');
    const a = q.receive({ maxMessages: 1, waitTimeSec: 20 });
    const b = q.receive({ maxMessages: 1, waitTimeSec: 20 });
    await settle();
    q.send(message('only-one'));
    await clock.advance(0);
    q.send(message('second'));
    const bodies = [...(await a), ...(await b)].map((r) => r.message.body).sort();
    expect(bodies).toEqual(['only-one', 'second']);
  });

  it('ends a pending long poll with no messages when the queue is deleted', async () => {
    const q = makeQueue('lp-deleted');
    const pending = q.receive({ maxMessages: 1, waitTimeSec: 20 });
    await settle();
    registry.delete(q);
    expect(await pending).toEqual([]);
  });
});

describe('receipt handles', () => {
  it('deletes with the latest receipt handle', () => {
    const q = makeQueue('del');
    q.send(message('m'));
    const [r] = q.takeVisible({ maxMessages: 1 });
    expect(q.deleteMessage(decodeReceiptHandle(r!.receiptHandle))).toBe(true);
    expect(q.messages.size).toBe(0);
  });

  it('accepts but ignores a delete with a handle from an earlier receive, as AWS documents', async () => {
    const q = makeQueue('stale');
    q.send(message('m'));
    const [old] = q.takeVisible({ maxMessages: 1, visibilityTimeoutSec: 1 });
    await clock.advance(1_000);
    const [current] = q.takeVisible({ maxMessages: 1 });
    expect(q.deleteMessage(decodeReceiptHandle(old!.receiptHandle))).toBe(false);
    expect(q.messages.size).toBe(1);
    expect(q.deleteMessage(decodeReceiptHandle(current!.receiptHandle))).toBe(true);
    expect(q.messages.size).toBe(0);
  });

  it('treats a second delete of the same message as a success', () => {
    const q = makeQueue('twice');
    q.send(message('m'));
    const [r] = q.takeVisible({ maxMessages: 1 });
    const handle = decodeReceiptHandle(r!.receiptHandle);
    expect(q.deleteMessage(handle)).toBe(true);
    expect(q.deleteMessage(handle)).toBe(false);
  });
});

describe('changing visibility', () => {
  it('extends the visibility of an in-flight message', async () => {
    const q = makeQueue('extend', { VisibilityTimeout: '10' });
    q.send(message('m'));
    const [r] = q.takeVisible({ maxMessages: 1 });
    await clock.advance(9_000);
    q.changeVisibility(decodeReceiptHandle(r!.receiptHandle), r!.receiptHandle, 60);
    await clock.advance(59_999);
    expect(q.takeVisible({ maxMessages: 1 })).toEqual([]);
    await clock.advance(1);
    expect(q.takeVisible({ maxMessages: 1 })).toHaveLength(1);
  });

  it('makes a message visible at once with a timeout of 0 and wakes a waiting long poll', async () => {
    const q = makeQueue('release', { VisibilityTimeout: '600' });
    q.send(message('m'));
    const [r] = q.takeVisible({ maxMessages: 1 });
    const pending = q.receive({ maxMessages: 1, waitTimeSec: 20 });
    await settle();
    q.changeVisibility(decodeReceiptHandle(r!.receiptHandle), r!.receiptHandle, 0);
    expect((await pending).map((x) => x.message.receiveCount)).toEqual([2]);
  });

  it('refuses a message that is no longer in flight with MessageNotInflight', async () => {
    const q = makeQueue('not-inflight', { VisibilityTimeout: '5' });
    q.send(message('m'));
    const [r] = q.takeVisible({ maxMessages: 1 });
    await clock.advance(5_000);
    expect(() => q.changeVisibility(decodeReceiptHandle(r!.receiptHandle), r!.receiptHandle, 30)).toThrow(
      expect.objectContaining({ code: 'MessageNotInflight' }),
    );
  });

  it('refuses a receipt handle from an earlier receive as expired', async () => {
    const q = makeQueue('expired-handle', { VisibilityTimeout: '5' });
    q.send(message('m'));
    const [old] = q.takeVisible({ maxMessages: 1 });
    await clock.advance(5_000);
    q.takeVisible({ maxMessages: 1 });
    expect(() => q.changeVisibility(decodeReceiptHandle(old!.receiptHandle), old!.receiptHandle, 30)).toThrow(
      `Value ${old!.receiptHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
    );
  });

  it('refuses to keep a message invisible beyond 12 hours after it was received', async () => {
    const q = makeQueue('cap', { VisibilityTimeout: '43200' });
    q.send(message('m'));
    const [r] = q.takeVisible({ maxMessages: 1 });
    const handle = decodeReceiptHandle(r!.receiptHandle);
    await clock.advance(3_600_000);
    q.changeVisibility(handle, r!.receiptHandle, 39_600);
    expect(() => q.changeVisibility(handle, r!.receiptHandle, 39_601)).toThrow(
      'Value 39601 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]',
    );
  });
});

describe('redrive to a dead-letter queue', () => {
  it('moves a message on the receive that would exceed maxReceiveCount, keeping its id and body', async () => {
    const dlq = makeQueue('dlq');
    const q = makeQueue('src', {
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.identity.arn, maxReceiveCount: 2 }),
    });
    const sent = q.send(message('poison'));
    expect(q.takeVisible({ maxMessages: 1 })).toHaveLength(1);
    await clock.advance(1_000);
    expect(q.takeVisible({ maxMessages: 1 })).toHaveLength(1);
    await clock.advance(1_000);
    expect(q.takeVisible({ maxMessages: 1 })).toEqual([]);
    expect(q.messages.size).toBe(0);
    const [moved] = dlq.takeVisible({ maxMessages: 1 });
    expect(moved?.message).toMatchObject({
      messageId: sent.messageId,
      body: 'poison',
      deadLetterSourceArn: q.identity.arn,
    });
  });

  it('wakes a long poll on the dead-letter queue when a message is moved there', async () => {
    const dlq = makeQueue('dlq-wake');
    const q = makeQueue('src-wake', {
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.identity.arn, maxReceiveCount: 1 }),
    });
    q.send(message('poison'));
    q.takeVisible({ maxMessages: 1 });
    const pending = dlq.receive({ maxMessages: 1, waitTimeSec: 20 });
    await settle();
    expect(q.takeVisible({ maxMessages: 1 })).toEqual([]);
    expect((await pending).map((r) => r.message.body)).toEqual(['poison']);
  });
});

describe('retention', () => {
  it('drops messages older than MessageRetentionPeriod, received or not', async () => {
    const q = makeQueue('retention', { MessageRetentionPeriod: '60' });
    q.send(message('a'));
    q.send(message('b'));
    q.takeVisible({ maxMessages: 1, visibilityTimeoutSec: 600 });
    await clock.advance(59_999);
    expect(q.counts()).toEqual({ visible: 1, notVisible: 1, delayed: 0 });
    await clock.advance(1);
    expect(q.counts()).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });
});

describe('retention of redriven messages', () => {
  it('counts from the original send, not from the move to the dead-letter queue', async () => {
    const dlq = makeQueue('dlq-retention', { MessageRetentionPeriod: '120' });
    const q = makeQueue('src-retention', {
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.identity.arn, maxReceiveCount: 1 }),
    });
    q.send(message('old'));
    await clock.advance(100_000);
    q.takeVisible({ maxMessages: 1 });
    q.takeVisible({ maxMessages: 1 });
    expect(dlq.counts().visible).toBe(1);
    await clock.advance(20_000);
    expect(dlq.counts().visible).toBe(0);
  });
});

describe('purge', () => {
  it('removes every message, in flight or not', () => {
    const q = makeQueue('purge');
    q.send(message('a'));
    q.send(message('b'));
    q.takeVisible({ maxMessages: 1 });
    q.purge();
    expect(q.counts()).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });
});

describe('a long poll whose caller went away', () => {
  it('stops waiting and leaves later messages for other receivers', async () => {
    const q = makeQueue('lp-abort');
    const controller = new AbortController();
    const pending = q.receive({ maxMessages: 1, waitTimeSec: 20 }, controller.signal);
    await settle();
    controller.abort();
    expect(await pending).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    q.send(message('for someone else'));
    expect(q.counts()).toEqual({ visible: 1, notVisible: 0, delayed: 0 });
  });
});
