/** The PostgreSQL ledger's statements, in one place. */

/** Now in epoch milliseconds: the caller's clock when given ($n), else the database server's. */
export const nowMs = (n: number) =>
  `COALESCE($${n}::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint)`;

const KEY = 'connection = $1 AND bucket = $2 AND key = $3 AND version = $4';

/** Finished before $1, of connection $2 (or any when null), not one of $3 (a text array). */
const PRUNABLE = `state IN ('done', 'failed') AND finished_at < $1
  AND ($2::text IS NULL OR connection = $2) AND NOT (connection = ANY($3::text[]))`;

export const SQL = {
  insertClaim: `INSERT INTO bucketbridge_objects
      (connection, bucket, key, version, state, run_id, owner_host, owner_pid, lease_until, claimed_at)
    SELECT $1, $2, $3, $4, 'claimed', $5, $6, $7, t.now + $8, t.now FROM (SELECT ${nowMs(9)} AS now) t
    ON CONFLICT DO NOTHING RETURNING 1`,
  lockRow: `SELECT *, ${nowMs(5)} AS now FROM bucketbridge_objects WHERE ${KEY} FOR UPDATE`,
  takeOver: `UPDATE bucketbridge_objects SET state = 'claimed', run_id = $5, owner_host = $6, owner_pid = $7,
      lease_until = ${nowMs(9)} + $8, claimed_at = ${nowMs(9)}, finished_at = NULL, pending = '[]'
    WHERE ${KEY}`,
  renew: `UPDATE bucketbridge_objects SET lease_until = ${nowMs(7)} + $6
    WHERE ${KEY} AND state = 'claimed' AND run_id = $5`,
  addPending: `UPDATE bucketbridge_objects SET pending = pending || $6::jsonb
    WHERE ${KEY} AND state = 'claimed' AND run_id = $5`,
  done: `UPDATE bucketbridge_objects SET state = 'done', attempts = attempts + $6, reason = NULL,
      outputs = $7::jsonb, pending = '[]', bytes_in = $8, bytes_out = $9, finished_at = ${nowMs(10)}
    WHERE ${KEY} AND state = 'claimed' AND run_id = $5`,
  failed: `UPDATE bucketbridge_objects SET state = 'failed', attempts = attempts + $6, reason = $7,
      pending = '[]', finished_at = ${nowMs(8)}
    WHERE ${KEY} AND state = 'claimed' AND run_id = $5`,
  release: `DELETE FROM bucketbridge_objects WHERE ${KEY} AND state = 'claimed' AND run_id = $5`,
  get: `SELECT * FROM bucketbridge_objects WHERE ${KEY}`,
  listFailed: `SELECT * FROM bucketbridge_objects WHERE connection = $1 AND state = 'failed'
    ORDER BY claimed_at LIMIT $2`,
  stats: `SELECT state, count(*)::integer AS n, sum(bytes_in)::float8 AS bin, sum(bytes_out)::float8 AS bout
    FROM bucketbridge_objects WHERE connection = $1 GROUP BY state`,
  summaryCounts: `SELECT connection, state, count(*)::integer AS n
    FROM bucketbridge_objects WHERE ($1::text IS NULL OR connection = $1) GROUP BY connection, state`,
  summaryReasons: `SELECT connection, reason, count(*)::integer AS n FROM bucketbridge_objects
    WHERE state = 'failed' AND ($1::text IS NULL OR connection = $1)
    GROUP BY connection, reason ORDER BY count(*) DESC, reason`,
  summaryOldestClaims: `SELECT DISTINCT ON (connection) * FROM bucketbridge_objects
    WHERE state = 'claimed' AND ($1::text IS NULL OR connection = $1)
    ORDER BY connection, claimed_at, bucket, key, version`,
  pruneCount: `SELECT connection, state, count(*)::integer AS n FROM bucketbridge_objects
    WHERE ${PRUNABLE} GROUP BY connection, state`,
  pruneChunk: `WITH gone AS (DELETE FROM bucketbridge_objects WHERE ctid IN
      (SELECT ctid FROM bucketbridge_objects WHERE ${PRUNABLE} LIMIT $4) RETURNING connection, state)
    SELECT connection, state, count(*)::integer AS n FROM gone GROUP BY connection, state`,
};
