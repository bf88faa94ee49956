import { describe, expect, it } from 'vitest';
import { SqsConsumer, type SqsConsumerOptions } from '../../../src/sources/sqs-consumer.js';
import { FakeQueue } from '../../helpers/fake-queue.js';

const base: SqsConsumerOptions = {
  queue: new FakeQueue(),
  queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q',
  handleMessage: async () => {},
};

describe('SqsConsumer options', () => {
  it.each([
    [
      { concurrency: 0 },
      'SqsConsumer option concurrency must be an integer from 1 to 9007199254740991; got 0',
    ],
    [
      { concurrency: 1.5 },
      'SqsConsumer option concurrency must be an integer from 1 to 9007199254740991; got 1.5',
    ],
    [{ prefetch: -1 }, 'SqsConsumer option prefetch must be an integer from 0 to 9007199254740991; got -1'],
    [{ batchWaitMs: 60_001 }, 'SqsConsumer option batchWaitMs must be an integer from 0 to 60000; got 60001'],
    [{ waitTimeSec: 21 }, 'SqsConsumer option waitTimeSec must be an integer from 0 to 20; got 21'],
    [
      { visibilityTimeoutSec: 43_201 },
      'SqsConsumer option visibilityTimeoutSec must be an integer from 0 to 43200; got 43201',
    ],
    [{ heartbeatIntervalSec: 0 }, 'SqsConsumer option heartbeatIntervalSec must be a number above 0; got 0'],
    [
      { visibilityTimeoutSec: 2, heartbeatIntervalSec: 2 },
      'SqsConsumer option heartbeatIntervalSec must be shorter than visibilityTimeoutSec (2), so each extension lands before the message is visible again; got 2',
    ],
    [
      { heartbeatIntervalSec: 3600 },
      'SqsConsumer option heartbeatIntervalSec must be shorter than visibilityTimeoutSec (300), so each extension lands before the message is visible again; got 3600',
    ],
    [{ unwindMs: 0 }, 'SqsConsumer option unwindMs must be a number above 0; got 0'],
    [
      { receiveErrorBackoffMs: -1 },
      'SqsConsumer option receiveErrorBackoffMs must be a number above 0; got -1',
    ],
    [
      { authErrorBackoffMs: Number.NaN },
      'SqsConsumer option authErrorBackoffMs must be a number above 0; got NaN',
    ],
  ])('rejects %o with a message naming the option, the rule and the value', (bad, message) => {
    expect(() => new SqsConsumer({ ...base, ...bad })).toThrow(new RangeError(message));
  });

  it('accepts the limits themselves', () => {
    expect(
      () =>
        new SqsConsumer({
          ...base,
          concurrency: 1,
          prefetch: 0,
          batchWaitMs: 0,
          waitTimeSec: 20,
          visibilityTimeoutSec: 43_200,
          heartbeatIntervalSec: 1,
        }),
    ).not.toThrow();
  });
});
