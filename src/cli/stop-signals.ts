/**
 * How the long-running commands (`live`, `run`) stop: the first SIGINT or SIGTERM asks for a
 * graceful stop (in-flight work gets the grace period); a second one exits at once with 130, which
 * is safe because every ledger write is its own transaction and the queues redeliver what was not
 * deleted.
 */
import type { Logger } from '../observe/logger.js';

export interface StopSignals {
  /** Resolves with the first stop signal. */
  readonly requested: Promise<NodeJS.Signals>;
  /** Removes the handlers (call in `finally`). */
  dispose(): void;
}

export function listenForStopSignals(logger: Logger, graceMs: number): StopSignals {
  let signalled: NodeJS.Signals | undefined;
  let wake: ((signal: NodeJS.Signals) => void) | undefined;
  const requested = new Promise<NodeJS.Signals>((resolve) => {
    wake = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled !== undefined) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(130);
    }
    signalled = signal;
    logger.info({ signal, graceMs }, 'stopping: in-flight work may finish (send it again to exit at once)');
    wake?.(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    requested,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
