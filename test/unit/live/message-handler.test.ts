import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createObjectFilter } from '../../../src/core/object-filter.js';
import type { SourceObject } from '../../../src/core/source-object.js';
import { LiveStats } from '../../../src/live/live-stats.js';
import { type CurrentVersion, createMessageHandler } from '../../../src/live/message-handler.js';
import { MessageRetryError } from '../../../src/live/message-retry-error.js';
import type { ObjectOutcome } from '../../../src/pipeline/object-pipeline.js';
import { MalformedMessageError } from '../../../src/sources/s3-event-parser.js';

const BUCKET = 'acme-src';
const TOPIC = 'arn:aws:sns:us-east-1:222222222222:BucketBridgeS3EventTopic';

function record(
  key: string,
  options: { eTag?: string; sequencer?: string; eventName?: string; bucket?: string } = {},
) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    eventTime: '2026-11-23T18:00:00.000Z',
    eventName: options.eventName ?? 'ObjectCreated:Put',
    s3: {
      bucket: { name: options.bucket ?? BUCKET },
      object: { key, size: 5, eTag: options.eTag ?? 'etag-1', sequencer: options.sequencer ?? '0A' },
    },
  };
}

function message(body: unknown, id = 'm-1'): Message {
  return {
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: typeof body === 'string' ? body : JSON.stringify(body),
    Attributes: { ApproximateReceiveCount: '1' },
  };
}

/** The pipeline's outcome for an object that failed for good with AWS error `code`. */
const failedPermanently =
  (code: string, text: string) =>
  (object: SourceObject): ObjectOutcome => ({
    status: 'failed',
    object,
    attempts: 1,
    reason: `${code}: ${text}`,
    kind: 'permanent',
    code,
  });

interface Fakes {
  processed: SourceObject[];
  /** Keys whose current version was asked for (a HEAD each). */
  heads: string[];
  gone: Array<[string, string]>;
  confirmed: Array<[string, string]>;
  logs: Array<[string, string, Record<string, unknown>]>;
  stats: LiveStats;
  handle: (m: Message) => Promise<void>;
}

/** A handler over fakes: S3's current versions by key, and the pipeline's outcome by key. */
function handlerWith(
  options: {
    current?: Record<string, CurrentVersion | undefined | Error>;
    outcome?: (object: SourceObject) => ObjectOutcome;
    includeRemoved?: boolean;
  } = {},
): Fakes {
  const fakes = { processed: [], heads: [], gone: [], confirmed: [], logs: [] } as unknown as Fakes;
  fakes.stats = new LiveStats('acme', 'q');
  const log = (level: string) => (fields: unknown, text: string) =>
    fakes.logs.push([level, text, fields as Record<string, unknown>]);
  const handler = createMessageHandler({
    bucket: BUCKET,
    filter: createObjectFilter({ bucket: BUCKET, prefix: 'in/', include: [], exclude: [], suffix: '.txt' }),
    includeRemoved: options.includeRemoved ?? false,
    topicArn: TOPIC,
    process: async (object) => {
      fakes.processed.push(object);
      return (
        options.outcome?.(object) ?? {
          status: 'processed',
          object,
          attempts: 1,
          bytesIn: 5,
          bytesOut: 5,
          outputs: [],
        }
      );
    },
    currentVersion: async (_bucket, key) => {
      fakes.heads.push(key);
      const current = options.current && key in options.current ? options.current[key] : { etag: '"etag-1"' };
      if (current instanceof Error) throw current;
      return current;
    },
    recordGone: async (object, reason) => {
      fakes.gone.push([object.key, reason]);
    },
    confirmSubscription: async (topicArn, token) => {
      fakes.confirmed.push([topicArn, token]);
    },
    log: { debug: log('debug'), info: log('info'), warn: log('warn') },
    stats: fakes.stats,
  });
  fakes.handle = (m) => handler(m, new AbortController().signal);
  return fakes;
}

describe('a message is deleted only when every object in it is done', () => {
  it('resolves after processing each created object, in SNS envelopes as well as direct', async () => {
    const fakes = handlerWith();
    const inner = JSON.stringify({ Records: [record('in/a.txt')] });
    await fakes.handle(message({ Type: 'Notification', TopicArn: TOPIC, Message: inner }));
    await fakes.handle(message({ Records: [record('in/b+c%2B.txt')] }));
    expect(fakes.processed.map((o) => o.key)).toEqual(['in/a.txt', 'in/b c+.txt']);
    expect(fakes.processed[0]).toMatchObject({ bucket: BUCKET, etag: 'etag-1', size: 5, sequencer: '0A' });
    expect(fakes.stats.snapshot()).toMatchObject({ processed: 2, messagesDone: 2 });
  });

  it('resolves when an object failed permanently (the failure is recorded by the pipeline)', async () => {
    const fakes = handlerWith({
      outcome: failedPermanently('AccessDenied', 'Access Denied'),
    });
    await fakes.handle(message({ Records: [record('in/a.txt')] }));
    expect(fakes.stats.snapshot()).toMatchObject({ failed: 1, messagesDone: 1 });
    expect(fakes.stats.snapshot().lastError?.message).toBe(
      's3://acme-src/in/a.txt: AccessDenied: Access Denied',
    );
  });

  it.each(['done', 'failed-earlier'] as const)('resolves when the ledger says %s', async (reason) => {
    const fakes = handlerWith({ outcome: (object) => ({ status: 'skipped', object, reason }) });
    await fakes.handle(message({ Records: [record('in/a.txt')] }));
    expect(fakes.stats.snapshot()).toMatchObject({ skipped: 1, messagesDone: 1 });
  });

  it('throws MessageRetryError when an object gave up after transient failures, after the others are done', async () => {
    const fakes = handlerWith({
      outcome: (object) =>
        object.key === 'in/slow.txt'
          ? {
              status: 'failed',
              object,
              attempts: 5,
              reason: 'SlowDown: Please reduce your request rate. (gave up after 5 attempts)',
              kind: 'transient',
              code: 'SlowDown',
            }
          : { status: 'processed', object, attempts: 1, bytesIn: 1, bytesOut: 1, outputs: [] },
    });
    const error = await fakes
      .handle(message({ Records: [record('in/ok.txt'), record('in/slow.txt')] }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageRetryError);
    expect((error as Error).message).toBe(
      'SQS message m-1 will be retried: s3://acme-src/in/slow.txt: SlowDown: Please reduce your request rate. (gave up after 5 attempts)',
    );
    expect(fakes.stats.snapshot()).toMatchObject({ processed: 1, retried: 1, messagesDone: 0 });
  });

  it('throws MessageRetryError while another run holds the object', async () => {
    const fakes = handlerWith({
      outcome: (object) => ({ status: 'skipped', object, reason: 'in-progress-elsewhere' }),
    });
    await expect(fakes.handle(message({ Records: [record('in/a.txt')] }))).rejects.toThrow(
      'SQS message m-1 will be retried: s3://acme-src/in/a.txt: being processed by another run',
    );
  });

  it('asks S3 nothing beyond what the pipeline asks when the object is processed or done', async () => {
    const fakes = handlerWith({
      outcome: (object) =>
        object.key === 'in/done.txt'
          ? { status: 'skipped', object, reason: 'done' }
          : { status: 'processed', object, attempts: 1, bytesIn: 1, bytesOut: 1, outputs: [] },
    });
    await fakes.handle(message({ Records: [record('in/new.txt'), record('in/done.txt')] }));
    expect(fakes.processed.map((o) => o.key)).toEqual(['in/new.txt', 'in/done.txt']);
    expect(fakes.heads).toEqual([]);
  });
});

describe('what is not processed', () => {
  it('deletes an s3:TestEvent quietly', async () => {
    const fakes = handlerWith();
    await fakes.handle(message({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: BUCKET }));
    expect(fakes.processed).toEqual([]);
    expect(fakes.stats.snapshot()).toMatchObject({ messagesDone: 1, skipped: 0 });
    expect(fakes.logs.filter(([level]) => level !== 'debug')).toEqual([]);
  });

  it('rethrows MalformedMessageError for a body that is not an event, logging its message id', async () => {
    const fakes = handlerWith();
    await expect(fakes.handle(message('{"hello": "world"}', 'm-bad'))).rejects.toBeInstanceOf(
      MalformedMessageError,
    );
    expect(fakes.logs).toEqual([
      [
        'warn',
        'malformed message left for the dead-letter queue',
        {
          messageId: 'm-bad',
          receiveCount: '1',
          reason: 'no Records array, EventBridge S3 event, or s3:TestEvent',
        },
      ],
    ]);
    expect(fakes.stats.snapshot().malformed).toBe(1);
  });

  it.each([
    ['outside the prefix', record('other/a.txt'), 'filter:outside-prefix'],
    ['without the suffix', record('in/a.csv'), 'filter:suffix'],
    ['removed', record('in/a.txt', { eventName: 'ObjectRemoved:Delete' }), 'removed'],
    ['restored', record('in/a.txt', { eventName: 'ObjectRestore:Completed' }), 'not-a-creation'],
    ['of another bucket', record('in/a.txt', { bucket: 'someone-else' }), 'other-bucket'],
  ])('skips an event %s', async (_what, event, reason) => {
    const fakes = handlerWith();
    await fakes.handle(message({ Records: [event] }));
    expect(fakes.processed).toEqual([]);
    expect(fakes.stats.snapshot()).toMatchObject({ skipped: 1, messagesDone: 1 });
    expect(fakes.logs.map(([, , fields]) => fields.reason)).toEqual([reason]);
  });

  it('logs removals at info level only with includeRemoved', async () => {
    const removal = { Records: [record('in/a.txt', { eventName: 'ObjectRemoved:Delete' })] };
    const quiet = handlerWith();
    await quiet.handle(message(removal));
    expect(quiet.logs.map(([level]) => level)).toEqual(['debug']);
    const loud = handlerWith({ includeRemoved: true });
    await loud.handle(message(removal));
    expect(loud.logs.map(([level, text]) => [level, text])).toEqual([
      ['info', 'object removed at the source'],
    ]);
  });

  it('skips an event superseded by a newer version of the object (the pipeline met a 412)', async () => {
    const fakes = handlerWith({
      outcome: (object) => ({ status: 'skipped', object, reason: 'changed-since-listed' }),
    });
    await fakes.handle(message({ Records: [record('in/a.txt', { eTag: 'etag-1' })] }));
    expect(fakes.stats.snapshot()).toMatchObject({ skipped: 1, failed: 0, messagesDone: 1 });
    expect(fakes.logs.map(([level, text]) => [level, text])).toEqual([
      ['info', 'event superseded by a newer version of the object'],
    ]);
    expect(fakes.heads).toEqual([]);
  });

  it('records an object gone before it is read (NoSuchKey), and deletes the message', async () => {
    const fakes = handlerWith({
      outcome: failedPermanently('NoSuchKey', 'The specified key does not exist.'),
    });
    await fakes.handle(message({ Records: [record('in/a.txt')] }));
    expect(fakes.gone).toEqual([
      ['in/a.txt', 'NoSuchKey: s3://acme-src/in/a.txt was deleted before it could be read'],
    ]);
    expect(fakes.heads).toEqual([]);
    expect(fakes.stats.snapshot()).toMatchObject({ failed: 1, messagesDone: 1 });
  });

  it('on AccessDenied asks whether the object is gone: recorded as gone when it is', async () => {
    const fakes = handlerWith({
      current: { 'in/a.txt': undefined },
      outcome: failedPermanently('AccessDenied', 'Access Denied'),
    });
    await fakes.handle(message({ Records: [record('in/a.txt')] }));
    expect(fakes.heads).toEqual(['in/a.txt']);
    expect(fakes.gone).toEqual([
      ['in/a.txt', 'NoSuchKey: s3://acme-src/in/a.txt was deleted before it could be read'],
    ]);
    expect(fakes.stats.snapshot()).toMatchObject({ failed: 1, messagesDone: 1 });
  });

  it('on AccessDenied keeps the recorded failure when the object is there or the question fails', async () => {
    const throttled = Object.assign(new Error('Service Unavailable'), {
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503 },
    });
    const fakes = handlerWith({
      current: { 'in/a.txt': { etag: '"etag-1"' }, 'in/b.txt': throttled },
      outcome: failedPermanently('AccessDenied', 'Access Denied'),
    });
    await fakes.handle(message({ Records: [record('in/a.txt'), record('in/b.txt')] }));
    expect(fakes.heads).toEqual(['in/a.txt', 'in/b.txt']);
    expect(fakes.gone).toEqual([]);
    expect(fakes.stats.snapshot()).toMatchObject({ failed: 2, messagesDone: 1 });
    expect(fakes.stats.snapshot().lastError?.message).toBe(
      's3://acme-src/in/b.txt: AccessDenied: Access Denied',
    );
  });
});

describe('duplicate records in one message', () => {
  it('are coalesced to the one with the largest sequencer', async () => {
    const fakes = handlerWith({ current: { 'in/a.txt': { etag: 'etag-new' } } });
    await fakes.handle(
      message({
        Records: [
          record('in/a.txt', { eTag: 'etag-old', sequencer: '00FF' }),
          record('in/a.txt', { eTag: 'etag-new', sequencer: '0100' }),
          record('in/a.txt', { eTag: 'etag-new', sequencer: '0100' }),
        ],
      }),
    );
    expect(fakes.processed.map((o) => o.etag)).toEqual(['etag-new']);
    expect(fakes.stats.snapshot()).toMatchObject({ processed: 1, skipped: 2 });
  });
});

describe('a SubscriptionConfirmation', () => {
  it('is confirmed with its token when it is for the connection topic', async () => {
    const fakes = handlerWith();
    await fakes.handle(message({ Type: 'SubscriptionConfirmation', TopicArn: TOPIC, Token: 'tok-1' }));
    expect(fakes.confirmed).toEqual([[TOPIC, 'tok-1']]);
  });

  it('is never confirmed for another topic', async () => {
    const fakes = handlerWith();
    const other = 'arn:aws:sns:us-east-1:999999999999:Other';
    await fakes.handle(message({ Type: 'SubscriptionConfirmation', TopicArn: other, Token: 'tok-1' }));
    expect(fakes.confirmed).toEqual([]);
    expect(fakes.logs[0]?.[1]).toBe(
      'SubscriptionConfirmation for a topic this connection does not follow; deleted unconfirmed',
    );
  });
});
