/**
 * `source.ignoreOlderThan` in live: an event for an object last modified longer ago than the
 * bound (a backlog, a replayed dead letter) is acknowledged and counted, not processed; a new
 * upload is processed as usual.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { drained, queueDepth, sendRaw, vendorQueueUrl } from './live-queues.js';
import { useLiveWorld } from './use-live-world.js';

describe('live with source.ignoreOlderThan', () => {
  const { sandbox, world, run } = useLiveWorld({ mode: 'sns', source: { ignoreOlderThan: '30d' } });

  it('acknowledges an event older than the bound, counts it, and processes a new upload', async () => {
    await world.put('in/old.txt', 'old');
    await waitFor('the upload', async () => (await world.output('out/old.txt')) === 'old');
    // An output is visible before its message is counted and deleted: let it finish first.
    await waitFor('the queue to drain', () => drained(world));
    // The same object named again by an event from 40 days ago: ignored, not processed again.
    const eventTime = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const before = run.stats()[0]!;
    await sendRaw(
      world,
      JSON.stringify({
        Records: [
          {
            eventVersion: '2.1',
            eventSource: 'aws:s3',
            awsRegion: sandbox.region,
            eventTime,
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: world.sourceBucket }, object: { key: 'in/ancient.txt', size: 7 } },
          },
        ],
      }),
    );
    await waitFor('the old event to be counted', () => run.stats()[0]!.ignoredOlder > before.ignoredOlder);
    await waitFor('the queue to drain', () => drained(world));
    const after = run.stats()[0]!;
    expect(after.ignoredOlder - before.ignoredOlder).toBe(1);
    expect(after.skipped - before.skipped).toBe(1);
    expect(after.processed).toBe(before.processed);
    expect(await world.output('out/ancient.txt')).toBeUndefined();
    expect(world.ledger().map((row) => [row.key, row.state])).toEqual([['in/old.txt', 'done']]);
    expect(await queueDepth(world.vendorSqs, await vendorQueueUrl(world, '-dlq'))).toMatchObject({
      visible: 0,
    });
  });
});
