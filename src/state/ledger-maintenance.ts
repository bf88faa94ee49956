/**
 * What operators do to a ledger besides processing: look at it (`ledger status`) and keep it
 * from growing forever (`ledger prune`, the `ledger.retention` setting). Both back ends
 * implement {@link LedgerMaintenance}.
 */
import type { Ledger } from './ledger.js';

/** One connection's entries, as `ledger status` reports them. */
export interface ConnectionSummary {
  connection: string;
  claimed: number;
  done: number;
  failed: number;
  /** When the oldest entry still claimed was claimed (work in flight or abandoned). */
  oldestClaimAt?: Date;
  /** Failed entries grouped by their reason, most frequent first (at most 20 reasons). */
  failuresByReason: Array<{ reason: string; count: number }>;
}

export interface PruneOptions {
  /** Entries finished (done or failed) before this instant are removed; claims never are. */
  finishedBefore: Date;
  /** Count what would be removed, remove nothing. Default false. */
  dryRun?: boolean;
}

export interface LedgerMaintenance {
  /** Every connection's summary (or only `connection`'s), sorted by connection name. */
  summarize(connection?: string): Promise<ConnectionSummary[]>;
  /** Removes finished entries older than the cutoff; resolves how many were (or would be) removed. */
  prune(options: PruneOptions): Promise<number>;
}

/** A ledger that can also be maintained: what `createLedger` opens. */
export type MaintainedLedger = Ledger & LedgerMaintenance;

/**
 * Applies a retention period: removes entries finished more than `olderThanMs` ago. The call
 * `bucketbridge run` makes once a day for `ledger.retention`; resolves how many were removed.
 */
export function pruneLedger(
  ledger: LedgerMaintenance,
  olderThanMs: number,
  now: () => number = Date.now,
): Promise<number> {
  return ledger.prune({ finishedBefore: new Date(now() - olderThanMs) });
}

/** Rows both back ends' summary queries return. */
export interface SummaryRows {
  counts: Array<{
    connection: string;
    state: 'claimed' | 'done' | 'failed';
    n: number;
    oldest: number | null;
  }>;
  reasons: Array<{ connection: string; reason: string | null; n: number }>;
}

const MAX_REASONS = 20;

/** Folds the summary queries' rows into one summary per connection, sorted by name. */
export function buildSummaries(rows: SummaryRows): ConnectionSummary[] {
  const byName = new Map<string, ConnectionSummary>();
  const summaryOf = (connection: string) => {
    let summary = byName.get(connection);
    if (summary === undefined) {
      summary = { connection, claimed: 0, done: 0, failed: 0, failuresByReason: [] };
      byName.set(connection, summary);
    }
    return summary;
  };
  for (const row of rows.counts) {
    const summary = summaryOf(row.connection);
    summary[row.state] = Number(row.n);
    if (row.state === 'claimed' && row.oldest !== null) summary.oldestClaimAt = new Date(Number(row.oldest));
  }
  for (const row of rows.reasons) {
    const summary = summaryOf(row.connection);
    if (summary.failuresByReason.length < MAX_REASONS) {
      summary.failuresByReason.push({ reason: row.reason ?? '(no reason recorded)', count: Number(row.n) });
    }
  }
  return [...byName.values()].sort((a, b) => a.connection.localeCompare(b.connection));
}
