/**
 * What `bucketbridge live` does once its flags are parsed: start every live connection, run until
 * SIGINT or SIGTERM, then stop gracefully (in-flight work gets the grace period, unfinished
 * messages become visible again) and exit 0. A second signal exits at once with 130: every ledger
 * write is its own SQLite transaction, so nothing is half-written, and the queue redelivers what
 * was not deleted.
 */
import { resolveConfigPath } from '../../config/index.js';
import { startLive } from '../../live/run-live.js';
import { createLogger } from '../../observe/logger.js';
import { listenForStopSignals, logStopSignals } from '../stop-signals.js';
import { defaultWorkers } from './workers-flag.js';

/** The parsed flags of `bucketbridge live`, defaults applied. */
export interface LiveFlags {
  config?: string;
  connection?: string;
  /** How long in-flight work may finish after SIGINT/SIGTERM, in milliseconds. */
  graceMs: number;
  /** How often statistics are logged, in milliseconds; 0 never. */
  statsIntervalMs: number;
  /** Long-poll wait per receive, 0..20 seconds. */
  pollWaitSec: number;
  /** Worker threads per connection; default: the number of cores. */
  workers?: number;
}

export async function runLiveCommand(flags: LiveFlags): Promise<void> {
  const logger = createLogger();
  const stop = listenForStopSignals(logStopSignals(logger, flags.graceMs));
  try {
    const run = await startLive({
      configPath: resolveConfigPath(flags.config),
      connectionName: flags.connection,
      logger,
      statsIntervalMs: flags.statsIntervalMs,
      consumer: { waitTimeSec: flags.pollWaitSec },
      workers: flags.workers ?? defaultWorkers(),
    });
    logger.info({ connections: run.connections.map((c) => c.name) }, 'live: running');
    await stop.requested;
    await run.stop(flags.graceMs);
    logger.info('live: stopped');
  } finally {
    stop.dispose();
  }
}
