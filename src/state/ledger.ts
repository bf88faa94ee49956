/**
 * The ledger: what has been processed, so that re-runs, redeliveries and crashes are harmless.
 *
 * One entry per object version: (connection, bucket, key, version), where `version` is the
 * object's ETag, on versioned buckets too (see `core/source-object.ts` for why). An entry moves
 * `claimed → done` or `claimed → failed`; a claim belongs to one run (its owner) and holds a
 * lease, so a crashed run's claims can be taken over by the next run instead of blocking forever.
 *
 * Every method is asynchronous so that a networked implementation (PostgreSQL, for many workers)
 * can implement the same interface.
 */

/** Identifies one version of one object for one connection. */
export interface LedgerKey {
  connection: string;
  bucket: string;
  key: string;
  /** The object's ETag without quotes (on versioned buckets too). */
  version: string;
}

/** Who holds a claim: one process running one batch or live worker. */
export interface LedgerOwner {
  /** Unique per run (a random UUID). */
  runId: string;
  /** Host name of the process; with `pid`, lets a ledger on that host see the owner died. */
  host: string;
  pid: number;
}

/** What `claim` decided. */
export type ClaimOutcome =
  /** The caller now owns the object and must finish it with markDone or markFailed. */
  | 'claimed'
  /** The object was processed already; nothing to do. */
  | 'done'
  /** A previous attempt failed and `retryFailed` was not asked for. */
  | 'failed'
  /** Another live run holds an unexpired claim. */
  | 'in-progress-elsewhere';

export interface Claim {
  outcome: ClaimOutcome;
  /**
   * When a dead run's claim was taken over: the outputs it had started writing. Their incomplete
   * multipart uploads must be aborted before the object is written again.
   */
  abandonedOutputs: Array<{ bucket: string; key: string }>;
}

export interface ClaimOptions {
  owner: LedgerOwner;
  /** How long the claim stays exclusive without renewal, in milliseconds. */
  leaseMs: number;
  /** Claim objects whose last attempt failed (`batch --retry-failed`). Default false. */
  retryFailed?: boolean;
}

/** One output written for an object. */
export interface LedgerOutput {
  bucket: string;
  key: string;
  bytes: number;
}

/** What is recorded when an object is done. */
export interface DoneResult {
  outputs: LedgerOutput[];
  bytesIn: number;
  bytesOut: number;
  /** Attempts this run took, counting the successful one. */
  attempts: number;
}

/** A row of the ledger, as listFailed and get return it. */
export interface LedgerEntry extends LedgerKey {
  state: 'claimed' | 'done' | 'failed';
  /** Attempts over every run. */
  attempts: number;
  /** Why the last attempt failed (failed entries). */
  reason?: string;
  outputs: LedgerOutput[];
  bytesIn: number;
  bytesOut: number;
  /** Owner run of the current or last claim. */
  runId: string;
  claimedAt: Date;
  finishedAt?: Date;
}

export interface LedgerStats {
  claimed: number;
  done: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
}

export interface Ledger {
  /**
   * Takes ownership of an object version unless it is done, failed, or held by a live claim.
   * A claim whose owner died (same host, process gone) or whose lease expired is taken over.
   */
  claim(key: LedgerKey, options: ClaimOptions): Promise<Claim>;
  /** Extends the caller's lease; false when the claim is no longer the caller's. */
  renew(key: LedgerKey, owner: LedgerOwner, leaseMs: number): Promise<boolean>;
  /**
   * Records an output about to be written, before the write starts, so that an interrupted
   * multipart upload can be found and aborted by the next run.
   */
  notePendingOutput(
    key: LedgerKey,
    owner: LedgerOwner,
    output: { bucket: string; key: string },
  ): Promise<void>;
  /** Marks the object done and forgets its pending outputs; call only after every output is durable. */
  markDone(key: LedgerKey, owner: LedgerOwner, result: DoneResult): Promise<void>;
  /** Marks the object failed with the reason; `attempts` is this run's count and adds to earlier ones. */
  markFailed(key: LedgerKey, owner: LedgerOwner, reason: string, attempts: number): Promise<void>;
  /**
   * Gives up the caller's claim without an outcome, as if the version had never been claimed: the
   * version is gone (the object changed after it was listed), so there is nothing to record, and
   * should the same content come back it is processed then. Throws LedgerClaimLostError when the
   * claim is no longer the caller's.
   */
  release(key: LedgerKey, owner: LedgerOwner): Promise<void>;
  get(key: LedgerKey): Promise<LedgerEntry | undefined>;
  /** Failed entries of a connection, oldest first, at most `limit` (default 1000). */
  listFailed(connection: string, limit?: number): Promise<LedgerEntry[]>;
  stats(connection: string): Promise<LedgerStats>;
  close(): Promise<void>;
}
