/**
 * A batch that outlives its role sessions: the sandbox caps every STS session at two seconds, so
 * the connection's credentials expire several times during the run and must be refreshed without
 * a single object failing.
 */
import { describe, expect, it } from 'vitest';
import { useBatchWorld } from './use-batch-world.js';

const SESSION_SEC = 2;
const { sandbox, world } = useBatchWorld(
  { processor: { type: 'gzip' }, concurrency: 4 },
  {
    sandbox: { maxSessionSec: SESSION_SEC },
    objects: { count: 150, object: (i) => [`in/${i}.txt`, `object ${i}\n`], parallel: 16 },
  },
);

describe('credentials that expire during a run', () => {
  it('are refreshed without any object failing', async () => {
    // 150 reads of at least 100 ms each, 4 at a time: the run lasts over 3.7 s, beyond a session.
    sandbox.setFaults('s3:GetObject=latency=100ms');
    const started = Date.now();
    const report = await world.run();
    sandbox.setFaults('');
    const elapsedSec = (Date.now() - started) / 1000;
    expect(report).toMatchObject({ processed: 150, failed: 0 });
    // The run outlived its first session, so a refresh did happen (not a vacuous pass).
    expect(elapsedSec).toBeGreaterThan(SESSION_SEC);
    expect(await world.ledgerCounts()).toEqual({ done: 150 });
  });
});
