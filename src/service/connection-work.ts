/**
 * The work of one connection's unit, built from the same parts as `bucketbridge batch` and
 * `bucketbridge live`, with the service's metrics hooked into the pipeline's outcomes, the
 * consumer's message outcomes and the connection's AssumeRole calls.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { DEFAULT_SHARED_LEASE_MS, openBatchSource } from '../batch/batch-source.js';
import { runBatch } from '../batch/run-batch.js';
import type { Config, Connection } from '../config/resolved-config.js';
import { parseSchedule } from '../config/schedule.js';
import type { RetryOptions } from '../core/retry.js';
import { startLiveConnection } from '../live/live-connection.js';
import type { Logger } from '../observe/logger.js';
import { type BuiltPipeline, buildPipeline } from '../pipeline/build-pipeline.js';
import type { ObjectOutcome } from '../pipeline/object-pipeline.js';
import { isPostgresSetting } from '../state/create-ledger.js';
import type { Ledger } from '../state/ledger.js';
import type { UnitWork } from './connection-unit.js';
import type { ServiceMetrics } from './service-metrics.js';

/** What every unit of the process shares. */
export interface WorkContext {
  config: Config;
  configPath: string;
  /** One ledger for the process. */
  ledger: Ledger;
  logger: Logger;
  metrics: ServiceMetrics;
  vendorCredentials?: AwsCredentialIdentityProvider | undefined;
  retry?: RetryOptions | undefined;
  /** Long-poll wait of live receives, in seconds. Default 20. */
  pollWaitSec?: number | undefined;
  /** How often a live connection's dead-letter depth is read, in milliseconds. Default 60000. */
  deadLetterPollMs?: number | undefined;
}

export function connectionWork(context: WorkContext, connection: Connection): UnitWork {
  return connection.workflow === 'live' ? liveWork(context, connection) : batchWork(context, connection);
}

function countOutcome(context: WorkContext, name: string, outcome: ObjectOutcome, durationSec: number): void {
  const bytes =
    outcome.status === 'processed'
      ? { read: outcome.bytesIn, written: outcome.bytesOut }
      : { read: 0, written: 0 };
  context.metrics.object(name, outcome.status, durationSec, bytes);
}

function batchWork(context: WorkContext, connection: Connection): UnitWork {
  const { name } = connection;
  const log = context.logger.child({ connection: name });
  const schedule = connection.schedule === undefined ? undefined : parseSchedule(connection.schedule);
  const shared = isPostgresSetting(context.config.ledger);
  // Built once per unit: its credentials are cached across runs (one AssumeRole per lifetime).
  let built: BuiltPipeline | undefined;
  return {
    kind: 'batch',
    schedule,
    async runOnce(signal) {
      built ??= await buildPipeline({
        config: context.config,
        configPath: context.configPath,
        connection,
        ledger: context.ledger,
        logger: log,
        vendorCredentials: context.vendorCredentials,
        retry: context.retry,
        // As `batch` does: a shared run's claims and the ledger's last equally long.
        ...(shared ? { leaseMs: DEFAULT_SHARED_LEASE_MS } : {}),
        onAssumeRole: (result) => context.metrics.assumeRoleCall(name, result),
      });
      const { access, pipeline } = built;
      log.info('batch run: starting');
      // With a PostgreSQL ledger, every process of the fleet joins the run of the current tick,
      // and a tick whose run finished is not run again: once per tick across the fleet.
      const tick = schedule?.tickAt(new Date());
      const source = await openBatchSource({
        ledger: context.config.ledger,
        connection,
        s3: await access.s3ForBucket(connection.source.bucket),
        owner: pipeline.owner,
        ...(tick === undefined ? {} : { runKey: `tick:${tick.toISOString()}`, once: true }),
        // Each scheduled run counts source.ignoreOlderThan back from its own start.
        startedAtMs: Date.now(),
        signal,
      });
      const timed = {
        process: async (object: Parameters<typeof pipeline.process>[0], runSignal?: AbortSignal) => {
          const startedMs = performance.now();
          const outcome = await pipeline.process(object, runSignal);
          countOutcome(context, name, outcome, (performance.now() - startedMs) / 1000);
          await source.settle(outcome);
          return outcome;
        },
      };
      let result: Awaited<ReturnType<typeof runBatch>>;
      try {
        result = await runBatch({
          objects: source.objects,
          pipeline: timed,
          concurrency: connection.concurrency,
          signal,
          onOutcome: (outcome) => {
            if (outcome.status === 'processed') log.info({ key: outcome.object.key }, 'object processed');
            else if (outcome.status === 'failed')
              log.warn({ key: outcome.object.key, reason: outcome.reason }, 'object failed');
          },
        });
      } finally {
        const run = await source.close();
        if (run !== undefined) log.info({ run }, 'batch run: the shared run so far');
      }
      if (result.stoppedBy !== undefined && !signal.aborted) throw result.stoppedBy;
      log.info({ counters: context.metrics.countersOf(name) }, 'batch run: finished');
    },
    async close() {
      await built?.close();
      built = undefined;
    },
  };
}

function liveWork(context: WorkContext, connection: Connection): UnitWork {
  const { name } = connection;
  return {
    kind: 'live',
    async start(health) {
      const live = await startLiveConnection({
        config: context.config,
        configPath: context.configPath,
        connection,
        ledger: context.ledger,
        logger: context.logger,
        vendorCredentials: context.vendorCredentials,
        retry: context.retry,
        consumer: context.pollWaitSec === undefined ? undefined : { waitTimeSec: context.pollWaitSec },
        // Each statistics round also reads the dead-letter queue's depth, which the gauge shows.
        statsIntervalMs: context.deadLetterPollMs ?? 60_000,
        onOutcome: (outcome, durationSec) => countOutcome(context, name, outcome, durationSec),
        onMessage: (outcome) => context.metrics.queueMessage(name, outcome),
        onQueueHealth: (error) => (error === undefined ? health.healthy() : health.failing(error)),
        onAssumeRole: (result) => context.metrics.assumeRoleCall(name, result),
      });
      const pollDeadLetters = () => {
        const depth = live.stats().deadLettered;
        if (depth !== undefined) context.metrics.deadLetterDepth(name, depth);
      };
      const timer = setInterval(pollDeadLetters, context.deadLetterPollMs ?? 60_000);
      timer.unref();
      return {
        async stop(graceMs) {
          clearInterval(timer);
          await live.stop(graceMs);
          pollDeadLetters();
        },
      };
    },
  };
}
