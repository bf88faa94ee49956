import { describe, expect, it } from 'vitest';
import { backoffDelayMs, exponentialDelayMs, sleepMs } from '../../../src/core/retry.js';
import { classifyFailure, describeFailure } from '../../../src/pipeline/classify-failure.js';
import { OutputKeyError } from '../../../src/pipeline/key-template.js';
import { ProcessorError } from '../../../src/processors/processor-error.js';
import { defaultFailureBackoffSec } from '../../../src/sources/sqs-consumer.js';
import { LedgerClaimLostError } from '../../../src/state/ledger-claim-lost-error.js';
import { awsError } from '../../fixtures/aws-error.js';

describe('backoff with full jitter', () => {
  it.each([
    [1, 0.999, 199],
    [2, 0.999, 399],
    [3, 0.5, 400],
    [10, 0.999, 19_980],
    [30, 1 - 1e-9, 19_999],
    [4, 0, 0],
  ])('retry %i with random %f waits %i ms', (retry, random, expected) => {
    expect(backoffDelayMs(retry, {}, () => random)).toBe(expected);
  });

  it.each([
    [1, 1000],
    [2, 2000],
    [4, 8000],
    [5, 8000],
    [2000, 8000],
  ])('without jitter, retry %i waits %i ms (1 s doubling, at most 8 s)', (retry, expected) => {
    expect(exponentialDelayMs(retry, { baseDelayMs: 1000, maxDelayMs: 8000 })).toBe(expected);
  });

  it.each([
    [0, 1],
    [1, 2],
    [3, 8],
    [9, 512],
    [10, 900],
    [500, 900],
  ])(
    "a message received %i times is made visible again after %i s (the queue's redelivery backoff)",
    (receiveCount, seconds) => {
      expect(defaultFailureBackoffSec(receiveCount)).toBe(seconds);
    },
  );

  it('honours custom bounds', () => {
    expect(backoffDelayMs(3, { baseDelayMs: 10, maxDelayMs: 25 }, () => 0.999)).toBe(24);
  });

  it('stops waiting when aborted', async () => {
    const abort = new AbortController();
    const waiting = sleepMs(60_000, abort.signal);
    abort.abort(new Error('run stopped'));
    await expect(waiting).rejects.toThrow('run stopped');
  });
});

describe('what a failure means for an object', () => {
  it.each([
    ['503 SlowDown', awsError('SlowDown', 503), 'transient'],
    ['500 InternalError', awsError('InternalError', 500), 'transient'],
    ['a 503 with no code', awsError('Unknown', 503), 'transient'],
    ['throttling', awsError('ThrottlingException', 400), 'transient'],
    ['ExpiredToken (the provider refreshes before the retry)', awsError('ExpiredToken', 400), 'transient'],
    ['a connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'transient'],
    [
      'a body cut short',
      Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }),
      'transient',
    ],
    ['AccessDenied', awsError('AccessDenied', 403), 'permanent'],
    ['NoSuchKey', awsError('NoSuchKey', 404), 'permanent'],
    ['a changed object (412)', awsError('PreconditionFailed', 412), 'permanent'],
    ["a processor's own failure", new ProcessorError('exit 1'), 'permanent'],
    [
      'a processor failure of kind transient',
      new ProcessorError('sink down', { kind: 'transient' }),
      'transient',
    ],
    [
      "a processor failure marked retryable (the option's first spelling)",
      new ProcessorError('sink down', { retryable: true }),
      'transient',
    ],
    [
      'a processor failure of kind permanent',
      new ProcessorError('bad record', { kind: 'permanent' }),
      'permanent',
    ],
    ['an output key S3 cannot store', new OutputKeyError('too long', 'k'), 'permanent'],
    ['InvalidAccessKeyId', awsError('InvalidAccessKeyId', 403), 'misconfiguration'],
    ['SignatureDoesNotMatch', awsError('SignatureDoesNotMatch', 403), 'misconfiguration'],
  ] as const)('%s is %s', (_name, error, kind) => {
    expect(classifyFailure(error)).toBe(kind);
  });

  it.each([
    [awsError('AccessDenied', 403, 'Access Denied'), 'AccessDenied: Access Denied'],
    [
      awsError('NoSuchKey', 404, 'The specified key does not exist.'),
      'NoSuchKey: The specified key does not exist.',
    ],
    [
      awsError('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold'),
      'PreconditionFailed: the object changed after it was listed; its new version is processed on the next run',
    ],
    [new ProcessorError('exec: sh exited with code 3'), 'exec: sh exited with code 3'],
    [
      awsError('UnknownError', 403, 'UnknownError'),
      'AccessDenied: HTTP 403 (S3 gives no details for a HEAD request)',
    ],
    [awsError('NotFound', 404, 'NotFound'), 'NoSuchKey: HTTP 404 (S3 gives no details for a HEAD request)'],
    [
      new LedgerClaimLostError(
        { connection: 'c', bucket: 'b', key: 'k', version: 'v' },
        { runId: 'r', host: 'h', pid: 1 },
      ),
      'The ledger claim on s3://b/k (version v) is no longer held by run r: another run took it over after the lease expired',
    ],
  ])('describes %s as %j', (error, reason) => {
    expect(describeFailure(error)).toBe(reason);
  });
});
