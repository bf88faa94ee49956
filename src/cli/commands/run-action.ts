/**
 * What `bucketbridge run` does once its flags are parsed: start the service, reload on SIGHUP,
 * stop on SIGINT/SIGTERM (in-flight work gets the grace period, then is released) and exit 0.
 * A second stop signal exits at once with 130: every ledger write is its own transaction and the
 * queues redeliver what was not deleted.
 */
import { resolveConfigPath } from '../../config/index.js';
import { createLogger } from '../../observe/logger.js';
import { startService } from '../../service/run-service.js';

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
  let signalled: NodeJS.Signals | undefined;
  let wake: (() => void) | undefined;
  const stopRequested = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const onStop = (signal: NodeJS.Signals) => {
    if (signalled !== undefined) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(130);
    }
    signalled = signal;
    logger.info(
      { signal, graceMs: flags.graceMs },
      'stopping: in-flight work may finish (send it again to exit at once)',
    );
    wake?.();
  };
  let reload: (() => void) | undefined;
  const onHangup = () => reload?.();
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
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
    await stopRequested;
    await service.stop(flags.graceMs);
    logger.info('service: stopped');
  } finally {
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
    process.off('SIGHUP', onHangup);
  }
}
