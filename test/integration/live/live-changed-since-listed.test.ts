/**
 * An event for a version that no longer exists: the object was overwritten before its first event
 * was handled. The copy is conditioned on the event's ETag, S3 answers 412, and that is a skip
 * ("changed since listed"), not a failure: the message is deleted, nothing is recorded for the
 * vanished version, and the overwrite's own event copies the new content.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { LiveRun } from '../../../src/live/run-live.js';
import { waitFor } from '../../helpers/wait-for.js';
import { queueDepth } from './live-queues.js';
import { useLiveWorld } from './use-live-world.js';

describe('live, an object overwritten before its event is handled', () => {
  const { sandbox, world } = useLiveWorld({ mode: 'sqs' }, { start: false });
  let run: LiveRun | undefined;
  afterAll(async () => {
    await run?.stop(0);
  });

  it('skips the first event as changed since listed, deletes it, and copies the second version once', async () => {
    // Both events wait in the queue before the run starts, so the first one names a version
    // that is already gone whichever order they are handled in.
    await world.put('in/report.csv', 'first version');
    await world.put('in/report.csv', 'second version, longer');
    run = await world.start();
    const drained = async () => {
      const depth = await queueDepth(world.customerSqs, world.customerQueueUrl!);
      return depth.visible === 0 && depth.inFlight === 0;
    };
    await waitFor('both events to be handled', async () => {
      const stats = run!.stats()[0]!;
      return stats.processed + stats.skipped === 2;
    });
    await waitFor('the queue to drain', drained);
    expect(run.stats()[0]).toMatchObject({ processed: 1, skipped: 1, failed: 0 });
    expect(await world.output('out/report.csv')).toBe('second version, longer');
    expect(world.ledger().map((row) => [row.key, row.state, row.attempts])).toEqual([
      ['in/report.csv', 'done', 1],
    ]);
    expect(await queueDepth(world.customerSqs, world.customerDlqUrl!)).toMatchObject({ visible: 0 });
  });
});
