/**
 * The SQL of shared batch runs against a real PostgreSQL: joining a run, the listing lease and
 * its take-over, claims in batches with SKIP LOCKED, leases, dead local workers, finishing.
 * Separate instances stand for separate processes; a settable clock stands for time passing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresSharedRuns, type RunWorker } from '../../../src/state/postgres-shared-runs.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';

let database: TestDatabase;
let nowMs = 1_000_000;
const dead = new Set<number>();
const opened: PostgresSharedRuns[] = [];

/** A process's handle on the shared runs, on the test's clock and idea of which pids are alive. */
function open(): PostgresSharedRuns {
  const runs = new PostgresSharedRuns({
    url: database.url,
    now: () => nowMs,
    isOwnerAlive: (_host, pid) => !dead.has(pid),
  });
  opened.push(runs);
  return runs;
}

const worker = (n: number): RunWorker => ({ id: `worker-${n}`, host: 'host-a', pid: 1000 + n });
const objects = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({
    key: `k${String(from + i).padStart(4, '0')}`,
    etag: 'e',
    size: 1,
  }));

beforeEach(async () => {
  database = await createTestDatabase('shared_runs');
  nowMs = 1_000_000;
  dead.clear();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runs) => runs.close()));
  await database.drop();
});

/** A run whose listing (by worker 1) wrote `count` objects and is complete. */
async function listedRun(runs: PostgresSharedRuns, count: number): Promise<string> {
  const { runId } = await runs.join('acme', 'batch', 'src');
  expect(await runs.takeListing(runId, worker(1), 60_000)).toEqual({ startAfter: undefined });
  expect(
    await runs.writePage(runId, worker(1), objects(0, count), objects(0, count).at(-1)!.key, 60_000),
  ).toBe(true);
  expect(await runs.finishListing(runId, worker(1))).toBe(true);
  return runId;
}

describe('joining a run', () => {
  it('gives processes that start together one run, started by exactly one of them', async () => {
    const joined = await Promise.all(
      [open(), open(), open(), open()].map((r) => r.join('acme', 'batch', 'src')),
    );
    expect(new Set(joined.map((j) => j.runId)).size).toBe(1);
    expect(joined.filter((j) => j.started)).toHaveLength(1);
  });

  it('starts a new run once the open one finished, except for a tick that ran already', async () => {
    const runs = open();
    const first = await listedRun(runs, 1);
    expect(await runs.claim(first, worker(1), 10, 60_000)).toHaveLength(1);
    expect(await runs.tryFinish(first)).toBe(false);
    await runs.settle(first, worker(1), 'k0000', 'processed');
    expect(await runs.tryFinish(first)).toBe(true);
    const next = await runs.join('acme', 'batch', 'src');
    expect(next).toMatchObject({ started: true, finished: false });
    expect(next.runId).not.toBe(first);

    const tick = await runs.join('acme', 'tick:2026-12-04T02:00:00.000Z', 'src', true);
    await runs.takeListing(tick.runId, worker(1), 60_000);
    await runs.finishListing(tick.runId, worker(1));
    expect(await runs.tryFinish(tick.runId)).toBe(true);
    expect(await runs.join('acme', 'tick:2026-12-04T02:00:00.000Z', 'src', true)).toEqual({
      runId: tick.runId,
      started: false,
      finished: true,
    });
  });
});

describe('the listing lease', () => {
  it('belongs to one worker; another takes it when the lease ended and resumes after the last page', async () => {
    const [a, b] = [open(), open()];
    const { runId } = await a.join('acme', 'batch', 'src');
    expect(await a.takeListing(runId, worker(1), 30_000)).toEqual({ startAfter: undefined });
    expect(await b.takeListing(runId, worker(2), 30_000)).toBeUndefined();
    expect(await a.writePage(runId, worker(1), objects(0, 10), 'k0009', 30_000)).toBe(true);
    nowMs += 30_001;
    expect(await b.takeListing(runId, worker(2), 30_000)).toEqual({ startAfter: 'k0009' });
    // The stalled lister's next page is refused and writes nothing.
    expect(await a.writePage(runId, worker(1), objects(10, 20), 'k0019', 30_000)).toBe(false);
    expect((await b.totals(runId)).listed).toBe(10);
    expect(await a.finishListing(runId, worker(1))).toBe(false);
    expect(await b.finishListing(runId, worker(2))).toBe(true);
    expect(await a.takeListing(runId, worker(1), 30_000)).toBeUndefined();
  });

  it('is taken at once from a lister on this host whose process is gone', async () => {
    const [a, b] = [open(), open()];
    const { runId } = await a.join('acme', 'batch', 'src');
    await a.takeListing(runId, worker(1), 120_000);
    await a.writePage(runId, worker(1), objects(0, 5), 'k0004', 120_000);
    dead.add(worker(1).pid);
    expect(await b.takeListing(runId, worker(2), 120_000)).toEqual({ startAfter: 'k0004' });
  });

  it('is kept by renewing it', async () => {
    const [a, b] = [open(), open()];
    const { runId } = await a.join('acme', 'batch', 'src');
    await a.takeListing(runId, worker(1), 30_000);
    nowMs += 20_000;
    await a.renew(runId, worker(1), 30_000);
    nowMs += 20_000;
    expect(await b.takeListing(runId, worker(2), 30_000)).toBeUndefined();
  });
});

describe('claiming pending objects', () => {
  it('gives each object to exactly one of many workers claiming at once, in small batches', async () => {
    const runs = open();
    const runId = await listedRun(runs, 100);
    const claimers = [1, 2, 3, 4].map((n) => ({ runs: open(), worker: worker(n), got: [] as string[] }));
    await Promise.all(
      claimers.map(async (c) => {
        for (;;) {
          const batch = await c.runs.claim(runId, c.worker, 5, 60_000);
          expect(batch.length).toBeLessThanOrEqual(5);
          if (batch.length === 0) return;
          c.got.push(...batch.map((o) => o.key));
          for (const o of batch) expect(await c.runs.settle(runId, c.worker, o.key, 'processed')).toBe(true);
        }
      }),
    );
    const all = claimers.flatMap((c) => c.got);
    expect(all).toHaveLength(100);
    expect(new Set(all).size).toBe(100);
    expect(await runs.tryFinish(runId)).toBe(true);
    expect(await runs.totals(runId)).toMatchObject({ listed: 100, processed: 100, pending: 0, claimed: 0 });
  });

  it('returns what the listing recorded, and takes over claims whose lease ended', async () => {
    const runs = open();
    const runId = await listedRun(runs, 3);
    const mine = await runs.claim(runId, worker(1), 2, 10_000);
    expect(mine).toEqual([
      { key: 'k0000', etag: 'e', size: 1 },
      { key: 'k0001', etag: 'e', size: 1 },
    ]);
    expect((await runs.claim(runId, worker(2), 10, 10_000)).map((o) => o.key)).toEqual(['k0002']);
    expect(await runs.claim(runId, worker(2), 10, 10_000)).toEqual([]);
    nowMs += 10_001;
    // Abandoned claims go back to pending when a worker finds nothing pending.
    expect(await runs.claim(runId, worker(2), 10, 10_000)).toEqual([]);
    expect(await runs.releaseAbandoned(runId, worker(2))).toBe(3);
    expect((await runs.claim(runId, worker(2), 10, 10_000)).map((o) => o.key)).toEqual([
      'k0000',
      'k0001',
      'k0002',
    ]);
    // The first worker's late outcome no longer counts.
    expect(await runs.settle(runId, worker(1), 'k0000', 'processed')).toBe(false);
    expect(await runs.settle(runId, worker(2), 'k0000', 'skipped')).toBe(true);
  });

  it("returns a dead local worker's claims to pending at once, and a stopping worker's when it releases", async () => {
    const runs = open();
    const runId = await listedRun(runs, 6);
    await runs.claim(runId, worker(1), 2, 120_000);
    await runs.claim(runId, worker(3), 2, 120_000);
    expect(await runs.releaseAbandoned(runId, worker(2))).toBe(0);
    dead.add(worker(1).pid);
    expect(await runs.releaseAbandoned(runId, worker(2))).toBe(2);
    await runs.release(runId, worker(3));
    expect(await runs.totals(runId)).toMatchObject({ pending: 6, claimed: 0 });
    expect(await runs.progress(runId)).toEqual({ listingDone: true, pending: true });
    // A worker on another host cannot be checked: its claims wait for their lease.
    await runs.claim(runId, { id: 'far', host: 'host-b', pid: 1001 }, 2, 120_000);
    expect(await runs.releaseAbandoned(runId, worker(2))).toBe(0);
  });

  it('finishes the run only when the listing is complete and every object settled', async () => {
    const runs = open();
    const { runId } = await runs.join('acme', 'batch', 'src');
    await runs.takeListing(runId, worker(1), 60_000);
    await runs.writePage(runId, worker(1), objects(0, 2), 'k0001', 60_000);
    for (const o of await runs.claim(runId, worker(1), 10, 60_000)) {
      await runs.settle(runId, worker(1), o.key, o.key === 'k0000' ? 'processed' : 'failed');
    }
    expect(await runs.tryFinish(runId)).toBe(false);
    expect(await runs.progress(runId)).toEqual({ listingDone: false, pending: false });
    await runs.finishListing(runId, worker(1));
    expect(await runs.progress(runId)).toEqual({ listingDone: true, pending: false });
    expect(await runs.tryFinish(runId)).toBe(true);
    expect(await runs.totals(runId)).toEqual({
      runId,
      listed: 2,
      listingDone: true,
      finished: true,
      pending: 0,
      claimed: 0,
      processed: 1,
      skipped: 0,
      failed: 1,
      workers: 1,
    });
  });
});
