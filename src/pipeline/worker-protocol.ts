/**
 * The messages between the main thread and an object worker thread (object-worker-pool.ts and
 * object-worker-thread.ts). Everything in them is plain, structured-clone safe data: objects in,
 * outcomes out, and the worker's ledger and vendor-credential calls served by the main thread.
 */
import type { Config } from '../config/resolved-config.js';
import type { RetryOptions } from '../core/retry.js';
import type { SourceObject } from '../core/source-object.js';
import type { Ledger, LedgerOwner } from '../state/ledger.js';
import type { ObjectOutcome } from './object-pipeline.js';
import type { RemoteFailureData } from './remote-failure.js';

/** Worker threads a process may run (`--workers`). */
export const MAX_WORKERS = 64;

/** The ledger methods a worker may call on the main thread's ledger. */
export const REMOTE_LEDGER_METHODS = [
  'claim',
  'renew',
  'notePendingOutput',
  'markDone',
  'markFailed',
  'get',
  'listFailed',
  'stats',
] as const satisfies ReadonlyArray<keyof Ledger>;

export type RemoteLedgerMethod = (typeof REMOTE_LEDGER_METHODS)[number];

/** What a worker thread is started with (its `workerData`). */
export interface ObjectWorkerData {
  /** The worker's number, 1..N, for its log lines and the crash report. */
  index: number;
  /** The configuration the main thread loaded (the worker reads no file, so both see the same one). */
  config: Config;
  /** Path of the configuration file; processor paths are relative to its directory. */
  configPath: string;
  connectionName: string;
  /**
   * The process's identity in the ledger, the same in every thread: a shared run knows a worker
   * process by it, and a claim must name the process, whichever thread made it.
   */
  owner: LedgerOwner;
  retryFailed: boolean;
  retry?: RetryOptions;
  /** The ledger lease of a claim, in milliseconds (the shared run's, with PostgreSQL). */
  leaseMs?: number;
  /** Whether the caller gave vendor credentials (served by the main thread) instead of the SDK's chain. */
  remoteVendorCredentials: boolean;
  logLevel: string;
  prettyLog: boolean;
}

export type ToWorker =
  | { type: 'process'; id: number; object: SourceObject }
  | { type: 'abort'; id: number; reason: RemoteFailureData }
  | { type: 'reply'; id: number; value?: unknown; failure?: RemoteFailureData }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'setup-failed'; failure: RemoteFailureData }
  | { type: 'outcome'; id: number; outcome: ObjectOutcome }
  | { type: 'stopped'; id: number; failure: RemoteFailureData }
  | { type: 'call'; id: number; method: RemoteLedgerMethod | 'vendorCredentials'; args: unknown[] };
