/**
 * A whole batch for one connection, as `bucketbridge batch` runs it and as a library user can:
 * configuration → credentials → ledger → processor → listing → pipeline → report.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { findConnection, loadConfig } from '../config/index.js';
import type { RetryOptions } from '../core/retry.js';
import type { SourceObject } from '../core/source-object.js';
import type { Logger } from '../observe/logger.js';
import { type BuiltPipeline, buildPipeline } from '../pipeline/build-pipeline.js';
import { describeFailure } from '../pipeline/classify-failure.js';
import { failedOutcome, type ObjectOutcome, type ObjectPipeline } from '../pipeline/object-pipeline.js';
import { ObjectWorkerPool, workersFor } from '../pipeline/object-worker-pool.js';
import { createLedger, isPostgresSetting } from '../state/create-ledger.js';
import type { Ledger } from '../state/ledger.js';
import { type BatchReport, BatchReportBuilder } from './batch-report.js';
import { type BatchSource, DEFAULT_SHARED_LEASE_MS, openBatchSource } from './batch-source.js';
import { runBatch } from './run-batch.js';

/** Options of one batch run. */
export interface BatchJobOptions {
  configPath: string;
  connectionName: string;
  /** List what would be done; write nothing (no outputs, no ledger entries). Default false. */
  dryRun?: boolean;
  /** Objects processed at once, 1..1000. Default: the connection's `concurrency`. */
  concurrency?: number;
  /** Process objects whose earlier attempt failed. Default false. */
  retryFailed?: boolean;
  /**
   * Worker threads processing objects, 1..64; the concurrency is shared between them. 1 processes
   * in this thread. Default 1 (the CLI's `--workers` defaults to the number of cores).
   */
  workers?: number;
  /** Retry settings for transient failures. */
  retry?: RetryOptions;
  logger?: Logger;
  /** Stops the run: no new objects; those in flight are abandoned to the next run. */
  signal?: AbortSignal;
  /**
   * With a PostgreSQL ledger: how long this worker's claims and the listing lease last without
   * renewal, in milliseconds; another worker takes over a dead one's after it (at once on the same
   * host). Default 120000.
   */
  leaseMs?: number;
  /** Called for each object this process listed that passes the filters. */
  onListed?: (object: SourceObject) => void;
  /** The run's start in epoch milliseconds, which `source.ignoreOlderThan` counts back from. Default: now. */
  startedAtMs?: number;
  /** Called with each object's outcome (progress display). */
  onOutcome?: (outcome: ObjectOutcome) => void;
  /** Dry run: called with what would happen to each object. */
  onPlan?: (plan: PlannedObject) => void;
  /** Environment for configuration overrides. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The vendor's own credentials. Default: the AWS SDK's default chain. Embedders and tests inject them. */
  vendorCredentials?: AwsCredentialIdentityProvider;
}

/** What a dry run says about one object. */
export interface PlannedObject {
  bucket: string;
  key: string;
  size?: number;
  action: 'process' | 'skip';
  /** For `skip`: done earlier, failed earlier (use --retry-failed), or being processed by another run. */
  reason?: 'done' | 'failed-earlier' | 'in-progress-elsewhere';
  /** The output key the template gives (processors may add a suffix such as `.gz`). */
  outputKey?: string;
}

export async function runBatchJob(options: BatchJobOptions): Promise<BatchReport> {
  const loaded = await loadConfig(options.configPath, options.env ? { env: options.env } : {});
  const connection = findConnection(loaded.config, options.connectionName);
  const dryRun = options.dryRun ?? false;
  const report = new BatchReportBuilder(connection.name, dryRun);
  const ledger = createLedger({ setting: loaded.config.ledger, configPath: loaded.path, readOnly: dryRun });
  const shared = !dryRun && isPostgresSetting(loaded.config.ledger);
  const leaseMs = options.leaseMs ?? DEFAULT_SHARED_LEASE_MS;
  const workers = dryRun ? 1 : workersFor(connection, options.workers ?? 1);
  let built: BuiltPipeline | undefined;
  let pool: ObjectWorkerPool | undefined;
  let source: BatchSource | undefined;
  try {
    const pipelineOptions = {
      config: loaded.config,
      configPath: loaded.path,
      connection,
      ledger: ledger ?? readOnlyEmptyLedger(),
      logger: options.logger,
      vendorCredentials: options.vendorCredentials,
      retryFailed: options.retryFailed ?? false,
      retry: options.retry,
      // The object's ledger claim lasts as long as its claim in the shared run, so a worker that
      // takes over a dead one's object also gets its ledger claim.
      leaseMs: shared ? leaseMs : undefined,
    };
    // Built here with worker threads too: its setup fails exactly as in-process (a missing
    // program, a module that does not load), and it lists the source and owns the shared run.
    built = await buildPipeline({ ...pipelineOptions, dryRun });
    const { access, pipeline } = built;
    if (workers > 1)
      pool = await ObjectWorkerPool.start({ ...pipelineOptions, owner: pipeline.owner, workers });
    const objectProcessor = pool ?? pipeline;
    // Joining a shared run is the first use of a PostgreSQL ledger: a database that cannot be
    // reached stops the run like a failing claim does (exit 1 with the reason), not as a bug.
    source = await openBatchSource({
      ledger: loaded.config.ledger,
      dryRun,
      connection,
      s3: await access.s3ForBucket(connection.source.bucket),
      owner: pipeline.owner,
      leaseMs,
      claimBatchSize: Math.min(options.concurrency ?? connection.concurrency, 16),
      onListed: (object) => {
        report.listed();
        options.onListed?.(object);
      },
      onFiltered: (_object, verdict) => report.filtered(verdict),
      startedAtMs: options.startedAtMs ?? Date.now(),
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((error: unknown) => {
      report.stop(describeStop(error));
      return undefined;
    });
    if (source === undefined) return report.finish();
    if (dryRun) {
      await planBatch(source.objects, pipeline, ledger, options, report);
    } else {
      const settling = source;
      const result = await runBatch({
        objects: source.objects,
        pipeline: {
          process: async (object, signal) => {
            const outcome = await objectProcessor.process(object, signal);
            await settling.settle(outcome);
            return outcome;
          },
        },
        concurrency: options.concurrency ?? connection.concurrency,
        ...(options.signal ? { signal: options.signal } : {}),
        onOutcome: (outcome) => {
          report.add(outcome);
          options.onOutcome?.(outcome);
        },
      });
      if (result.stoppedBy !== undefined) report.stop(describeStop(result.stoppedBy));
    }
    const totals = await source.close();
    source = undefined;
    if (totals !== undefined) report.runTotals(totals);
  } finally {
    await source?.close().catch(() => undefined);
    await pool?.close();
    await built?.close();
    await ledger?.close();
  }
  return report.finish();
}

async function planBatch(
  objects: AsyncIterable<SourceObject>,
  pipeline: ObjectPipeline,
  ledger: Ledger | undefined,
  options: BatchJobOptions,
  report: BatchReportBuilder,
): Promise<void> {
  try {
    for await (const object of objects) {
      const plan: PlannedObject = { bucket: object.bucket, key: object.key, action: 'process' };
      if (object.size !== undefined) plan.size = object.size;
      const entry = ledger ? await ledger.get(await pipeline.ledgerKeyOf(object)) : undefined;
      if (entry?.state === 'done') Object.assign(plan, { action: 'skip', reason: 'done' });
      else if (entry?.state === 'failed' && !options.retryFailed) {
        Object.assign(plan, { action: 'skip', reason: 'failed-earlier' });
      } else {
        try {
          plan.outputKey = pipeline.outputKeyFor(object.key);
        } catch (error) {
          report.add(failedOutcome(object, 0, 'permanent', describeFailure(error), error));
          continue;
        }
      }
      if (plan.action === 'skip') report.add({ status: 'skipped', object, reason: plan.reason! });
      else report.planned();
      options.onPlan?.(plan);
    }
  } catch (error) {
    report.stop(describeStop(error));
  }
}

function describeStop(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'interrupted';
  return describeFailure(error);
}

/** Stands in for a ledger that does not exist yet during a dry run: nothing is done. */
function readOnlyEmptyLedger(): Ledger {
  const refuse = () => Promise.reject(new Error('a dry run writes nothing to the ledger'));
  return {
    claim: refuse,
    renew: refuse,
    notePendingOutput: refuse,
    markDone: refuse,
    markFailed: refuse,
    release: refuse,
    get: async () => undefined,
    listFailed: async () => [],
    stats: async () => ({ claimed: 0, done: 0, failed: 0, bytesIn: 0, bytesOut: 0 }),
    close: async () => undefined,
  };
}
