/**
 * Two `bucketbridge live` processes on one queue with a shared PostgreSQL ledger, while the
 * sandbox's SQS delivers messages twice (the `duplicate` fault: SQS's at-least-once delivery,
 * seeded): every object is processed once, by one of the two, and the duplicates are recognised.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLedger } from '../../../src/state/create-ledger.js';
import { useTestDatabase } from '../../helpers/postgres.js';
import { waitFor } from '../../helpers/wait-for.js';
import { drained } from './live-queues.js';
import { logsOf as logs } from './live-world.js';
import { following, useLiveWorld } from './use-live-world.js';

const COUNT = 30;
const database = useTestDatabase('live_shared');
const { sandbox, world } = useLiveWorld(
  () => ({ mode: 'sqs', ledger: database.url, visibilityTimeout: '5s', maxReceiveCount: 10, concurrency: 4 }),
  { start: false },
);

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
    // Through the Ledger interface: every object done on its first attempt, and no other entry.
    const ledger = createLedger({ setting: database.url, configPath: world.configPath });
    try {
      expect(await ledger.stats('acme')).toMatchObject({ claimed: 0, done: COUNT, failed: 0 });
      for (const key of keys) {
        const version = createHash('md5').update(`body of ${key}`).digest('hex');
        expect(
          await ledger.get({ connection: 'acme', bucket: world.sourceBucket, key, version }),
        ).toMatchObject({
          state: 'done',
          attempts: 1,
        });
      }
    } finally {
      await ledger.close();
    }
  }, 240_000);
});
