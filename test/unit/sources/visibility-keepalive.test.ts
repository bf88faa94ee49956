import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EntryOutcome } from '../../../src/sources/batch-sender.js';
import { MAX_VISIBILITY_SEC, VisibilityKeepalive } from '../../../src/sources/visibility-keepalive.js';

/** A keepalive whose changes are recorded; each flush closes one "batch call". */
function recordingKeepalive(
  options: { visibilityTimeoutSec: number; intervalSec?: number; groupWindowSec?: number },
  answer: (receiptHandle: string) => EntryOutcome = () => ({ ok: true }),
) {
  const calls: Array<Array<[string, number]>> = [];
  let batch: Array<[string, number]> = [];
  const errors: Array<[string, string]> = [];
  const keepalive = new VisibilityKeepalive({
    ...options,
    change: async (receiptHandle, sec) => {
      batch.push([receiptHandle, sec]);
      return answer(receiptHandle);
    },
    flush: () => {
      if (batch.length > 0) calls.push(batch);
      batch = [];
    },
    onError: (receiptHandle, code) => errors.push([receiptHandle, code]),
  });
  return { keepalive, calls, errors };
}

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-23T00:00:00Z') }));
afterEach(() => vi.useRealTimers());

describe('the visibility keepalive', () => {
  it('extends every held message at half the timeout, together, and none after release', async () => {
    const { keepalive, calls } = recordingKeepalive({ visibilityTimeoutSec: 60 });
    keepalive.hold('rh-a', Date.now());
    keepalive.hold('rh-b', Date.now());
    await vi.advanceTimersByTimeAsync(29_999);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([
      [
        ['rh-a', 60],
        ['rh-b', 60],
      ],
    ]);
    keepalive.release('rh-a');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls.at(-1)).toEqual([['rh-b', 60]]);
    keepalive.release('rh-b');
    await vi.advanceTimersByTimeAsync(300_000);
    expect(calls).toHaveLength(2);
    expect(keepalive.size).toBe(0);
  });

  it('sends extensions due within the group window together, later ones on their own', async () => {
    const { keepalive, calls } = recordingKeepalive({ visibilityTimeoutSec: 60, groupWindowSec: 2 });
    keepalive.hold('rh-a', Date.now());
    await vi.advanceTimersByTimeAsync(1_500);
    keepalive.hold('rh-b', Date.now());
    await vi.advanceTimersByTimeAsync(1_500);
    keepalive.hold('rh-c', Date.now());
    await vi.advanceTimersByTimeAsync(27_000);
    // At 30 s rh-a is due and rh-b (due at 31.5 s) is within 2 s of it; rh-c (33 s) is not.
    expect(calls).toEqual([
      [
        ['rh-a', 60],
        ['rh-b', 60],
      ],
    ]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(calls).toEqual([
      [
        ['rh-a', 60],
        ['rh-b', 60],
      ],
      [['rh-c', 60]],
    ]);
    keepalive.stop();
  });

  it('never asks for visibility past 12 hours from the first receive, clipping the last extension', async () => {
    const { keepalive, calls } = recordingKeepalive({ visibilityTimeoutSec: 600 });
    keepalive.hold('rh-near-cap', Date.now() - (MAX_VISIBILITY_SEC - 400) * 1000);
    keepalive.hold('rh-at-cap', Date.now() - (MAX_VISIBILITY_SEC - 100) * 1000);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(calls).toEqual([[['rh-near-cap', 100]]]);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(calls).toHaveLength(1);
    expect(keepalive.size).toBe(0);
  });

  it('drops a message whose receipt handle SQS no longer accepts, and reports other failures', async () => {
    const { keepalive, calls, errors } = recordingKeepalive({ visibilityTimeoutSec: 10 }, (rh) =>
      rh === 'rh-gone' ? { ok: false, code: 'ReceiptHandleIsInvalid' } : { ok: false, code: 'InternalError' },
    );
    keepalive.hold('rh-gone', Date.now());
    keepalive.hold('rh-sick', Date.now());
    await vi.advanceTimersByTimeAsync(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toEqual([
      [
        ['rh-gone', 10],
        ['rh-sick', 10],
      ],
      [['rh-sick', 10]],
    ]);
    expect(errors).toEqual([
      ['rh-sick', 'InternalError'],
      ['rh-sick', 'InternalError'],
    ]);
    keepalive.stop();
  });
});
