/**
 * A row of the ledger's table, as either engine returns it, and the entry it stands for. The two
 * drivers differ only in types: better-sqlite3 gives JSON columns as text and integers as numbers;
 * pg gives JSONB parsed and BIGINT as strings (they can exceed 2^53).
 */
import type { LedgerEntry, LedgerOutput } from './ledger.js';

export interface LedgerRow<Json, Int extends number | string> {
  connection: string;
  bucket: string;
  key: string;
  version: string;
  state: 'claimed' | 'done' | 'failed';
  attempts: number;
  reason: string | null;
  outputs: Json;
  pending: Json;
  bytes_in: Int;
  bytes_out: Int;
  run_id: string;
  owner_host: string;
  owner_pid: number;
  lease_until: Int;
  claimed_at: Int;
  finished_at: Int | null;
}

/** The entry of a row; `outputsOf` reads the driver's form of the `outputs` column. */
export function ledgerEntryOf<Json, Int extends number | string>(
  row: LedgerRow<Json, Int>,
  outputsOf: (outputs: Json) => LedgerOutput[],
): LedgerEntry {
  const entry: LedgerEntry = {
    connection: row.connection,
    bucket: row.bucket,
    key: row.key,
    version: row.version,
    state: row.state,
    attempts: row.attempts,
    outputs: outputsOf(row.outputs),
    bytesIn: Number(row.bytes_in),
    bytesOut: Number(row.bytes_out),
    runId: row.run_id,
    claimedAt: new Date(Number(row.claimed_at)),
  };
  if (row.reason !== null) entry.reason = row.reason;
  if (row.finished_at !== null) entry.finishedAt = new Date(Number(row.finished_at));
  return entry;
}
