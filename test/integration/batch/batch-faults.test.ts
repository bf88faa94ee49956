/**
 * A batch of more than 1,000 objects (two listing pages) while the sandbox fails about one S3
 * request in ten with a 503 and resets connections part-way through bodies: every object still
 * ends done exactly once, with a complete output.
 */
import { gunzipSync } from 'node:zlib';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observe/logger.js';
import { useBatchWorld } from './use-batch-world.js';

const COUNT = 1_100;
const { sandbox, world } = useBatchWorld(
  { processor: { type: 'gzip' }, concurrency: 32 },
  {
    objects: {
      count: COUNT,
      object: (i) => [`in/part-${String(i).padStart(4, '0')}.log`, `line ${i}\n`.repeat(100)],
      parallel: 32,
    },
  },
);

describe('a large batch under injected faults', () => {
  it('processes every object exactly once despite 503s and connection resets', async () => {
    // Every read fails until the first failure outlasts the SDK's own retries and reaches the
    // pipeline (its retry is logged); then the seeded faults. Which request draws which seeded
    // fault depends on how 32 workers interleave, so the seeded phase alone cannot promise that.
    sandbox.setFaults('s3:GetObject=503');
    const seeded =
      's3:GetObject=503@0.1,reset=200@0.1;s3:PutObject=503@0.1;s3:ListObjectsV2=503@0.2;s3:HeadBucket=503@0.1;seed=42';
    let seededOn = false;
    const logger = createLogger({
      level: 'debug',
      pretty: false,
      destination: {
        write(line: string) {
          if (seededOn || !line.includes('retrying after a transient failure')) return;
          seededOn = true;
          sandbox.setFaults(seeded);
        },
      },
    });
    let processedEvents = 0;
    let retried = 0;
    const report = await world.run({
      logger,
      retry: { maxAttempts: 12, baseDelayMs: 2, maxDelayMs: 20 },
      onOutcome: (outcome) => {
        if (outcome.status === 'processed') processedEvents++;
        if (outcome.status === 'processed' && outcome.attempts > 1) retried++;
      },
    });
    sandbox.setFaults('');
    expect(report).toMatchObject({ listed: COUNT, processed: COUNT, failed: 0, skipped: 0 });
    expect(processedEvents).toBe(COUNT);
    // The faults did reach the pipeline (not only the SDK's own retries).
    expect(retried).toBeGreaterThan(0);
    expect(await world.ledgerCounts()).toEqual({ done: COUNT });
    const outputs = await world.listKeys(world.destinationBucket);
    expect(outputs).toHaveLength(COUNT);
    const limit = pLimit(32);
    const wrong: string[] = [];
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        limit(async () => {
          const name = `part-${String(i).padStart(4, '0')}.log`;
          const { body } = await world.get(world.destinationBucket, `out/${name}.gz`);
          if (gunzipSync(body).toString() !== `line ${i}\n`.repeat(100)) wrong.push(name);
        }),
      ),
    );
    expect(wrong).toEqual([]);
    // A second run finds everything done.
    expect(await world.run()).toMatchObject({ processed: 0, skipped: COUNT });
  });
});
