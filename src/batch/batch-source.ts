/**
 * Where a batch run's objects come from. With a SQLite ledger, this process lists the source
 * itself (one process per connection). With a PostgreSQL ledger, the run is shared: the process
 * joins the connection's open run, lists only while it holds the run's listing lease, and
 * processes the objects it claims (shared-batch-run.ts). `bucketbridge batch` and a scheduled
 * batch in `bucketbridge run` both open their objects here.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Connection } from '../config/resolved-config.js';
import { createObjectFilter, type FilterVerdict } from '../core/object-filter.js';
import type { SourceObject } from '../core/source-object.js';
import type { ObjectOutcome } from '../pipeline/object-pipeline.js';
import {
  type BatchListerOptions,
  listBatchObjects,
  listBatchPages,
  s3ObjectPages,
} from '../sources/batch-lister.js';
import { isPostgresSetting } from '../state/create-ledger.js';
import type { LedgerOwner } from '../state/ledger.js';
import { PostgresSharedRuns, type RunTotals } from '../state/postgres-shared-runs.js';
import { SharedBatchRun } from './shared-batch-run.js';

/** How long a shared run's claims and listing lease last without renewal: 2 minutes. */
export const DEFAULT_SHARED_LEASE_MS = 120_000;

/** Options of {@link openBatchSource}. */
export interface BatchSourceOptions {
  /** The configuration's ledger location; `postgres://` shares the run. */
  ledger: string;
  connection: Pick<Connection, 'name' | 'source' | 'concurrency'>;
  /** Client for the source bucket. */
  s3: S3Client;
  /** This process in the ledger (the pipeline's owner). */
  owner: LedgerOwner;
  /** Shared runs: claim and listing lease, in milliseconds. Default {@link DEFAULT_SHARED_LEASE_MS}. */
  leaseMs?: number;
  /** Shared runs: objects claimed at once. Default: the connection's concurrency, at most 16. */
  claimBatchSize?: number;
  /** Shared runs: which run to join (default `batch`) and whether a finished one is done for good. */
  runKey?: string;
  once?: boolean;
  /** A dry run lists the source itself and joins no shared run (it writes nothing). Default false. */
  dryRun?: boolean;
  /** Called for each object this process listed that passes the filters. */
  onListed?: (object: SourceObject) => void;
  /** Called for each object this process listed that the filters leave out. */
  onFiltered?: (object: SourceObject, verdict: Exclude<FilterVerdict, undefined>) => void;
  /** The run's start in epoch milliseconds: `source.ignoreOlderThan` counts back from it. */
  startedAtMs: number;
  signal?: AbortSignal;
}

/** A batch run's objects and what to do with their outcomes. */
export interface BatchSource {
  objects: AsyncIterable<SourceObject>;
  /** The shared run this process joined (PostgreSQL ledger only). */
  shared?: SharedBatchRun;
  /** Records an object's outcome in the shared run (nothing for SQLite). */
  settle(outcome: ObjectOutcome): Promise<void>;
  /**
   * Gives back unfinished claims and the listing lease, finishes the shared run when nothing is
   * left, and resolves its totals over every worker (undefined for SQLite).
   */
  close(): Promise<RunTotals | undefined>;
}

export async function openBatchSource(options: BatchSourceOptions): Promise<BatchSource> {
  const { connection, onListed } = options;
  const lister: BatchListerOptions = {
    pages: s3ObjectPages(options.s3),
    bucket: connection.source.bucket,
    prefix: connection.source.prefix,
    filter: createObjectFilter(connection.source, { now: () => options.startedAtMs }),
    ...(options.onFiltered ? { onFiltered: options.onFiltered } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  if (options.dryRun || !isPostgresSetting(options.ledger)) {
    return {
      objects: countListed(listBatchObjects(lister), onListed),
      settle: async () => undefined,
      close: async () => undefined,
    };
  }
  const runs = new PostgresSharedRuns({ url: options.ledger });
  let shared: SharedBatchRun;
  try {
    shared = await SharedBatchRun.join({
      runs,
      connection: connection.name,
      bucket: connection.source.bucket,
      runKey: options.runKey ?? 'batch',
      once: options.once ?? false,
      worker: { id: options.owner.runId, host: options.owner.host, pid: options.owner.pid },
      leaseMs: options.leaseMs ?? DEFAULT_SHARED_LEASE_MS,
      claimBatchSize: options.claimBatchSize ?? Math.min(connection.concurrency, 16),
      listPages: (startAfter) => countPages(listBatchPages({ ...lister, startAfter }), onListed),
    });
  } catch (error) {
    await runs.close();
    throw error;
  }
  return {
    objects: shared.objects(options.signal),
    shared,
    settle: (outcome) => shared.settle(outcome.object, outcome.status),
    close: async () => {
      try {
        await shared.close();
        return await shared.totals();
      } finally {
        await runs.close();
      }
    },
  };
}

async function* countListed<T>(items: AsyncIterable<T>, onListed?: (item: T) => void): AsyncGenerator<T> {
  for await (const item of items) {
    onListed?.(item);
    yield item;
  }
}

async function* countPages<P extends { objects: SourceObject[] }>(
  pages: AsyncIterable<P>,
  onListed?: (object: SourceObject) => void,
): AsyncGenerator<P> {
  for await (const page of pages) {
    for (const object of page.objects) onListed?.(object);
    yield page;
  }
}
