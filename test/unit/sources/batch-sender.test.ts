/** The batch calls of deletions and visibility changes, on a fake queue and fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeleteBatcher } from '../../../src/sources/delete-batcher.js';
import { VisibilityBatcher } from '../../../src/sources/visibility-batcher.js';
import { FakeQueue } from '../../helpers/fake-queue.js';

const QUEUE = 'http://127.0.0.1/111111111111/q';
let queue: FakeQueue;

const deleteSizes = () => queue.deletes.map((c) => c.Entries?.length);

beforeEach(() => {
  queue = new FakeQueue();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('batched deletion', () => {
  it('sends ten deletions in one call at once, and fewer after at most maxWaitMs', async () => {
    const batcher = new DeleteBatcher({ queue, queueUrl: QUEUE, maxWaitMs: 20 });
    const ten = Array.from({ length: 10 }, (_, i) => batcher.delete(`rh-${i}`));
    await vi.advanceTimersByTimeAsync(0);
    expect(deleteSizes()).toEqual([10]);
    expect(await Promise.all(ten)).toEqual(Array.from({ length: 10 }, () => ({ deleted: true })));
    const three = Array.from({ length: 3 }, (_, i) => batcher.delete(`rh-late-${i}`));
    await vi.advanceTimersByTimeAsync(19);
    expect(deleteSizes()).toEqual([10]);
    await vi.advanceTimersByTimeAsync(1);
    expect(deleteSizes()).toEqual([10, 3]);
    expect(queue.deletes[1]).toEqual({
      QueueUrl: QUEUE,
      Entries: [
        { Id: '0', ReceiptHandle: 'rh-late-0' },
        { Id: '1', ReceiptHandle: 'rh-late-1' },
        { Id: '2', ReceiptHandle: 'rh-late-2' },
      ],
    });
    await Promise.all(three);
  });

  it('sends an entry that failed on the server side again, and reports it after maxAttempts', async () => {
    queue.answerDelete = (entries) =>
      entries
        .filter((e) => e.ReceiptHandle === 'rh-sick')
        .map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false }));
    const batcher = new DeleteBatcher({ queue, queueUrl: QUEUE, maxWaitMs: 5, maxAttempts: 3 });
    const outcomes = Promise.all([batcher.delete('rh-ok'), batcher.delete('rh-sick')]);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcomes).toEqual([{ deleted: true }, { deleted: false, code: 'InternalError' }]);
    expect(queue.deletedHandles).toEqual([['rh-ok', 'rh-sick'], ['rh-sick'], ['rh-sick']]);
  });

  it('deletes an entry on the second attempt when the first call failed as a whole', async () => {
    const outage = new Error('We encountered an internal error. Please try again.');
    outage.name = 'InternalError';
    let calls = 0;
    queue.answerDelete = () => {
      if (calls++ === 0) throw outage;
      return [];
    };
    const batcher = new DeleteBatcher({ queue, queueUrl: QUEUE, maxWaitMs: 5 });
    const outcome = batcher.delete('rh-a');
    await vi.advanceTimersByTimeAsync(10);
    expect(await outcome).toEqual({ deleted: true });
    expect(deleteSizes()).toEqual([1, 1]);
  });

  it('reports a stale receipt handle (a sender fault) without sending it again', async () => {
    queue.answerDelete = () => [
      { Id: '0', Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'stale' },
    ];
    const batcher = new DeleteBatcher({ queue, queueUrl: QUEUE, maxWaitMs: 1 });
    const outcome = batcher.delete('rh-old');
    await vi.advanceTimersByTimeAsync(50);
    expect(await outcome).toEqual({ deleted: false, code: 'ReceiptHandleIsInvalid' });
    expect(deleteSizes()).toEqual([1]);
  });

  it('flush sends what waits at once, in calls of at most ten', async () => {
    const batcher = new DeleteBatcher({ queue, queueUrl: QUEUE, maxWaitMs: 60_000 });
    const all = Array.from({ length: 9 }, (_, i) => batcher.delete(`rh-${i}`));
    batcher.flush();
    await Promise.all(all);
    expect(deleteSizes()).toEqual([9]);
  });
});

describe('batched visibility changes', () => {
  it('sends each entry with its own visibility timeout in one ChangeMessageVisibilityBatch call', async () => {
    const batcher = new VisibilityBatcher({ queue, queueUrl: QUEUE, maxWaitMs: 20 });
    const changes = Promise.all([batcher.change('rh-a', 0), batcher.change('rh-b', 16)]);
    await vi.advanceTimersByTimeAsync(20);
    expect(await changes).toEqual([{ ok: true }, { ok: true }]);
    expect(queue.visibilityChanges).toEqual([
      {
        QueueUrl: QUEUE,
        Entries: [
          { Id: '0', ReceiptHandle: 'rh-a', VisibilityTimeout: 0 },
          { Id: '1', ReceiptHandle: 'rh-b', VisibilityTimeout: 16 },
        ],
      },
    ]);
  });
});
