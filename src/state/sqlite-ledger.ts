/**
 * The default ledger: one SQLite file (better-sqlite3), for one machine.
 *
 * Durability: WAL journal, commits with `synchronous=NORMAL`, which survive a process crash
 * (kill -9) at once; on power loss or an OS crash they may lose the last commits. A lost `done`
 * mark would make the next run process the object again, which for sinks that are not idempotent
 * (HTTP log shipping) is a duplicate delivery, so the operations that finish an object (done,
 * failed) resolve only after the WAL is fsynced. A lost claim or pending-output note costs nothing
 * of the kind (the object is simply processed again), and since the WAL is one sequential file
 * each fsync makes everything before it durable too. Writes are grouped (see GroupCommit): one
 * commit covers every operation issued in the same turn of the loop, and the fsync runs off the
 * event loop, shared by every commit made while the previous one ran.
 */
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { makeDirectory } from '../fs/make-directory.js';
import { GroupCommit } from './group-commit.js';
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
  type ConnectionSummary,
  countPruned,
  type LedgerMaintenance,
  type PrunedCount,
  type PruneOptions,
  type SummarizeOptions,
  sortedPruned,
} from './ledger-maintenance.js';
import { type LedgerRow, ledgerEntryOf } from './ledger-row.js';
import { sqlitePruneStatements, summarizeSqlite } from './sqlite-ledger-maintenance.js';

/** Options of the SQLite ledger. */
export interface SqliteLedgerOptions {
  /** Path of the database file; created with its directory when missing. `:memory:` for tests. */
  path: string;
  /**
   * Open an existing file for reading only (`--dry-run`): nothing is created or changed, and every
   * write method rejects. Default false.
   */
  readOnly?: boolean;
  /** How long a write waits for another process's lock, in milliseconds. Default 10000. */
  busyTimeoutMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
  /** Whether the owner process is alive; for tests. Default: signal 0 on this host, else unknown (true). */
  isOwnerAlive?: (host: string, pid: number) => boolean;
}

type Row = LedgerRow<string, number>;

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  connection TEXT NOT NULL,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  version TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('claimed', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  outputs TEXT NOT NULL DEFAULT '[]',
  pending TEXT NOT NULL DEFAULT '[]',
  bytes_in INTEGER NOT NULL DEFAULT 0,
  bytes_out INTEGER NOT NULL DEFAULT 0,
  run_id TEXT NOT NULL,
  owner_host TEXT NOT NULL,
  owner_pid INTEGER NOT NULL,
  lease_until INTEGER NOT NULL,
  claimed_at INTEGER NOT NULL,
  finished_at INTEGER,
  PRIMARY KEY (connection, bucket, key, version)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS objects_by_state ON objects (connection, state, claimed_at);
`;

export class SqliteLedger implements Ledger, LedgerMaintenance {
  private readonly db: Database.Database;
  private readonly commits: GroupCommit;
  private readonly now: () => number;
  private readonly isOwnerAlive: (host: string, pid: number) => boolean;
  private readonly statements;

  constructor(options: SqliteLedgerOptions) {
    const readOnly = options.readOnly ?? false;
    if (options.path !== ':memory:' && !readOnly) makeDirectory(dirname(options.path));
    this.db = new Database(options.path, {
      timeout: options.busyTimeoutMs ?? 10_000,
      readonly: readOnly,
      fileMustExist: readOnly,
    });
    if (!readOnly) {
      this.db.pragma('journal_mode = WAL');
      // Durable operations are fsynced by GroupCommit, off the event loop.
      this.db.pragma('synchronous = NORMAL');
    }
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new Error(
        `The ledger ${options.path} was written by a newer bucketbridge (schema ${version}); upgrade bucketbridge to use it`,
      );
    }
    if (!readOnly) {
      this.db.exec(SCHEMA);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    const inMemory = options.path === ':memory:';
    this.commits = new GroupCommit({
      db: this.db,
      walPath: readOnly || inMemory ? undefined : `${options.path}-wal`,
    });
    this.now = options.now ?? Date.now;
    this.isOwnerAlive = options.isOwnerAlive ?? isLocalOwnerAlive;
    const where = 'connection = @connection AND bucket = @bucket AND key = @key AND version = @version';
    this.statements = {
      get: this.db.prepare<LedgerKey, Row>(`SELECT * FROM objects WHERE ${where}`),
      insert: this.db.prepare(
        `INSERT INTO objects (connection, bucket, key, version, state, run_id, owner_host, owner_pid, lease_until, claimed_at)
         VALUES (@connection, @bucket, @key, @version, 'claimed', @runId, @host, @pid, @leaseUntil, @now)`,
      ),
      takeOver: this.db.prepare(
        `UPDATE objects SET state = 'claimed', run_id = @runId, owner_host = @host, owner_pid = @pid,
           lease_until = @leaseUntil, claimed_at = @now, finished_at = NULL, pending = '[]' WHERE ${where}`,
      ),
      renew: this.db.prepare(
        `UPDATE objects SET lease_until = @leaseUntil WHERE ${where} AND state = 'claimed' AND run_id = @runId`,
      ),
      setPending: this.db.prepare(
        `UPDATE objects SET pending = @pending WHERE ${where} AND state = 'claimed' AND run_id = @runId`,
      ),
      done: this.db.prepare(
        `UPDATE objects SET state = 'done', attempts = attempts + @attempts, reason = NULL, outputs = @outputs,
           pending = '[]', bytes_in = @bytesIn, bytes_out = @bytesOut, finished_at = @now
         WHERE ${where} AND state = 'claimed' AND run_id = @runId`,
      ),
      failed: this.db.prepare(
        `UPDATE objects SET state = 'failed', attempts = attempts + @attempts, reason = @reason,
           pending = '[]', finished_at = @now
         WHERE ${where} AND state = 'claimed' AND run_id = @runId`,
      ),
      release: this.db.prepare(
        `DELETE FROM objects WHERE ${where} AND state = 'claimed' AND run_id = @runId`,
      ),
      listFailed: this.db.prepare<{ connection: string; limit: number }, Row>(
        `SELECT * FROM objects WHERE connection = @connection AND state = 'failed' ORDER BY claimed_at LIMIT @limit`,
      ),
      stats: this.db.prepare<
        { connection: string },
        { state: Row['state']; n: number; bin: number; bout: number }
      >(
        `SELECT state, COUNT(*) AS n, SUM(bytes_in) AS bin, SUM(bytes_out) AS bout
         FROM objects WHERE connection = @connection GROUP BY state`,
      ),
    };
  }

  claim(key: LedgerKey, options: ClaimOptions): Promise<Claim> {
    return this.commits.submit(() => {
      const now = this.now();
      const params = {
        ...pick(key),
        runId: options.owner.runId,
        host: options.owner.host,
        pid: options.owner.pid,
        leaseUntil: now + options.leaseMs,
        now,
      };
      const row = this.statements.get.get(pick(key));
      if (row === undefined) {
        this.statements.insert.run(params);
        return { outcome: 'claimed', abandonedOutputs: [] };
      }
      if (row.state === 'done') return { outcome: 'done', abandonedOutputs: [] };
      if (row.state === 'failed' && !options.retryFailed) return { outcome: 'failed', abandonedOutputs: [] };
      if (row.state === 'claimed' && row.run_id !== options.owner.runId) {
        const leaseLive = row.lease_until > now && this.isOwnerAlive(row.owner_host, row.owner_pid);
        if (leaseLive) return { outcome: 'in-progress-elsewhere', abandonedOutputs: [] };
      }
      const abandonedOutputs =
        row.state === 'claimed' ? (JSON.parse(row.pending) as Claim['abandonedOutputs']) : [];
      this.statements.takeOver.run(params);
      return { outcome: 'claimed', abandonedOutputs };
    });
  }

  renew(key: LedgerKey, owner: LedgerOwner, leaseMs: number): Promise<boolean> {
    return this.commits.submit(() => {
      const info = this.statements.renew.run({
        ...pick(key),
        runId: owner.runId,
        leaseUntil: this.now() + leaseMs,
      });
      return info.changes === 1;
    });
  }

  notePendingOutput(
    key: LedgerKey,
    owner: LedgerOwner,
    output: { bucket: string; key: string },
  ): Promise<void> {
    return this.commits.submit(() => {
      const row = this.statements.get.get(pick(key));
      if (row === undefined || row.state !== 'claimed' || row.run_id !== owner.runId) {
        throw new LedgerClaimLostError(key, owner);
      }
      const pending = JSON.parse(row.pending) as Array<{ bucket: string; key: string }>;
      pending.push({ bucket: output.bucket, key: output.key });
      this.statements.setPending.run({ ...pick(key), runId: owner.runId, pending: JSON.stringify(pending) });
    });
  }

  markDone(key: LedgerKey, owner: LedgerOwner, result: DoneResult): Promise<void> {
    return this.commits.submit(() => {
      const info = this.statements.done.run({
        ...pick(key),
        runId: owner.runId,
        attempts: result.attempts,
        outputs: JSON.stringify(result.outputs),
        bytesIn: result.bytesIn,
        bytesOut: result.bytesOut,
        now: this.now(),
      });
      if (info.changes !== 1) throw new LedgerClaimLostError(key, owner);
    }, true);
  }

  markFailed(key: LedgerKey, owner: LedgerOwner, reason: string, attempts: number): Promise<void> {
    return this.commits.submit(() => {
      const info = this.statements.failed.run({
        ...pick(key),
        runId: owner.runId,
        attempts,
        reason,
        now: this.now(),
      });
      if (info.changes !== 1) throw new LedgerClaimLostError(key, owner);
    }, true);
  }

  release(key: LedgerKey, owner: LedgerOwner): Promise<void> {
    return this.commits.submit(() => {
      const info = this.statements.release.run({ ...pick(key), runId: owner.runId });
      if (info.changes !== 1) throw new LedgerClaimLostError(key, owner);
    }, true);
  }

  get(key: LedgerKey): Promise<LedgerEntry | undefined> {
    return this.commits.submit(() => {
      const row = this.statements.get.get(pick(key));
      return row === undefined ? undefined : toEntry(row);
    });
  }

  listFailed(connection: string, limit = 1000): Promise<LedgerEntry[]> {
    return this.commits.submit(() => this.statements.listFailed.all({ connection, limit }).map(toEntry));
  }

  stats(connection: string): Promise<LedgerStats> {
    return this.commits.submit(() => {
      const stats: LedgerStats = { claimed: 0, done: 0, failed: 0, bytesIn: 0, bytesOut: 0 };
      for (const row of this.statements.stats.all({ connection })) {
        stats[row.state] = row.n;
        stats.bytesIn += row.bin ?? 0;
        stats.bytesOut += row.bout ?? 0;
      }
      return stats;
    });
  }

  summarize(options?: SummarizeOptions): Promise<ConnectionSummary[]> {
    return this.commits.submit(() => summarizeSqlite(this.db, options));
  }

  async prune(options: PruneOptions): Promise<PrunedCount[]> {
    const statements = sqlitePruneStatements(this.db, options);
    const counts = new Map<string, PrunedCount>();
    if (options.dryRun) {
      countPruned(counts, await this.commits.submit(statements.count));
      return sortedPruned(counts);
    }
    // A chunk per commit: the write lock is let go between chunks, so workers keep claiming.
    for (;;) {
      const rows = await this.commits.submit(statements.deleteChunk, true);
      countPruned(counts, rows);
      if (rows.length < statements.chunk) return sortedPruned(counts);
    }
  }

  async close(): Promise<void> {
    await this.commits.close();
    this.db.close();
  }
}

function pick(key: LedgerKey): LedgerKey {
  return { connection: key.connection, bucket: key.bucket, key: key.key, version: key.version };
}

function toEntry(row: Row): LedgerEntry {
  return ledgerEntryOf(row, (outputs) => JSON.parse(outputs) as LedgerOutput[]);
}
