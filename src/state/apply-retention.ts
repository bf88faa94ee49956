/**
 * A retention period applied to a ledger: what `ledger prune --older-than` and the daily
 * `ledger.retention` job of `bucketbridge run` both do.
 *
 * Batch connections are kept unless asked: a batch lists its whole source again, so an object
 * still there whose `done` entry was removed would be processed a second time (Filebeat's
 * `clean_inactive` has the same trade-off, which is why it must exceed `ignore_older`). Live
 * connections with `backfill` list their source at start, so they count as batch here. Other live
 * connections are safe once the period is longer than a queue keeps a message (at most 14 days):
 * no event can ask for the object again. Connections no longer in the configuration are pruned.
 */
import type { LedgerMaintenance, PrunedCount } from './ledger-maintenance.js';

export interface RetentionOptions {
  /** Entries finished longer ago than this are removed, in milliseconds. */
  olderThanMs: number;
  /**
   * Names of the configuration's connections that list their source: batch connections and live
   * connections with `backfill` (kept unless `includeBatch`).
   */
  batchConnections: readonly string[];
  /** Remove batch connections' entries too. Default false. */
  includeBatch?: boolean | undefined;
  /** Only this connection. Default: every connection in the ledger. */
  connection?: string | undefined;
  /** Count, remove nothing. Default false. */
  dryRun?: boolean | undefined;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: (() => number) | undefined;
}

export interface RetentionResult {
  /** Entries finished before this instant were removed (or would be). */
  finishedBefore: Date;
  /** Per connection, sorted by name; connections with nothing removed left out. */
  pruned: PrunedCount[];
  /** Listing connections whose entries were kept, sorted by name. */
  keptBatch: string[];
}

export async function applyRetention(
  ledger: LedgerMaintenance,
  options: RetentionOptions,
): Promise<RetentionResult> {
  const finishedBefore = new Date((options.now ?? Date.now)() - options.olderThanMs);
  const keptBatch = options.includeBatch
    ? []
    : options.batchConnections
        .filter((name) => options.connection === undefined || name === options.connection)
        .slice()
        .sort();
  const pruned = await ledger.prune({
    finishedBefore,
    connection: options.connection,
    keepConnections: keptBatch,
    dryRun: options.dryRun,
  });
  return { finishedBefore, pruned, keptBatch };
}
