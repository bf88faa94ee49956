import { describe, expect, it } from 'vitest';
import { BatchReportBuilder, formatBatchReport } from '../../../src/batch/batch-report.js';
import { runBatch } from '../../../src/batch/run-batch.js';
import type { SourceObject } from '../../../src/core/source-object.js';
import type { ObjectOutcome } from '../../../src/pipeline/object-pipeline.js';
import { untilSettled } from '../../helpers/wait-for.js';

function objects(count: number, onPull?: (i: number) => void): AsyncIterable<SourceObject> {
  return (async function* () {
    for (let i = 0; i < count; i++) {
      onPull?.(i);
      yield { bucket: 'b', key: `k${i}`, etag: 'e', size: 10 };
    }
  })();
}

/** A pipeline whose objects finish only when the test releases them. */
function gatedPipeline() {
  const pending: Array<() => void> = [];
  let active = 0;
  let peak = 0;
  return {
    pending,
    peak: () => peak,
    pipeline: {
      process(object: SourceObject): Promise<ObjectOutcome> {
        active++;
        peak = Math.max(peak, active);
        return new Promise((resolve) => {
          pending.push(() => {
            active--;
            resolve({ status: 'processed', object, attempts: 1, bytesIn: 10, bytesOut: 5, outputs: [] });
          });
        });
      },
    },
  };
}

describe('running a batch', () => {
  it('never has more objects in flight than the concurrency, and pulls the next only when a worker frees', async () => {
    const gate = gatedPipeline();
    let pulled = 0;
    const running = runBatch({
      objects: objects(10, () => pulled++),
      pipeline: gate.pipeline,
      concurrency: 3,
    });
    await untilSettled('three objects in flight', () => gate.pending.length === 3);
    expect(pulled).toBe(3);
    gate.pending.shift()!();
    await untilSettled(
      'a fourth object pulled, three in flight',
      () => gate.pending.length === 3 && pulled === 4,
    );
    while (gate.pending.length > 0 || pulled < 10) {
      await untilSettled('an object in flight', () => gate.pending.length > 0);
      gate.pending.shift()!();
    }
    await running;
    expect(gate.peak()).toBe(3);
    expect(pulled).toBe(10);
  });

  it('reports every outcome once', async () => {
    const outcomes: ObjectOutcome[] = [];
    await runBatch({
      objects: objects(50),
      pipeline: {
        async process(object) {
          return { status: 'skipped', object, reason: 'done' };
        },
      },
      concurrency: 8,
      onOutcome: (o) => outcomes.push(o),
    });
    expect(outcomes.map((o) => o.object.key).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `k${i}`).sort(),
    );
  });

  it('stops pulling objects after a misconfiguration and returns the error, letting in-flight work settle', async () => {
    let pulled = 0;
    const fatal = new Error('InvalidAccessKeyId: the key is unknown');
    const result = await runBatch({
      objects: objects(100, () => pulled++),
      pipeline: {
        async process(object) {
          if (object.key === 'k2') throw fatal;
          return { status: 'processed', object, attempts: 1, bytesIn: 0, bytesOut: 0, outputs: [] };
        },
      },
      concurrency: 1,
    });
    expect(result.stoppedBy).toBe(fatal);
    expect(pulled).toBe(3);
  });

  it('returns a listing failure as the reason the run stopped', async () => {
    const result = await runBatch({
      objects: (async function* () {
        yield { bucket: 'b', key: 'a' };
        throw new Error('AccessDenied on ListObjectsV2');
      })(),
      pipeline: {
        async process(object) {
          return { status: 'skipped', object, reason: 'done' };
        },
      },
      concurrency: 2,
    });
    expect((result.stoppedBy as Error).message).toBe('AccessDenied on ListObjectsV2');
  });

  it('keeps going when a progress listener throws', async () => {
    let settled = 0;
    await runBatch({
      objects: objects(5),
      pipeline: {
        async process(object) {
          settled++;
          return { status: 'skipped', object, reason: 'done' };
        },
      },
      concurrency: 2,
      onOutcome: () => {
        throw new Error('display broke');
      },
    });
    expect(settled).toBe(5);
  });

  it.each([0, 1001, 1.5])('rejects concurrency %s', async (concurrency) => {
    await expect(
      runBatch({
        objects: objects(1),
        pipeline: { process: async () => ({}) as ObjectOutcome },
        concurrency,
      }),
    ).rejects.toThrow(`concurrency must be an integer from 1 to 1000, got ${concurrency}`);
  });
});

describe('the batch report', () => {
  it('adds up outcomes, durations and rates', () => {
    let now = 1_000;
    const builder = new BatchReportBuilder('acme', false, () => now);
    const object = { bucket: 'b', key: 'k' };
    for (let i = 0; i < 4; i++) builder.listed();
    builder.filtered('folder-marker');
    builder.add({ status: 'processed', object, attempts: 1, bytesIn: 2048, bytesOut: 1024, outputs: [] });
    builder.add({ status: 'processed', object, attempts: 2, bytesIn: 2048, bytesOut: 1024, outputs: [] });
    builder.add({ status: 'skipped', object, reason: 'done' });
    builder.add({
      status: 'failed',
      object: { bucket: 'b', key: 'bad key' },
      attempts: 1,
      kind: 'permanent',
      reason: 'AccessDenied: no',
    });
    now = 3_000;
    const report = builder.finish();
    expect(report).toEqual({
      connection: 'acme',
      dryRun: false,
      listed: 4,
      filteredOut: 1,
      ignoredOlder: 0,
      processed: 2,
      wouldProcess: 0,
      skipped: 1,
      skippedByReason: {
        done: 1,
        'failed-earlier': 0,
        'in-progress-elsewhere': 0,
        'changed-since-listed': 0,
      },
      failed: 1,
      bytesIn: 4096,
      bytesOut: 2048,
      durationMs: 2000,
      objectsPerSec: 1,
      bytesPerSec: 2048,
      failures: [{ bucket: 'b', key: 'bad key', reason: 'AccessDenied: no', attempts: 1 }],
      stopped: false,
    });
    expect(formatBatchReport(report)).toBe(
      [
        'Batch of connection acme',
        '  listed:    4 (1 left out by filters)',
        '  processed: 2',
        '  skipped:   1 (done earlier 1, failed earlier 0, in progress elsewhere 0, changed since listed 0)',
        '  failed:    1',
        '  bytes:     4.0 KiB in, 2.0 KiB out',
        '  duration:  2.0 s (1 objects/s, 2.0 KiB/s)',
        'Failures:',
        '  s3://b/bad key: AccessDenied: no (1 attempt(s))',
        '',
      ].join('\n'),
    );
  });

  it('says how many objects source.ignoreOlderThan left out, only when it left some out', () => {
    const builder = new BatchReportBuilder('acme', false, () => 0);
    builder.filtered('ignored-older');
    builder.filtered('ignored-older');
    builder.filtered('suffix');
    const report = builder.finish();
    expect(report).toMatchObject({ filteredOut: 3, ignoredOlder: 2 });
    expect(formatBatchReport(report)).toContain(
      '  listed:    0 (3 left out by filters, 2 of them older than source.ignoreOlderThan)\n',
    );
  });
});
