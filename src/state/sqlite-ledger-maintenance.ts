/** `ledger status` and `ledger prune` on the SQLite ledger's `objects` table. */
import type Database from 'better-sqlite3';
import {
  buildSummaries,
  type ConnectionSummary,
  PRUNE_CHUNK,
  type PruneOptions,
  type SummarizeOptions,
  type SummaryRows,
} from './ledger-maintenance.js';

const FILTER = '(@connection IS NULL OR connection = @connection)';

export function summarizeSqlite(db: Database.Database, options: SummarizeOptions = {}): ConnectionSummary[] {
  const params = { connection: options.connection ?? null };
  const counts = db
    .prepare(
      `SELECT connection, state, COUNT(*) AS n FROM objects WHERE ${FILTER} GROUP BY connection, state`,
    )
    .all(params) as SummaryRows['counts'];
  const reasons = db
    .prepare(
      `SELECT connection, reason, COUNT(*) AS n FROM objects WHERE state = 'failed' AND ${FILTER}
       GROUP BY connection, reason ORDER BY COUNT(*) DESC, reason`,
    )
    .all(params) as SummaryRows['reasons'];
  const oldestClaims = db
    .prepare(
      `SELECT o.* FROM objects o WHERE o.state = 'claimed' AND (@connection IS NULL OR o.connection = @connection)
         AND o.claimed_at = (SELECT MIN(claimed_at) FROM objects WHERE connection = o.connection AND state = 'claimed')
       ORDER BY o.connection, o.bucket, o.key, o.version`,
    )
    .all(params) as SummaryRows['oldestClaims'];
  return buildSummaries({ counts, reasons, oldestClaims }, options);
}

/** The statements of one prune: what to count (dry run) and what to delete, one chunk at a time. */
export function sqlitePruneStatements(db: Database.Database, options: PruneOptions) {
  const where = `state IN ('done', 'failed') AND finished_at < @cutoff AND ${FILTER}
    AND connection NOT IN (SELECT value FROM json_each(@keep))`;
  const params = {
    cutoff: options.finishedBefore.getTime(),
    connection: options.connection ?? null,
    keep: JSON.stringify(options.keepConnections ?? []),
  };
  const chunk = options.chunkSize ?? PRUNE_CHUNK;
  type CountRow = { connection: string; state: string; n: number };
  const count = db.prepare(
    `SELECT connection, state, COUNT(*) AS n FROM objects WHERE ${where} GROUP BY connection, state`,
  );
  const deleteChunk = db.prepare(
    `DELETE FROM objects WHERE (connection, bucket, key, version) IN
       (SELECT connection, bucket, key, version FROM objects WHERE ${where} LIMIT @chunk)
     RETURNING connection, state`,
  );
  return {
    chunk,
    count: () => count.all(params) as CountRow[],
    /** Deletes one chunk; rows of (connection, state, 1) for what it removed. */
    deleteChunk: () =>
      (deleteChunk.all({ ...params, chunk }) as Array<{ connection: string; state: string }>).map((row) => ({
        ...row,
        n: 1,
      })),
  };
}
