/**
 * What `bucketbridge batch` does once its flags are parsed: run the batch with a progress display
 * on stderr, print the report (stderr; stdout as JSON with --json), exit 1 when an object failed.
 */

import { type PlannedObject, runBatchJob } from '../../batch/batch-job.js';
import { createBatchProgress } from '../../batch/batch-progress.js';
import { batchRunFailure, formatBatchReport } from '../../batch/batch-report.js';
import { resolveConfigPath } from '../../config/index.js';
import { createLogger } from '../../observe/logger.js';
import { listenForStopSignals } from '../stop-signals.js';
import { defaultWorkers } from './workers-flag.js';

export interface BatchActionFlags {
  config?: string;
  connection: string;
  dryRun?: boolean;
  concurrency?: number;
  json?: boolean;
  retryFailed?: boolean;
  /** Shared runs (PostgreSQL ledger): claim and listing lease, in milliseconds. */
  lease?: number;
  /** Worker threads; default: the number of cores. */
  workers?: number;
}

/** Dry-run entries kept for the JSON document; the rest are counted (memory stays bounded). */
const MAX_PLANNED_IN_JSON = 1000;

export async function runBatchCommand(flags: BatchActionFlags): Promise<void> {
  const logger = createLogger({ level: process.env.BUCKETBRIDGE_LOG_LEVEL ? undefined : 'warn' });
  const dryRun = flags.dryRun ?? false;
  const progress = dryRun ? undefined : createBatchProgress();
  const planned: PlannedObject[] = [];
  // The first signal stops the run (in-flight objects are left to the next run through the ledger);
  // a second one exits at once: the ledger is consistent at every commit.
  const stop = listenForStopSignals({
    stopping: (signal) =>
      process.stderr.write(`\nbucketbridge: ${signal} received, stopping (send it again to exit at once)\n`),
    exiting: () => undefined,
  });
  let report: Awaited<ReturnType<typeof runBatchJob>>;
  try {
    report = await runBatchJob({
      configPath: resolveConfigPath(flags.config),
      connectionName: flags.connection,
      dryRun,
      ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
      retryFailed: flags.retryFailed ?? false,
      workers: flags.workers ?? defaultWorkers(),
      ...(flags.lease === undefined ? {} : { leaseMs: flags.lease }),
      logger,
      signal: stop.signal,
      onListed: () => progress?.listed(),
      onOutcome: (outcome) => progress?.outcome(outcome),
      onPlan: (plan) => {
        const where = plan.action === 'process' ? `→ ${plan.outputKey}` : `(skip: ${plan.reason})`;
        process.stderr.write(
          `${plan.action === 'process' ? 'would process' : 'would skip'} s3://${plan.bucket}/${plan.key} ${where}\n`,
        );
        if (planned.length < MAX_PLANNED_IN_JSON) planned.push(plan);
      },
    });
  } finally {
    progress?.stop();
    stop.dispose();
  }
  process.stderr.write(formatBatchReport(report));
  if (flags.json) {
    const document = dryRun ? { ...report, planned } : report;
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }
  const failure = batchRunFailure(report);
  if (failure !== undefined) throw failure;
}
