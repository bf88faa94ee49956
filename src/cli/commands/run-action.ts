/**
 * What `bucketbridge run` does once its flags are parsed: start the service, reload on SIGHUP,
 * stop on SIGINT/SIGTERM (in-flight work gets the grace period, then is released) and exit 0.
 * A second stop signal exits at once with 130: every ledger write is its own transaction and the
 * queues redeliver what was not deleted.
 */
import { resolveConfigPath } from '../../config/index.js';
import { createLogger } from '../../observe/logger.js';
import { startService } from '../../service/run-service.js';
import { listenForStopSignals, logStopSignals } from '../stop-signals.js';

/** The parsed flags of `bucketbridge run`, defaults applied. */
export interface RunFlags {
  config?: string;
  connections?: string[];
  listen?: string;
  /** How long in-flight work may finish after SIGINT/SIGTERM, in milliseconds. */
  graceMs: number;
  /** Long-poll wait per receive of live connections, 0..20 seconds. */
  pollWaitSec: number;
}

export async function runServiceCommand(flags: RunFlags): Promise<void> {
  const logger = createLogger();
  const stop = listenForStopSignals(logStopSignals(logger, flags.graceMs));
  let reload: (() => void) | undefined;
  const onHangup = () => reload?.();
  // Installed before the service starts: an early SIGHUP must not kill the process (its default).
  process.on('SIGHUP', onHangup);
  try {
    const service = await startService({
      configPath: resolveConfigPath(flags.config),
      connectionNames: flags.connections,
      listen: flags.listen,
      logger,
      pollWaitSec: flags.pollWaitSec,
    });
    reload = () => {
      logger.info('SIGHUP: reloading the configuration');
      void service.reload();
    };
    await stop.requested;
    await service.stop(flags.graceMs);
    logger.info('service: stopped');
  } finally {
    stop.dispose();
    process.off('SIGHUP', onHangup);
  }
}
