/**
 * Two `bucketbridge run` processes with one PostgreSQL ledger and a scheduled batch connection:
 * both join the run of the schedule's current tick, so the batch runs once across the two (the
 * source listed once, every object processed once), not once per process.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/postgres.js';
import { useTestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import { createServiceWorld, type ServiceWorld } from './service-world.js';

const COUNT = 120;
const sandbox = useTestSandbox();
const database = useTestDatabase('run_shared');
let world: ServiceWorld;
beforeAll(async () => {
  world = await createServiceWorld(sandbox, { ledger: database.url });
});
afterAll(() => world.close());

describe('a scheduled batch in two run processes on one PostgreSQL ledger', () => {
  it('runs once per tick across both: one listing, every object processed once', async () => {
    // A yearly schedule: both processes are in the same tick (1 January, 00:00 UTC) whenever the test runs.
    const nightly = world.connections.find((c) => c.name === 'nightly')!;
    // No drift checks: they list the buckets too, and this test counts the listings.
    world.write([{ ...nightly, schedule: '0 0 1 1 *' }], { service: { verifyEvery: '0' } });
    for (let i = 0; i < COUNT; i++)
      await world.batch.put(`in/tick-${String(i).padStart(3, '0')}.txt`, `tick ${i}`);
    sandbox.server.requestCounts(true);

    const runs = [world.spawn(), world.spawn()];
    for (const run of runs) {
      await waitFor('the batch run to finish', () => run.logs('batch run: finished').length > 0, 120_000);
    }
    expect(sandbox.server.requestCounts()['s3:ListObjectsV2']).toBe(1);
    const processed = runs.flatMap((run) => run.logs('object processed').map((entry) => entry.key));
    expect(processed).toHaveLength(COUNT);
    expect(new Set(processed).size).toBe(COUNT);
    const tick = `${new Date().getUTCFullYear()}-01-01T00:00:00.000Z`;
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const run = await db.query(
        'SELECT run_key, finished_at IS NOT NULL AS finished FROM bucketbridge_runs',
      );
      expect(run.rows).toEqual([{ run_key: `tick:${tick}`, finished: true }]);
      const done = await db.query(
        `SELECT count(*)::integer AS n FROM bucketbridge_objects WHERE connection = 'nightly' AND state = 'done' AND attempts = 1`,
      );
      expect(done.rows[0].n).toBe(COUNT);
    } finally {
      await db.end();
    }
    for (const run of runs) run.child.kill('SIGTERM');
    for (const run of runs) expect(await run.exited).toEqual({ code: 0, signal: null });
  }, 240_000);
});
