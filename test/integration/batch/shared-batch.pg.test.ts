/**
 * A batch shared by several `bucketbridge batch` processes through a real PostgreSQL ledger, on
 * the sandbox over HTTP: the source is listed once per run, every object is processed by exactly
 * one worker, each report counts its own work and the run's totals, and a worker killed with
 * kill -9 loses nothing.
 */
import type { ChildProcess } from 'node:child_process';
import pLimit from 'p-limit';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BatchReport } from '../../../src/batch/batch-report.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';
import type { CliResult } from '../../helpers/run-cli.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import { type BatchWorld, createBatchWorld } from './batch-world.js';

const COUNT = 3_000;
const PAGES = Math.ceil(COUNT / 1000);
// Four processes over 3,000 objects on a shared two-core machine: minutes, not seconds.
const TIMEOUT_MS = 300_000;

let sandbox: TestSandbox;
let database: TestDatabase;
let world: BatchWorld;
let db: pg.Pool;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

beforeEach(async () => {
  database = await createTestDatabase('shared_batch');
  db = new pg.Pool({ connectionString: database.url, max: 2 });
  world = await createBatchWorld(sandbox, { ledger: database.url, concurrency: 4 });
  const limit = pLimit(32);
  await Promise.all(
    Array.from({ length: COUNT }, (_, i) =>
      limit(() => world.put(`in/obj-${String(i).padStart(5, '0')}.txt`, `object ${i}\n`)),
    ),
  );
  sandbox.server.requestCounts(true);
});
afterEach(async () => {
  sandbox.setFaults('');
  world.close();
  await db.end();
  await database.drop();
});

function reportOf(result: CliResult): BatchReport {
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as BatchReport;
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
}

describe('three batch processes on one connection with a PostgreSQL ledger', () => {
  it(
    'share one listing and process every object exactly once',
    async () => {
      // Slow copies a little, so that the run outlasts the processes' start-up.
      sandbox.setFaults('s3:CopyObject=latency=10ms');
      const results = await Promise.all(
        [1, 2, 3].map(() => world.cli(['--json'], { timeoutMs: TIMEOUT_MS })),
      );
      const listCalls = sandbox.server.requestCounts()['s3:ListObjectsV2'];
      const reports = results.map(reportOf);

      expect(listCalls).toBe(PAGES);
      expect(reports.map((r) => r.listed).sort()).toEqual([0, 0, COUNT]);
      expect(reports.reduce((sum, r) => sum + r.processed, 0)).toBe(COUNT);
      for (const report of reports) {
        expect(report.processed).toBeGreaterThan(0);
        expect(report).toMatchObject({ failed: 0, skipped: 0 });
      }
      // One run, joined by all three; the last to leave finished it.
      expect(new Set(reports.map((r) => r.run?.runId)).size).toBe(1);
      expect(reports.some((r) => r.run?.finished)).toBe(true);
      const final = reports.find((r) => r.run?.finished)!.run!;
      expect(final).toMatchObject({ listed: COUNT, processed: COUNT, skipped: 0, failed: 0, workers: 3 });
      expect(results.find((r) => r.stderr.includes(', finished)'))?.stderr).toContain(
        `Run totals (run ${final.runId}, 3 worker(s), finished)`,
      );

      expect(await world.listKeys(world.destinationBucket, 'out/')).toHaveLength(COUNT);
      expect(
        await count(`SELECT count(*) AS n FROM bucketbridge_objects WHERE state = 'done' AND attempts = 1`),
      ).toBe(COUNT);
      expect(await count('SELECT count(*) AS n FROM bucketbridge_objects')).toBe(COUNT);
    },
    TIMEOUT_MS,
  );

  it(
    'loses nothing when one of three workers is killed with kill -9 in the middle',
    async () => {
      sandbox.setFaults('s3:CopyObject=latency=10ms');
      const children: ChildProcess[] = [];
      const running = [1, 2, 3].map(() =>
        world.cli(['--json'], { timeoutMs: TIMEOUT_MS, onSpawn: (child) => children.push(child) }),
      );
      const victim = children[1]!;
      const victimSettled = `SELECT count(*) AS n FROM bucketbridge_run_objects WHERE worker_pid = $1 AND state = 'settled'`;
      // Some done, some still pending, and the victim holding claims of its own.
      await waitFor(
        'the victim to hold claims while work is pending',
        async () =>
          // The tables exist once the first process has migrated the database.
          (await count(`SELECT count(*) AS n FROM pg_tables WHERE tablename = 'bucketbridge_run_objects'`)) >
            0 &&
          (await count(victimSettled, [victim.pid])) > 0 &&
          (await count(
            `SELECT count(*) AS n FROM bucketbridge_run_objects WHERE worker_pid = $1 AND state = 'claimed'`,
            [victim.pid],
          )) > 0 &&
          (await count(`SELECT count(*) AS n FROM bucketbridge_run_objects WHERE state = 'pending'`)) > 0,
        60_000,
      );
      victim.kill('SIGKILL');
      const [first, killed, third] = await Promise.all(running);
      expect(killed!.signal).toBe('SIGKILL');
      const survivors = [reportOf(first!), reportOf(third!)];
      const rerun = reportOf(await world.cli(['--json'], { timeoutMs: TIMEOUT_MS }));

      expect(await world.listKeys(world.destinationBucket, 'out/')).toHaveLength(COUNT);
      // Each object done once: one ledger entry each, done on its first recorded attempt.
      expect(await count('SELECT count(*) AS n FROM bucketbridge_objects')).toBe(COUNT);
      expect(
        await count(`SELECT count(*) AS n FROM bucketbridge_objects WHERE state = 'done' AND attempts = 1`),
      ).toBe(COUNT);
      // What the victim finished (its ledger entries), plus what the others and the re-run
      // processed, is every object.
      const victimId = (
        await db.query<{ worker_id: string }>(
          'SELECT worker_id FROM bucketbridge_run_objects WHERE worker_pid = $1 LIMIT 1',
          [victim.pid],
        )
      ).rows[0]?.worker_id;
      const byVictim = await count('SELECT count(*) AS n FROM bucketbridge_objects WHERE run_id = $1', [
        victimId,
      ]);
      expect(byVictim).toBeGreaterThan(0);
      const processed = [...survivors, rerun].reduce((sum, r) => sum + r.processed, 0);
      expect(byVictim + processed).toBe(COUNT);
      expect(rerun.failed + survivors[0]!.failed + survivors[1]!.failed).toBe(0);
    },
    TIMEOUT_MS,
  );
});
