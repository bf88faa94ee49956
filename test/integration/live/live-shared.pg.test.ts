/**
 * Two `bucketbridge live` processes on one queue with a shared PostgreSQL ledger, while the
 * sandbox's SQS delivers messages twice (the `duplicate` fault: SQS's at-least-once delivery,
 * seeded): every object is processed once, by one of the two, and the duplicates are recognised.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import { drained } from './live-queues.js';
import { createLiveWorld, type LiveWorld, logsOf as logs } from './live-world.js';
import { following } from './use-live-world.js';

const COUNT = 30;
let sandbox: TestSandbox;
let database: TestDatabase;
let world: LiveWorld;
beforeAll(async () => {
  sandbox = await startTestSandbox();
  database = await createTestDatabase('live_shared');
  world = await createLiveWorld(sandbox, {
    mode: 'sqs',
    ledger: database.url,
    visibilityTimeout: '5s',
    maxReceiveCount: 10,
    concurrency: 4,
  });
});
afterAll(async () => {
  world.close();
  await sandbox.close();
  await database.drop();
});

describe('two live processes on one queue with a PostgreSQL ledger', () => {
  it('process every object once although SQS delivers messages twice', async () => {
    sandbox.setFaults('sqs:ReceiveMessage=duplicate@0.5;seed=12');
    const workers = [world.spawnCli(), world.spawnCli()];
    for (const cli of workers) await following(cli);
    const keys = Array.from({ length: COUNT }, (_, i) => `in/event-${String(i).padStart(2, '0')}.txt`);
    for (const key of keys) await world.put(key, `body of ${key}`);

    const processed = () => workers.flatMap((cli) => logs(cli, 'object processed').map((entry) => entry.key));
    const skippedAsDone = () =>
      workers.flatMap((cli) => logs(cli, 'object skipped').filter((entry) => entry.reason === 'done'));
    await waitFor('every object processed', () => processed().length >= COUNT, 90_000);
    // Drained: every copy was received too, and recognised as done.
    await waitFor('the queue to drain', () => drained(world), 90_000);
    for (const cli of workers) cli.child.kill('SIGTERM');
    for (const cli of workers) expect(await cli.exited).toEqual({ code: 0, signal: null });

    expect(processed().sort()).toEqual(keys);
    expect(skippedAsDone().length).toBeGreaterThan(0);
    for (const key of keys) expect(await world.output(key.replace(/^in\//, 'out/'))).toBe(`body of ${key}`);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const rows = await db.query<{ key: string; state: string; attempts: number }>(
        'SELECT key, state, attempts FROM bucketbridge_objects ORDER BY key',
      );
      expect(rows.rows).toEqual(keys.map((key) => ({ key, state: 'done', attempts: 1 })));
    } finally {
      await db.end();
    }
  }, 240_000);
});
