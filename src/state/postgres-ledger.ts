/**
 * The shared ledger: PostgreSQL, for many workers on many machines (`ledger: postgres://...`).
 *
 * Same meaning as the SQLite ledger, entry for entry. Each operation is its own transaction; a
 * claim inserts the entry or, when it exists, locks its row (`SELECT ... FOR UPDATE`) and decides
 * exactly as SQLite does, so of many workers claiming one object at once exactly one gets it.
 * Times are the database server's clock (one clock for every machine), or the `now` option in tests.
 * The schema is migrated before the first operation (see postgres-migrations.ts).
 */
import type pg from 'pg';
import { isLocalOwnerAlive } from './is-local-owner-alive.js';
import type {
  Claim,
  ClaimOptions,
  DoneResult,
  Ledger,
  LedgerEntry,
  LedgerKey,
  LedgerOutput,
  LedgerOwner,
  LedgerStats,
} from './ledger.js';
import { LedgerClaimLostError } from './ledger-claim-lost-error.js';
import {
  buildSummaries,
  type ConnectionSummary,
  countPruned,
  type LedgerMaintenance,
  PRUNE_CHUNK,
  type PrunedCount,
  type PruneOptions,
  type SummarizeOptions,
  type SummaryRows,
  sortedPruned,
} from './ledger-maintenance.js';
import { type LedgerRow, ledgerEntryOf } from './ledger-row.js';
import { acquirePool, releasePool } from './postgres-connection.js';
import { SQL } from './postgres-ledger-sql.js';
import { migratePostgresLedger, postgresSchemaVersion } from './postgres-migrations.js';

export interface PostgresLedgerOptions {
  /** `postgres://USER@HOST:PORT/DB` (or `postgresql://`), checked by parsePostgresUrl. */
  url: string;
  /**
   * Read only (`--dry-run`): no migration, every write rejects, and a database without the
   * ledger's tables reads as empty. Default false.
   */
  readOnly?: boolean;
  /** Clock in epoch milliseconds, for tests. Default: the database server's clock. */
  now?: () => number;
  /** Whether the owner process is alive; for tests. Default: signal 0 on this host, else unknown (true). */
  isOwnerAlive?: (host: string, pid: number) => boolean;
}

type Row = LedgerRow<LedgerOutput[] | Array<{ bucket: string; key: string }>, string> & { now?: string };

export class PostgresLedger implements Ledger, LedgerMaintenance {
  private readonly pool: pg.Pool;
  private readonly ready: Promise<boolean>;
  private readonly isOwnerAlive: (host: string, pid: number) => boolean;
  private closed = false;

  constructor(private readonly options: PostgresLedgerOptions) {
    this.pool = acquirePool(options.url);
    this.isOwnerAlive = options.isOwnerAlive ?? isLocalOwnerAlive;
    // Resolves whether the tables exist; a failure surfaces on the first operation, not here.
    this.ready = options.readOnly
      ? postgresSchemaVersion(this.pool).then((v) => v > 0)
      : migratePostgresLedger(this.pool).then(() => true);
    this.ready.catch(() => undefined);
  }

  private clock(): number | null {
    return this.options.now?.() ?? null;
  }

  private async query<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[],
    write = false,
  ): Promise<pg.QueryResult<R> | undefined> {
    if (write && this.options.readOnly)
      throw new Error('the ledger is open read-only (a dry run writes nothing)');
    if (!(await this.ready)) return undefined;
    return this.pool.query<R>(sql, params);
  }

  async claim(key: LedgerKey, options: ClaimOptions): Promise<Claim> {
    if (this.options.readOnly) throw new Error('the ledger is open read-only (a dry run writes nothing)');
    await this.ready;
    const { runId, host, pid } = options.owner;
    const k = [key.connection, key.bucket, key.key, key.version];
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query(SQL.insertClaim, [
        ...k,
        runId,
        host,
        pid,
        options.leaseMs,
        this.clock(),
      ]);
      if (inserted.rowCount === 1) {
        await client.query('COMMIT');
        return { outcome: 'claimed', abandonedOutputs: [] };
      }
      const row = (await client.query<Row>(SQL.lockRow, [...k, this.clock()])).rows[0]!;
      const outcome = this.decide(row, options);
      if (outcome !== 'claimed') {
        await client.query('COMMIT');
        return { outcome, abandonedOutputs: [] };
      }
      await client.query(SQL.takeOver, [...k, runId, host, pid, options.leaseMs, this.clock()]);
      await client.query('COMMIT');
      return { outcome: 'claimed', abandonedOutputs: row.state === 'claimed' ? row.pending : [] };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The SQLite ledger's rule for an existing entry. */
  private decide(row: Row, options: ClaimOptions): Claim['outcome'] {
    if (row.state === 'done') return 'done';
    if (row.state === 'failed' && !options.retryFailed) return 'failed';
    if (row.state === 'claimed' && row.run_id !== options.owner.runId) {
      const leaseLive =
        Number(row.lease_until) > Number(row.now) && this.isOwnerAlive(row.owner_host, row.owner_pid);
      if (leaseLive) return 'in-progress-elsewhere';
    }
    return 'claimed';
  }

  async renew(key: LedgerKey, owner: LedgerOwner, leaseMs: number): Promise<boolean> {
    const result = await this.query(SQL.renew, [...keyParams(key), owner.runId, leaseMs, this.clock()], true);
    return result?.rowCount === 1;
  }

  async notePendingOutput(
    key: LedgerKey,
    owner: LedgerOwner,
    output: { bucket: string; key: string },
  ): Promise<void> {
    const pending = JSON.stringify([{ bucket: output.bucket, key: output.key }]);
    const result = await this.query(SQL.addPending, [...keyParams(key), owner.runId, pending], true);
    if (result?.rowCount !== 1) throw new LedgerClaimLostError(key, owner);
  }

  async markDone(key: LedgerKey, owner: LedgerOwner, done: DoneResult): Promise<void> {
    const params = [...keyParams(key), owner.runId, done.attempts, JSON.stringify(done.outputs)];
    const result = await this.query(SQL.done, [...params, done.bytesIn, done.bytesOut, this.clock()], true);
    if (result?.rowCount !== 1) throw new LedgerClaimLostError(key, owner);
  }

  async markFailed(key: LedgerKey, owner: LedgerOwner, reason: string, attempts: number): Promise<void> {
    const result = await this.query(
      SQL.failed,
      [...keyParams(key), owner.runId, attempts, reason, this.clock()],
      true,
    );
    if (result?.rowCount !== 1) throw new LedgerClaimLostError(key, owner);
  }

  async release(key: LedgerKey, owner: LedgerOwner): Promise<void> {
    const result = await this.query(SQL.release, [...keyParams(key), owner.runId], true);
    if (result?.rowCount !== 1) throw new LedgerClaimLostError(key, owner);
  }

  async get(key: LedgerKey): Promise<LedgerEntry | undefined> {
    const row = (await this.query<Row>(SQL.get, keyParams(key)))?.rows[0];
    return row === undefined ? undefined : toEntry(row);
  }

  async listFailed(connection: string, limit = 1000): Promise<LedgerEntry[]> {
    return ((await this.query<Row>(SQL.listFailed, [connection, limit]))?.rows ?? []).map(toEntry);
  }

  async stats(connection: string): Promise<LedgerStats> {
    const stats: LedgerStats = { claimed: 0, done: 0, failed: 0, bytesIn: 0, bytesOut: 0 };
    type StatRow = { state: Row['state']; n: number; bin: number | null; bout: number | null };
    for (const row of (await this.query<StatRow>(SQL.stats, [connection]))?.rows ?? []) {
      stats[row.state] = row.n;
      stats.bytesIn += row.bin ?? 0;
      stats.bytesOut += row.bout ?? 0;
    }
    return stats;
  }

  async summarize(options: SummarizeOptions = {}): Promise<ConnectionSummary[]> {
    const params = [options.connection ?? null];
    const rows = async <K extends keyof SummaryRows>(sql: string) =>
      ((await this.query(sql, params))?.rows ?? []) as SummaryRows[K];
    return buildSummaries(
      {
        counts: await rows<'counts'>(SQL.summaryCounts),
        reasons: await rows<'reasons'>(SQL.summaryReasons),
        oldestClaims: await rows<'oldestClaims'>(SQL.summaryOldestClaims),
      },
      options,
    );
  }

  async prune(options: PruneOptions): Promise<PrunedCount[]> {
    const params = [
      options.finishedBefore.getTime(),
      options.connection ?? null,
      [...(options.keepConnections ?? [])],
    ];
    type CountRow = { connection: string; state: string; n: number };
    const counts = new Map<string, PrunedCount>();
    if (options.dryRun) {
      countPruned(counts, (await this.query<CountRow>(SQL.pruneCount, params))?.rows ?? []);
      return sortedPruned(counts);
    }
    // A chunk per statement (its own transaction), so no transaction holds millions of row locks.
    const chunk = options.chunkSize ?? PRUNE_CHUNK;
    for (;;) {
      const rows = (await this.query<CountRow>(SQL.pruneChunk, [...params, chunk], true))?.rows ?? [];
      countPruned(counts, rows);
      if (rows.reduce((sum, row) => sum + row.n, 0) < chunk) return sortedPruned(counts);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => undefined);
    await releasePool(this.options.url);
  }
}

function keyParams(key: LedgerKey): string[] {
  return [key.connection, key.bucket, key.key, key.version];
}

function toEntry(row: Row): LedgerEntry {
  return ledgerEntryOf(row, (outputs) => outputs as LedgerOutput[]);
}
