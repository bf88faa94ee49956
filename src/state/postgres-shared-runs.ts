/**
 * Batch runs shared by many workers, in the PostgreSQL ledger's database. A run of a connection
 * is one row (`bucketbridge_runs`); processes that start while it is open join it instead of
 * starting their own. One worker at a time holds the run's listing lease and writes what it lists
 * as pending objects (`bucketbridge_run_objects`, one INSERT per page, with the last listed key,
 * so a new lease holder resumes after it); every worker claims pending objects in small batches
 * with `FOR UPDATE SKIP LOCKED`. A run is finished once its listing is complete and every object
 * is settled. Whether an object is processed at most once is still the ledger's claim: these
 * rows only share out the work.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { isLocalOwnerAlive } from './is-local-owner-alive.js';
import { acquirePool, releasePool } from './postgres-connection.js';
import { migratePostgresLedger } from './postgres-migrations.js';
import { RUN_SQL as SQL } from './postgres-shared-runs-sql.js';

/** One process taking part in a run. */
export interface RunWorker {
  /** Unique per process and run (the pipeline's ledger run id). */
  id: string;
  host: string;
  pid: number;
}

/** An object of the run, as the listing found it. */
export interface RunObject {
  key: string;
  etag?: string;
  size?: number;
  lastModified?: Date;
}

/** The run a process joined. */
export interface JoinedRun {
  runId: string;
  /** Whether this process started the run (else it joined one already open). */
  started: boolean;
  /** Set when the run of a `once` key had finished already: nothing to do. */
  finished: boolean;
}

/** What settled an object: the pipeline's outcome status. */
export type RunOutcome = 'processed' | 'skipped' | 'failed';

/** The run's totals over every worker, from the ledger. */
export interface RunTotals {
  runId: string;
  /** Objects the listing wrote as work. */
  listed: number;
  listingDone: boolean;
  finished: boolean;
  pending: number;
  claimed: number;
  processed: number;
  skipped: number;
  failed: number;
  /** Workers that settled at least one object. */
  workers: number;
}

export interface PostgresSharedRunsOptions {
  /** `postgres://...`, as the ledger's. */
  url: string;
  /** Clock in epoch milliseconds, for tests. Default: the database server's clock. */
  now?: () => number;
  /** Whether a process on this host is alive; for tests. Default: signal 0. */
  isOwnerAlive?: (host: string, pid: number) => boolean;
}

export class PostgresSharedRuns {
  private readonly pool: pg.Pool;
  private readonly ready: Promise<unknown>;
  private readonly isOwnerAlive: (host: string, pid: number) => boolean;
  private closed = false;

  constructor(private readonly options: PostgresSharedRunsOptions) {
    this.pool = acquirePool(options.url);
    this.isOwnerAlive = options.isOwnerAlive ?? isLocalOwnerAlive;
    this.ready = migratePostgresLedger(this.pool);
    this.ready.catch(() => undefined);
  }

  private clock(): number | null {
    return this.options.now?.() ?? null;
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[]) {
    await this.ready;
    return this.pool.query<R>(sql, params);
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ready;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Joins the connection's open run under `runKey`, or starts one. With `once` (a scheduled
   * tick), a run of that key that finished already is not started again: `finished` is set.
   */
  join(connection: string, runKey: string, bucket: string, once = false): Promise<JoinedRun> {
    return this.transaction(async (client) => {
      await client.query(SQL.lockRunKey, [connection, runKey]);
      type Latest = { run_id: string; finished_at: string | null };
      const latest = (await client.query<Latest>(SQL.latestRun, [connection, runKey])).rows[0];
      if (latest !== undefined && (latest.finished_at === null || once)) {
        return { runId: latest.run_id, started: false, finished: latest.finished_at !== null };
      }
      const runId = randomUUID();
      await client.query(SQL.insertRun, [runId, connection, runKey, bucket, this.clock()]);
      await client.query(SQL.pruneRuns, [connection]);
      return { runId, started: true, finished: false };
    });
  }

  /**
   * Takes the run's listing lease unless another live worker holds it; resolves where to resume
   * (`startAfter`, undefined from the start), or undefined when the lease is not the caller's or
   * the listing is complete. A holder on this host whose process is gone loses it at once.
   */
  async takeListing(
    runId: string,
    worker: RunWorker,
    leaseMs: number,
  ): Promise<{ startAfter: string | undefined } | undefined> {
    type Lister = {
      listing_done: boolean;
      lister_id: string | null;
      lister_host: string;
      lister_pid: number;
    };
    const lister = (await this.query<Lister>(SQL.lister, [runId, this.clock()])).rows[0];
    if (lister === undefined || lister.listing_done) return undefined;
    const dead =
      lister.lister_id !== null && !this.isOwnerAlive(lister.lister_host, lister.lister_pid)
        ? lister.lister_id
        : null;
    const taken = await this.query<{ last_listed_key: string | null }>(SQL.takeListing, [
      runId,
      worker.id,
      worker.host,
      worker.pid,
      leaseMs,
      dead,
      this.clock(),
    ]);
    const row = taken.rows[0];
    return row === undefined ? undefined : { startAfter: row.last_listed_key ?? undefined };
  }

  /**
   * Writes one listed page as pending objects and notes `lastKey` (the page's last key, filtered
   * out or not) in one transaction. False, and nothing written, when the caller lost the lease.
   */
  writePage(
    runId: string,
    worker: RunWorker,
    objects: readonly RunObject[],
    lastKey: string,
    leaseMs: number,
  ): Promise<boolean> {
    return this.transaction(async (client) => {
      // The lease first: it locks the run's row, so a lost lease writes nothing.
      const noted = await client.query(SQL.notePage, [runId, worker.id, lastKey, leaseMs, this.clock()]);
      if (noted.rowCount !== 1) return false;
      await client.query(SQL.insertObjects, [
        runId,
        objects.map((o) => o.key),
        objects.map((o) => o.etag ?? null),
        objects.map((o) => o.size ?? null),
        objects.map((o) => o.lastModified?.getTime() ?? null),
      ]);
      return true;
    });
  }

  /** Marks the listing complete (the caller holds the lease); false when it lost it. */
  async finishListing(runId: string, worker: RunWorker): Promise<boolean> {
    return (await this.query(SQL.finishListing, [runId, worker.id])).rowCount === 1;
  }

  /** Claims up to `limit` pending objects, in key order (see {@link releaseAbandoned} for the others). */
  async claim(runId: string, worker: RunWorker, limit: number, leaseMs: number): Promise<RunObject[]> {
    type Claimed = { key: string; etag: string | null; size: number | null; last_modified: number | null };
    const result = await this.query<Claimed>(SQL.claim, [
      runId,
      worker.id,
      worker.host,
      worker.pid,
      leaseMs,
      this.clock(),
      limit,
    ]);
    return result.rows
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((row) => {
        const object: RunObject = { key: row.key };
        if (row.etag !== null) object.etag = row.etag;
        if (row.size !== null) object.size = row.size;
        if (row.last_modified !== null) object.lastModified = new Date(row.last_modified);
        return object;
      });
  }

  /** Extends the caller's leases: its claimed objects and, when it lists, the listing. */
  async renew(runId: string, worker: RunWorker, leaseMs: number): Promise<void> {
    await this.query(SQL.renewObjects, [runId, worker.id, leaseMs, this.clock()]);
    await this.query(SQL.renewListing, [runId, worker.id, leaseMs, this.clock()]);
  }

  /** Records an object's outcome; false when another worker had taken it over. */
  async settle(runId: string, worker: RunWorker, key: string, outcome: RunOutcome): Promise<boolean> {
    return (await this.query(SQL.settle, [runId, key, worker.id, outcome])).rowCount === 1;
  }

  /** Gives back what the caller holds (a stopping worker): its claims and the listing lease. */
  async release(runId: string, worker: RunWorker): Promise<void> {
    await this.query(SQL.releaseObjects, [runId, worker.id]);
    await this.query(SQL.releaseListing, [runId, worker.id]);
  }

  /**
   * Returns to pending the claims whose lease ended and those of workers on this host whose
   * process is gone; resolves how many.
   */
  async releaseAbandoned(runId: string, worker: RunWorker): Promise<number> {
    let released = (await this.query(SQL.releaseExpired, [runId, this.clock()])).rowCount ?? 0;
    type Local = { worker_id: string; worker_pid: number };
    const local = await this.query<Local>(SQL.localWorkers, [runId, worker.host, worker.id]);
    for (const other of local.rows) {
      if (this.isOwnerAlive(worker.host, other.worker_pid)) continue;
      released += (await this.query(SQL.releaseObjects, [runId, other.worker_id])).rowCount ?? 0;
    }
    return released;
  }

  /** Finishes the run when its listing is complete and every object settled; whether it is finished. */
  async tryFinish(runId: string): Promise<boolean> {
    await this.query(SQL.finish, [runId, this.clock()]);
    const run = (await this.query<{ finished_at: string | null }>(SQL.run, [runId])).rows[0];
    return run !== undefined && run.finished_at !== null;
  }

  /** Whether the listing is complete and whether any object is still pending. */
  async progress(runId: string): Promise<{ listingDone: boolean; pending: boolean }> {
    type Progress = { listing_done: boolean; pending: boolean };
    const row = (await this.query<Progress>(SQL.progress, [runId])).rows[0];
    return { listingDone: row?.listing_done ?? true, pending: row?.pending ?? false };
  }

  async totals(runId: string): Promise<RunTotals> {
    type Run = { listing_done: boolean; finished_at: string | null };
    const run = (await this.query<Run>(SQL.run, [runId])).rows[0];
    const totals: RunTotals = {
      runId,
      listed: 0,
      listingDone: run?.listing_done ?? false,
      finished: (run?.finished_at ?? null) !== null,
      pending: 0,
      claimed: 0,
      processed: 0,
      skipped: 0,
      failed: 0,
      workers: 0,
    };
    type Count = { state: 'pending' | 'claimed' | 'settled'; outcome: RunOutcome | null; n: number };
    for (const row of (await this.query<Count>(SQL.counts, [runId])).rows) {
      totals.listed += row.n;
      if (row.state === 'settled' && row.outcome !== null) totals[row.outcome] += row.n;
      else if (row.state !== 'settled') totals[row.state] += row.n;
    }
    totals.workers = (await this.query<{ n: number }>(SQL.workers, [runId])).rows[0]?.n ?? 0;
    return totals;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => undefined);
    await releasePool(this.options.url);
  }
}
