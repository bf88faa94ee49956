/** The statements of shared batch runs (postgres-shared-runs.ts), in one place. */
import { nowMs } from './postgres-ledger-sql.js';

export const RUN_SQL = {
  /** Serialises joins of one (connection, run key): class id "bbru" plus a hash of the pair. */
  lockRunKey: `SELECT pg_advisory_xact_lock(${0x62_62_72_75}, hashtext($1 || E'\\n' || $2))`,
  latestRun: `SELECT run_id, bucket, finished_at FROM bucketbridge_runs
    WHERE connection = $1 AND run_key = $2 ORDER BY started_at DESC LIMIT 1`,
  insertRun: `INSERT INTO bucketbridge_runs (run_id, connection, run_key, bucket, started_at)
    VALUES ($1, $2, $3, $4, ${nowMs(5)})`,
  // Finished runs are kept a while for their totals (and so that a tick's run is not repeated);
  // the ten most recent per connection are plenty for both.
  pruneRuns: `DELETE FROM bucketbridge_runs WHERE connection = $1 AND finished_at IS NOT NULL
    AND run_id NOT IN (SELECT run_id FROM bucketbridge_runs WHERE connection = $1
      ORDER BY started_at DESC LIMIT 10)`,
  lister: `SELECT listing_done, lister_id, lister_host, lister_pid, lister_until, ${nowMs(2)} AS now
    FROM bucketbridge_runs WHERE run_id = $1`,
  /** Takes the listing lease when it is free, expired, the caller's, or held by the dead owner $6. */
  takeListing: `UPDATE bucketbridge_runs SET lister_id = $2, lister_host = $3, lister_pid = $4,
      lister_until = ${nowMs(7)} + $5
    WHERE run_id = $1 AND NOT listing_done AND finished_at IS NULL
      AND (lister_id IS NULL OR lister_id = $2 OR lister_id = $6 OR lister_until < ${nowMs(7)})
    RETURNING last_listed_key`,
  notePage: `UPDATE bucketbridge_runs SET last_listed_key = $3, lister_until = ${nowMs(5)} + $4
    WHERE run_id = $1 AND lister_id = $2 AND NOT listing_done`,
  insertObjects: `INSERT INTO bucketbridge_run_objects (run_id, key, etag, size, last_modified)
    SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[])
    ON CONFLICT DO NOTHING`,
  finishListing: `UPDATE bucketbridge_runs SET listing_done = true, lister_id = NULL, lister_until = NULL
    WHERE run_id = $1 AND lister_id = $2`,
  // Pending rows only, in key order along the (run_id, state, key) index, so a claim reads about
  // as many rows as it takes however long the run is; abandoned claims go back to pending first.
  claim: `WITH picked AS (
      SELECT key FROM bucketbridge_run_objects WHERE run_id = $1 AND state = 'pending'
      ORDER BY key LIMIT $7 FOR UPDATE SKIP LOCKED)
    UPDATE bucketbridge_run_objects o SET state = 'claimed', worker_id = $2, worker_host = $3,
      worker_pid = $4, lease_until = ${nowMs(6)} + $5
    FROM picked WHERE o.run_id = $1 AND o.key = picked.key
    RETURNING o.key, o.etag, o.size::float8 AS size, o.last_modified::float8 AS last_modified`,
  renewObjects: `UPDATE bucketbridge_run_objects SET lease_until = ${nowMs(4)} + $3
    WHERE run_id = $1 AND worker_id = $2 AND state = 'claimed'`,
  renewListing: `UPDATE bucketbridge_runs SET lister_until = ${nowMs(4)} + $3
    WHERE run_id = $1 AND lister_id = $2 AND NOT listing_done`,
  settle: `UPDATE bucketbridge_run_objects SET state = 'settled', outcome = $4, lease_until = NULL
    WHERE run_id = $1 AND key = $2 AND worker_id = $3 AND state = 'claimed'`,
  releaseObjects: `UPDATE bucketbridge_run_objects SET state = 'pending', worker_id = NULL,
      worker_host = NULL, worker_pid = NULL, lease_until = NULL
    WHERE run_id = $1 AND worker_id = $2 AND state = 'claimed'`,
  releaseListing: `UPDATE bucketbridge_runs SET lister_id = NULL, lister_until = NULL
    WHERE run_id = $1 AND lister_id = $2`,
  releaseExpired: `UPDATE bucketbridge_run_objects SET state = 'pending', worker_id = NULL,
      worker_host = NULL, worker_pid = NULL, lease_until = NULL
    WHERE run_id = $1 AND state = 'claimed' AND lease_until < ${nowMs(2)}`,
  localWorkers: `SELECT DISTINCT worker_id, worker_pid FROM bucketbridge_run_objects
    WHERE run_id = $1 AND state = 'claimed' AND worker_host = $2 AND worker_id <> $3`,
  /** Finishes the run once its listing is complete and every object settled. */
  finish: `UPDATE bucketbridge_runs SET finished_at = ${nowMs(2)}, lister_id = NULL
    WHERE run_id = $1 AND listing_done AND finished_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM bucketbridge_run_objects WHERE run_id = $1 AND state <> 'settled')`,
  /** Cheap (an index probe) however long the run: polled by idle workers. */
  progress: `SELECT listing_done, EXISTS (SELECT 1 FROM bucketbridge_run_objects
      WHERE run_id = $1 AND state = 'pending') AS pending
    FROM bucketbridge_runs WHERE run_id = $1`,
  run: `SELECT listing_done, finished_at FROM bucketbridge_runs WHERE run_id = $1`,
  counts: `SELECT state, outcome, count(*)::integer AS n
    FROM bucketbridge_run_objects WHERE run_id = $1 GROUP BY state, outcome`,
  workers: `SELECT count(DISTINCT worker_id)::integer AS n FROM bucketbridge_run_objects
    WHERE run_id = $1 AND state = 'settled'`,
};
