import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { DeadLetterQueues } from '../../../src/live/dead-letter-queue.js';
import { listDeadLetters, replayDeadLetters } from '../../../src/live/dead-letters.js';
import type { Ledger } from '../../../src/state/ledger.js';

/**
 * A dead-letter queue and a main queue behind the few SQS calls dlq makes: receives hide a
 * message until it is made visible again or deleted; every call is recorded.
 */
function fakeQueues(bodies: string[], options: { failSendOf?: string; sentDuringReplay?: number } = {}) {
  const dlq = new Map(bodies.map((body, i) => [`m${i}`, { body, hidden: false, receives: 1 }]));
  const main: string[] = [];
  const calls: string[] = [];
  let nextId = bodies.length;
  const sqs = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const { input } = command;
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push(name);
      if (name === 'GetQueueAttributes') {
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(dlq.size),
            ApproximateNumberOfMessagesNotVisible: '0',
          },
        };
      }
      if (name === 'ReceiveMessage') {
        const out: Message[] = [];
        for (const [id, m] of dlq) {
          if (m.hidden || out.length >= (input.MaxNumberOfMessages as number)) continue;
          m.hidden = true;
          m.receives++;
          out.push({
            MessageId: id,
            ReceiptHandle: `rh-${id}`,
            Body: m.body,
            Attributes: { ApproximateReceiveCount: String(m.receives), SentTimestamp: '1767225600000' },
          });
        }
        return { Messages: out };
      }
      if (name === 'ChangeMessageVisibilityBatch') {
        for (const entry of input.Entries as Array<{ ReceiptHandle: string; VisibilityTimeout: number }>) {
          calls.push(`visible ${entry.ReceiptHandle} ${entry.VisibilityTimeout}`);
          const m = dlq.get(entry.ReceiptHandle.slice(3));
          if (m && entry.VisibilityTimeout === 0) m.hidden = false;
        }
        return {};
      }
      if (name === 'SendMessage') {
        if (input.MessageBody === options.failSendOf)
          throw Object.assign(new Error('throttled'), { name: 'Throttling' });
        main.push(input.MessageBody as string);
        // A consumer fails messages again while the replay runs: they come back to the DLQ.
        if ((options.sentDuringReplay ?? 0) > 0) {
          options.sentDuringReplay!--;
          dlq.set(`m${nextId++}`, { body: `again ${input.MessageBody}`, hidden: false, receives: 3 });
        }
        return {};
      }
      if (name === 'DeleteMessage') {
        calls.push(`delete ${input.ReceiptHandle}`);
        dlq.delete((input.ReceiptHandle as string).slice(3));
        return {};
      }
      throw new Error(`unexpected ${name}`);
    },
  };
  const queues: DeadLetterQueues = {
    mode: 'sns',
    sqs: sqs as unknown as SQSClient,
    queueUrl: 'https://q/main',
    deadLetterQueueUrl: 'https://q/main-dlq',
    deadLetterQueueArn: 'arn:aws:sqs:us-east-1:111111111111:main-dlq',
  };
  return { queues, dlq, main, calls };
}

const event = (key: string, eTag: string) =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: '2026-01-01T00:00:00.000Z',
        s3: { bucket: { name: 'src' }, object: { key, eTag, size: 3, sequencer: '01' } },
      },
    ],
  });

const ledger = {
  async get(key: { key: string; version: string }) {
    if (key.key === 'in/failed.txt' && key.version === 'e1') {
      return {
        ...key,
        state: 'failed',
        reason: 'SlowDown: reduce your request rate (gave up after 3 attempts)',
      };
    }
    return undefined;
  },
} as unknown as Ledger;

describe('dlq list', () => {
  it('lists every message once with its keys, receive count and the ledger reason, and makes each visible again', async () => {
    const f = fakeQueues([event('in/failed.txt', 'e1'), event('in/new+file.txt', 'e2'), 'not json']);
    const letters = await listDeadLetters({ queues: f.queues, connection: 'acme', ledger });
    expect(
      letters.map((l) => [
        l.messageId,
        l.receiveCount,
        l.objects.map((o) => [o.key, o.ledgerState, o.reason]),
      ]),
    ).toEqual([
      [
        'm0',
        1,
        [['in/failed.txt', 'failed', 'SlowDown: reduce your request rate (gave up after 3 attempts)']],
      ],
      ['m1', 1, [['in/new file.txt', null, null]]],
      ['m2', 1, []],
    ]);
    expect(letters[2]!.malformed).not.toBeNull();
    expect(letters[0]!.firstSeenAt).toBe('2026-01-01T00:00:00.000Z');
    expect(f.calls.filter((c) => c.startsWith('visible'))).toEqual([
      'visible rh-m0 0',
      'visible rh-m1 0',
      'visible rh-m2 0',
    ]);
    expect([...f.dlq.values()].every((m) => !m.hidden)).toBe(true);
    expect(f.calls.some((c) => c.startsWith('delete'))).toBe(false);
  });

  it('makes what it received visible again when the listing fails half-way', async () => {
    const f = fakeQueues([event('in/a.txt', 'a'), event('in/b.txt', 'b')]);
    const failing = {
      ...ledger,
      get: async () => {
        throw new Error('ledger closed');
      },
    } as unknown as Ledger;
    await expect(listDeadLetters({ queues: f.queues, connection: 'acme', ledger: failing })).rejects.toThrow(
      'ledger closed',
    );
    expect([...f.dlq.values()].every((m) => !m.hidden)).toBe(true);
  });
});

describe('dlq replay', () => {
  it('sends each message to the main queue before deleting it from the dead-letter queue', async () => {
    const f = fakeQueues(['one', 'two']);
    const result = await replayDeadLetters({ queues: f.queues, connection: 'acme' });
    expect(result.moved).toEqual(['m0', 'm1']);
    expect(f.main).toEqual(['one', 'two']);
    expect(f.calls.filter((c) => /^(SendMessage|delete)/.test(c))).toEqual([
      'SendMessage',
      'delete rh-m0',
      'SendMessage',
      'delete rh-m1',
    ]);
    expect(f.dlq.size).toBe(0);
  });

  it('deletes nothing it could not send, and hands the rest back', async () => {
    const f = fakeQueues(['one', 'two', 'three'], { failSendOf: 'two' });
    await expect(replayDeadLetters({ queues: f.queues, connection: 'acme' })).rejects.toThrow('throttled');
    expect(f.main).toEqual(['one']);
    expect([...f.dlq.keys()]).toEqual(['m1', 'm2']);
    expect([...f.dlq.values()].every((m) => !m.hidden)).toBe(true);
  });

  it('moves at most what the dead-letter queue held at the start, or --max', async () => {
    const f = fakeQueues(['one', 'two'], { sentDuringReplay: 2 });
    expect((await replayDeadLetters({ queues: f.queues, connection: 'acme' })).moved).toEqual(['m0', 'm1']);
    expect(f.dlq.size).toBe(2);
    const g = fakeQueues(['one', 'two', 'three']);
    expect((await replayDeadLetters({ queues: g.queues, connection: 'acme', max: 1 })).moved).toEqual(['m0']);
    expect(g.main).toEqual(['one']);
  });
});
