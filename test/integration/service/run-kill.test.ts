/**
 * kill -9 of `bucketbridge run` in the middle of its work, then a restart: a live connection with
 * uploads in flight and a batch half-way through, every copy slowed by the sandbox so that work is
 * under way when SIGKILL lands. After the restart every object is done and none was processed
 * twice: what the ledger (read through the Ledger interface) had done at the kill stays as it was,
 * and the second process processes exactly the rest. Needs `npm run build`.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../../src/state/create-ledger.js';
import type { Ledger, LedgerEntry } from '../../../src/state/ledger.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import { createServiceWorld, type ServiceProcess, type ServiceWorld, sample } from './service-world.js';

let sandbox: TestSandbox;
let world: ServiceWorld;
let ledger: Ledger;
const liveKeys = Array.from({ length: 24 }, (_, i) => `in/live-${i}.txt`);
const lateKeys = Array.from({ length: 4 }, (_, i) => `in/late-${i}.txt`);
const batchKeys = Array.from({ length: 32 }, (_, i) => `in/batch-${i}.txt`);
const bodyOf = (key: string) => `body of ${key}`;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  // A short visibility timeout: the messages the killed process held come back within seconds.
  world = await createServiceWorld(sandbox, { visibilityTimeout: '3s', maxReceiveCount: 10, concurrency: 4 });
  world.write(world.connections.filter((c) => c.name !== 'wrong').map((c) => ({ ...c, concurrency: 4 })));
  for (const key of batchKeys) await world.batch.put(key, bodyOf(key));
  ledger = createLedger({ setting: 'sqlite:./state/ledger.db', configPath: world.configPath });
}, 60_000);
afterAll(async () => {
  sandbox?.setFaults('');
  await ledger?.close();
  world?.close();
  await sandbox?.close();
});

/** Ledger entries of the keys, by key (undefined: never claimed). */
async function entries(connection: 'acme' | 'nightly', keys: string[]) {
  const bucket = connection === 'acme' ? world.live.sourceBucket : world.batch.sourceBucket;
  const found = new Map<string, LedgerEntry | undefined>();
  for (const key of keys) {
    const version = createHash('md5').update(bodyOf(key)).digest('hex');
    found.set(key, await ledger.get({ connection, bucket, key, version }));
  }
  return found;
}

const doneKeys = (found: Map<string, LedgerEntry | undefined>) =>
  [...found].filter(([, entry]) => entry?.state === 'done').map(([key]) => key);

const processed = async (service: ServiceProcess, connection: string) =>
  sample(await service.metrics(), 'bucketbridge_objects_total', { connection, outcome: 'processed' }) ?? 0;

describe('kill -9 of run, then a restart', () => {
  it('loses nothing and processes nothing twice', async () => {
    sandbox.setFaults('s3:CopyObject=latency=600ms');
    const first = world.spawn(['--grace', '10s', '--poll-wait', '1s']);
    await waitFor(
      'acme to follow its queue',
      async () => (await first.status()).connections.some((c) => c.name === 'acme' && c.state === 'running'),
      30_000,
    );
    for (const key of liveKeys) await world.live.put(key, bodyOf(key));
    await waitFor(
      'some live and batch objects done',
      async () => {
        const live = doneKeys(await entries('acme', liveKeys));
        const batch = doneKeys(await entries('nightly', batchKeys));
        return live.length >= 2 && batch.length >= 2;
      },
      30_000,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const atKill = { acme: await entries('acme', liveKeys), nightly: await entries('nightly', batchKeys) };
    // Work was in flight: the kill left objects not done on both connections.
    expect(doneKeys(atKill.acme).length).toBeLessThan(liveKeys.length);
    expect(doneKeys(atKill.nightly).length).toBeLessThan(batchKeys.length);
    // Uploaded while nothing runs: their events wait in the queue.
    for (const key of lateKeys) await world.live.put(key, bodyOf(key));

    sandbox.setFaults('');
    const second = world.spawn(['--grace', '10s', '--poll-wait', '1s']);
    const allLive = [...liveKeys, ...lateKeys];
    await waitFor(
      'every object done',
      async () => {
        const live = doneKeys(await entries('acme', allLive));
        const batch = doneKeys(await entries('nightly', batchKeys));
        return live.length === allLive.length && batch.length === batchKeys.length;
      },
      60_000,
    );
    for (const key of allLive) expect(await world.live.output(`out/${key.slice(3)}`)).toBe(bodyOf(key));
    for (const key of batchKeys) expect(await world.batch.output(`out/${key.slice(3)}`)).toBe(bodyOf(key));

    // Done before the kill: untouched since (same run, finish time and attempts).
    for (const [connection, keys] of [
      ['acme', liveKeys],
      ['nightly', batchKeys],
    ] as const) {
      const now = await entries(connection, keys);
      for (const key of doneKeys(atKill[connection])) {
        const before = atKill[connection].get(key)!;
        expect(now.get(key), key).toMatchObject({
          state: 'done',
          runId: before.runId,
          finishedAt: before.finishedAt,
        });
      }
    }
    // The second process processed exactly what was not done at the kill.
    await waitFor(
      'the live queue to drain',
      async () => (await processed(second, 'acme')) >= allLive.length - doneKeys(atKill.acme).length,
    );
    expect(await processed(second, 'acme')).toBe(allLive.length - doneKeys(atKill.acme).length);
    expect(await processed(second, 'nightly')).toBe(batchKeys.length - doneKeys(atKill.nightly).length);
    expect(await ledger.stats('acme')).toMatchObject({ done: allLive.length, failed: 0, claimed: 0 });
    expect(await ledger.stats('nightly')).toMatchObject({ done: batchKeys.length, failed: 0, claimed: 0 });

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 150_000);
});
