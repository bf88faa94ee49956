/**
 * An event for a version that no longer exists: the object was overwritten before its first event
 * was handled. The copy is conditioned on the event's ETag, S3 answers 412, and that is a skip
 * ("changed since listed"), not a failure: the message is deleted, nothing is recorded for the
 * vanished version, and the overwrite's own event copies the new content.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { drained, queueDepth } from './live-queues.js';
import { useLiveWorld } from './use-live-world.js';

describe('live, an object overwritten before its event is handled', () => {
  const live = useLiveWorld({ mode: 'sqs' }, { start: false });
  const { world } = live;

  it('skips the first event as changed since listed, deletes it, and copies the second version once', async () => {
    // Both events wait in the queue before the run starts, so the first one names a version
    // that is already gone whichever order they are handled in.
    await world.put('in/report.csv', 'first version');
    await world.put('in/report.csv', 'second version, longer');
    const run = await live.start();
    await waitFor('both events to be handled', async () => {
      const stats = run.stats()[0]!;
      return stats.processed + stats.skipped === 2;
    });
    await waitFor('the queue to drain', () => drained(world));
    expect(run.stats()[0]).toMatchObject({ processed: 1, skipped: 1, failed: 0 });
    expect(await world.output('out/report.csv')).toBe('second version, longer');
    expect(world.ledger().map((row) => [row.key, row.state, row.attempts])).toEqual([
      ['in/report.csv', 'done', 1],
    ]);
    expect(await queueDepth(world.customerSqs, world.customerDlqUrl!)).toMatchObject({ visible: 0 });
  });
});
