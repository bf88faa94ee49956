/**
 * Backfill-then-follow: the batch lister over the connection's prefix, fed through the same
 * (per-key serialised) pipeline the queue events use, while the consumer already runs. Started
 * only after the queue is subscribed, so an upload during the switch is either listed or has an
 * event (usually both), and the ledger makes the second one a skip.
 */
import { setMaxListeners } from 'node:events';
import type { S3Client } from '@aws-sdk/client-s3';
import { runBatch } from '../batch/run-batch.js';
import type { Connection } from '../config/resolved-config.js';
import { createObjectFilter } from '../core/object-filter.js';
import type { SourceObject } from '../core/source-object.js';
import type { Logger } from '../observe/logger.js';
import type { ObjectOutcome } from '../pipeline/object-pipeline.js';
import { listBatchObjects, s3ObjectPages } from '../sources/batch-lister.js';

export interface BackfillOptions {
  s3: S3Client;
  connection: Connection;
  process(object: SourceObject, signal: AbortSignal): Promise<ObjectOutcome>;
  log: Logger;
  onOutcome?: (outcome: ObjectOutcome) => void;
}

export interface Backfill {
  /** Resolves when the listing is processed or stopped; never rejects (failures are logged). */
  done: Promise<void>;
  /** Stops listing; in-flight objects get up to `graceMs`, then are aborted (left to the ledger). */
  stop(graceMs: number): Promise<void>;
}

export function startBackfill(options: BackfillOptions): Backfill {
  const { connection, log } = options;
  let listing = true;
  const hardStop = new AbortController();
  // Each object in flight (up to the connection's concurrency) listens on it.
  setMaxListeners(connection.concurrency + 16, hardStop.signal);
  const listed = listBatchObjects({
    pages: s3ObjectPages(options.s3),
    bucket: connection.source.bucket,
    prefix: connection.source.prefix,
    filter: createObjectFilter(connection.source),
    signal: hardStop.signal,
  });
  // A graceful stop ends the listing without aborting objects already being processed.
  async function* untilStopped(): AsyncGenerator<SourceObject> {
    for await (const object of listed) {
      if (!listing) return;
      yield object;
    }
  }
  const counts = { processed: 0, skipped: 0, failed: 0 };
  log.info({ prefix: connection.source.prefix }, 'backfill started');
  const done = runBatch({
    objects: untilStopped(),
    pipeline: { process: (object, signal) => options.process(object, signal ?? hardStop.signal) },
    concurrency: connection.concurrency,
    signal: hardStop.signal,
    onOutcome: (outcome) => {
      counts[outcome.status]++;
      options.onOutcome?.(outcome);
    },
  }).then(
    (result) => {
      if (result.stoppedBy !== undefined && !hardStop.signal.aborted) {
        log.error({ err: result.stoppedBy, ...counts }, 'backfill stopped early');
      } else {
        log.info({ ...counts, complete: listing }, 'backfill finished');
      }
    },
    (error: unknown) => log.error({ err: error }, 'backfill failed'),
  );
  return {
    done,
    async stop(graceMs) {
      listing = false;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([done, grace]);
      clearTimeout(timer);
      hardStop.abort(Object.assign(new Error('stopped'), { name: 'AbortError' }));
      await done;
    },
  };
}
