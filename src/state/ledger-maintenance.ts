/**
 * What operators do to a ledger besides processing: look at it (`ledger status`) and keep it
 * from growing forever (`ledger prune`, the `ledger.retention` setting). Both back ends
 * implement {@link LedgerMaintenance}.
 */
import type { Ledger, LedgerOwner } from './ledger.js';

/** The entry claimed longest ago that is still claimed: work in flight, or abandoned by a dead run. */
export interface OldestClaim {
  bucket: string;
  key: string;
  version: string;
  owner: LedgerOwner;
  claimedAt: Date;
  /** When the claim may be taken over unless renewed. */
  leaseUntil: Date;
}

/** One connection's entries, as `ledger status` reports them. */
export interface ConnectionSummary {
  connection: string;
  claimed: number;
  done: number;
  failed: number;
  /** Absent when nothing of the connection is claimed. */
  oldestClaim?: OldestClaim;
  /** Failed entries grouped by their reason, most frequent first (at most `maxReasons`). */
  failuresByReason: Array<{ reason: string; count: number }>;
}

export interface SummarizeOptions {
  /** Only this connection. Default: every connection in the ledger. */
  connection?: string | undefined;
  /** How many failure reasons to list per connection, most frequent first. Default 20. */
  maxReasons?: number | undefined;
}

export interface PruneOptions {
  /** Entries finished (done or failed) before this instant are removed; claims never are. */
  finishedBefore: Date;
  /** Only this connection's entries. Default: every connection's. */
  connection?: string | undefined;
  /** Connections whose entries are kept whatever their age. Default none. */
  keepConnections?: readonly string[] | undefined;
  /** Count what would be removed, remove nothing. Default false. */
  dryRun?: boolean | undefined;
  /** Entries removed per transaction. Default {@link PRUNE_CHUNK}. */
  chunkSize?: number | undefined;
}

/** What prune removed (or would remove) of one connection. */
export interface PrunedCount {
  connection: string;
  done: number;
  failed: number;
}

export interface LedgerMaintenance {
  /** Every connection's summary (or only `options.connection`'s), sorted by connection name. */
  summarize(options?: SummarizeOptions): Promise<ConnectionSummary[]>;
  /**
   * Removes finished entries older than the cutoff, a chunk per transaction so running workers are
   * not held up; resolves what was (or would be) removed per connection, sorted by name, connections
   * with nothing removed left out.
   */
  prune(options: PruneOptions): Promise<PrunedCount[]>;
}

/** A ledger that can also be maintained: what `createLedger` opens. */
export type MaintainedLedger = Ledger & LedgerMaintenance;

/** Entries deleted per transaction by prune, unless told otherwise. */
export const PRUNE_CHUNK = 5000;

/** Rows both back ends' summary queries return. */
export interface SummaryRows {
  counts: Array<{ connection: string; state: 'claimed' | 'done' | 'failed'; n: number }>;
  reasons: Array<{ connection: string; reason: string | null; n: number }>;
  /** The oldest claimed entry of each connection (ties in any order: the first one wins). */
  oldestClaims: Array<{
    connection: string;
    bucket: string;
    key: string;
    version: string;
    run_id: string;
    owner_host: string;
    owner_pid: number;
    claimed_at: number | string;
    lease_until: number | string;
  }>;
}

const DEFAULT_MAX_REASONS = 20;

/** Folds the summary queries' rows into one summary per connection, sorted by name. */
export function buildSummaries(rows: SummaryRows, options: SummarizeOptions = {}): ConnectionSummary[] {
  const maxReasons = options.maxReasons ?? DEFAULT_MAX_REASONS;
  const byName = new Map<string, ConnectionSummary>();
  const summaryOf = (connection: string) => {
    let summary = byName.get(connection);
    if (summary === undefined) {
      summary = { connection, claimed: 0, done: 0, failed: 0, failuresByReason: [] };
      byName.set(connection, summary);
    }
    return summary;
  };
  for (const row of rows.counts) summaryOf(row.connection)[row.state] = Number(row.n);
  for (const row of rows.oldestClaims) {
    const summary = summaryOf(row.connection);
    summary.oldestClaim ??= {
      bucket: row.bucket,
      key: row.key,
      version: row.version,
      owner: { runId: row.run_id, host: row.owner_host, pid: Number(row.owner_pid) },
      claimedAt: new Date(Number(row.claimed_at)),
      leaseUntil: new Date(Number(row.lease_until)),
    };
  }
  for (const row of rows.reasons) {
    const summary = summaryOf(row.connection);
    if (summary.failuresByReason.length < maxReasons) {
      summary.failuresByReason.push({ reason: row.reason ?? '(no reason recorded)', count: Number(row.n) });
    }
  }
  return [...byName.values()].sort((a, b) => a.connection.localeCompare(b.connection));
}

/** Adds the (connection, state) rows one deleted chunk returned to the running per-connection counts. */
export function countPruned(
  counts: Map<string, PrunedCount>,
  rows: Array<{ connection: string; state: string; n: number | string }>,
): void {
  for (const row of rows) {
    let count = counts.get(row.connection);
    if (count === undefined) {
      count = { connection: row.connection, done: 0, failed: 0 };
      counts.set(row.connection, count);
    }
    if (row.state === 'done' || row.state === 'failed') count[row.state] += Number(row.n);
  }
}

/** The counts, sorted by connection name. */
export function sortedPruned(counts: Map<string, PrunedCount>): PrunedCount[] {
  return [...counts.values()].sort((a, b) => a.connection.localeCompare(b.connection));
}

/** Entries in a prune result. */
export function totalPruned(counts: readonly PrunedCount[]): number {
  return counts.reduce((sum, c) => sum + c.done + c.failed, 0);
}
