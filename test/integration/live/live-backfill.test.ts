/**
 * Backfill-then-follow: objects that were in the bucket before any event was kept (their events
 * purged) are listed and processed, while uploads made during the switch arrive as events (and
 * are often listed too); every object ends done, and none is processed twice.
 */
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { drained } from './live-queues.js';
import { useLiveWorld } from './use-live-world.js';

const live = useLiveWorld({ mode: 'sqs', backfill: true }, { start: false });
const { world } = live;

describe('backfill-then-follow', () => {
  it('processes what was there and what arrives during the switch, each object once', async () => {
    const existing = Array.from({ length: 150 }, (_, i) => `in/old/${String(i).padStart(3, '0')}.txt`);
    const limit = pLimit(16);
    await Promise.all(existing.map((key) => limit(() => world.put(key, `old ${key}`))));
    // As if the objects predated the notification: no event for them.
    await world.customerSqs.send(new PurgeQueueCommand({ QueueUrl: world.customerQueueUrl }));
    await waitFor('the purge', () => drained(world));

    const processed = new Map<string, number>();
    const run = await live.start({
      onOutcome: (outcome) => {
        if (outcome.status === 'processed') {
          processed.set(outcome.object.key, (processed.get(outcome.object.key) ?? 0) + 1);
        }
      },
    });
    // Uploads while the backfill is listing and processing.
    const fresh = Array.from({ length: 20 }, (_, i) => `in/new/${String(i).padStart(2, '0')}.txt`);
    for (const key of fresh) await world.put(key, `new ${key}`);
    await run.connections[0]!.backfillDone;
    const all = [...existing, ...fresh];
    await waitFor(
      'every object done',
      () => world.ledger().filter((r) => r.state === 'done').length === all.length,
    );
    await waitFor('the queue to drain', () => drained(world));

    expect([...processed.keys()].sort()).toEqual([...all].sort());
    expect([...processed.values()].every((count) => count === 1)).toBe(true);
    expect(world.ledger().every((row) => row.state === 'done' && row.attempts === 1)).toBe(true);
    const outputs = await world.listOutputs();
    expect(outputs).toEqual(all.map((key) => `out/${key.slice(3)}`).sort());
    expect(await world.output('out/old/042.txt')).toBe('old in/old/042.txt');
    expect(await world.output('out/new/19.txt')).toBe('new in/new/19.txt');
    await run.stop(5000);
  });
});
