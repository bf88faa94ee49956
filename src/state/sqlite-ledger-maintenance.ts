/** `ledger status` and `ledger prune` on the SQLite ledger's `objects` table. */
import type Database from 'better-sqlite3';
import {
  buildSummaries,
  type ConnectionSummary,
  type PruneOptions,
  type SummaryRows,
} from './ledger-maintenance.js';

const FILTER = '(@connection IS NULL OR connection = @connection)';

export function summarizeSqlite(db: Database.Database, connection?: string): ConnectionSummary[] {
  const params = { connection: connection ?? null };
  const counts = db
    .prepare(
      `SELECT connection, state, COUNT(*) AS n, MIN(CASE WHEN state = 'claimed' THEN claimed_at END) AS oldest
       FROM objects WHERE ${FILTER} GROUP BY connection, state`,
    )
    .all(params) as SummaryRows['counts'];
  const reasons = db
    .prepare(
      `SELECT connection, reason, COUNT(*) AS n FROM objects WHERE state = 'failed' AND ${FILTER}
       GROUP BY connection, reason ORDER BY COUNT(*) DESC, reason`,
    )
    .all(params) as SummaryRows['reasons'];
  return buildSummaries({ counts, reasons });
}

export function pruneSqlite(db: Database.Database, options: PruneOptions): number {
  const where = `state IN ('done', 'failed') AND finished_at < @cutoff`;
  const params = { cutoff: options.finishedBefore.getTime() };
  if (options.dryRun) {
    return (db.prepare(`SELECT COUNT(*) AS n FROM objects WHERE ${where}`).get(params) as { n: number }).n;
  }
  return db.prepare(`DELETE FROM objects WHERE ${where}`).run(params).changes;
}
