/**
 * The live workflow's guarantees under stress, on the customer's queue (sqs mode): a job longer
 * than the visibility timeout is kept invisible by the heartbeat (and is redelivered when the
 * heartbeat's extensions fail, yet processed once); injected S3 and SQS faults still end with every object done exactly once;
 * short-lived role sessions are replaced during the run without a failure.
 */
import { describe, expect, it } from 'vitest';
import { startTestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import { drained } from './live-queues.js';
import { createLiveWorld } from './live-world.js';
import { useLiveWorlds } from './use-live-world.js';

const { sandbox, world } = useLiveWorlds();

/** A processor that takes about three seconds: longer than the 2 s visibility timeout. */
const SLOW = { type: 'exec', command: 'sh', args: ['-c', 'sleep 3; cat'] };

describe('a job longer than the visibility timeout', () => {
  /** Runs one slow job with a heartbeat every second, until its output is there and the queue drained. */
  async function slowJobDone() {
    const w = await world({ mode: 'sqs', processor: SLOW, visibilityTimeout: '2s', maxReceiveCount: 10 });
    const run = await w.start({ consumer: { waitTimeSec: 1, heartbeatIntervalSec: 1 } });
    await w.put('in/slow.txt', 'slow job');
    await waitFor('the output', async () => (await w.output('out/slow.txt')) === 'slow job');
    await waitFor('the queue to drain', () => drained(w));
    return { w, run };
  }

  it('is kept invisible by the heartbeat: received once, processed once', async () => {
    const { w, run } = await slowJobDone();
    // The first message is the s3:TestEvent the notification configuration sent.
    expect(run.stats()[0]).toMatchObject({ received: 2, processed: 1, messagesDone: 2 });
    expect(await w.ledger()).toMatchObject([{ key: 'in/slow.txt', state: 'done', attempts: 1 }]);
    await run.stop(5000);
  });

  it('is redelivered when the heartbeat cannot extend it, and the redelivery does no second processing', async () => {
    // Every extension fails (and the SDK's retries of it): the message is visible again after 2 s.
    sandbox.setFaults('sqs:ChangeMessageVisibilityBatch=internal');
    const { w, run } = await slowJobDone();
    sandbox.setFaults('');
    const stats = run.stats()[0]!;
    expect(stats.received).toBeGreaterThanOrEqual(3);
    expect(stats.processed).toBe(1);
    expect(stats.skipped).toBeGreaterThanOrEqual(1);
    expect(await w.ledger()).toMatchObject([{ key: 'in/slow.txt', state: 'done', attempts: 1 }]);
    await run.stop(5000);
  });
});

describe('injected faults', () => {
  it('end with every object done exactly once and its output complete', async () => {
    const w = await world({ mode: 'sqs', maxReceiveCount: 50, concurrency: 8 });
    const keys = Array.from({ length: 30 }, (_, i) => `in/fault-${String(i).padStart(2, '0')}.txt`);
    for (const key of keys) await w.put(key, `body of ${key}`);
    const outcomes: string[] = [];
    // Every copy (the default processor copies server-side) fails at first, so the failure
    // outlasts the SDK's own retries and reaches the live path on every run; which request draws
    // which seeded fault afterwards depends on how eight workers interleave, so the seeded phase
    // alone cannot promise a retry.
    sandbox.setFaults('s3:CopyObject=503');
    const run = await w.start({
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
      consumer: { waitTimeSec: 1, failureBackoffSec: () => 0, receiveErrorBackoffMs: 10 },
      onOutcome: (outcome) => {
        if (outcome.status === 'processed') outcomes.push(outcome.object.key);
      },
    });
    try {
      await waitFor('a message handed back to the queue', () => run.stats()[0]!.retried > 0, 30_000);
      sandbox.setFaults(
        's3:CopyObject=503@0.3;s3:GetObject=503@0.5,reset=4@0.1;s3:PutObject=503@0.2;s3:HeadObject=503@0.2;sqs:ReceiveMessage=503@0.2;sqs:DeleteMessageBatch=503@0.3;seed=11',
      );
      await waitFor(
        'every object done',
        async () => (await w.ledger()).filter((row) => row.state === 'done').length === 30,
        60_000,
      );
    } finally {
      sandbox.setFaults('');
    }
    await waitFor('the queue to drain', () => drained(w), 30_000);
    // Each object processed exactly once, its output complete, although reads failed.
    expect([...outcomes].sort()).toEqual(keys);
    for (const key of keys) expect(await w.output(`out/${key.slice(3)}`)).toBe(`body of ${key}`);
    expect(run.stats()[0]!.retried).toBeGreaterThan(0);
    await run.stop(5000);
  }, 120_000);
});

describe('short-lived role sessions', () => {
  it('are replaced during the run without a failure', async () => {
    // Sessions of 302 s enter the 5-minute refresh window after 2 s, so the role is assumed again
    // and again while the run goes on.
    const short = await startTestSandbox({ maxSessionSec: 302 });
    const w = await createLiveWorld(short, { mode: 'sqs' });
    try {
      const run = await w.start();
      const sessionsAtStart = short.server.credentials.snapshot().sessions.length;
      for (let i = 0; i < 4; i++) {
        await w.put(`in/during-${i}.txt`, `during ${i}`);
        await waitFor(`output ${i}`, async () => (await w.output(`out/during-${i}.txt`)) === `during ${i}`);
        // Long enough for the current session to enter its refresh window.
        const until = Date.now() + 2200;
        await waitFor('the session to age', () => Date.now() > until);
      }
      expect(short.server.credentials.snapshot().sessions.length).toBeGreaterThan(sessionsAtStart + 1);
      expect(run.stats()[0]).toMatchObject({ failed: 0, retried: 0, processed: 4 });
      await run.stop(5000);
    } finally {
      w.close();
      await short.close();
    }
  }, 60_000);
});
