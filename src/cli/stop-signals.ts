/**
 * How the commands that run work (`batch`, `live`, `run`) stop: the first SIGINT or SIGTERM asks
 * for a graceful stop (in-flight work gets the grace period, or is left to the next run through the
 * ledger); a second one exits at once with 130, which is safe because every ledger write is its own
 * transaction and the queues redeliver what was not deleted.
 */
import type { Logger } from '../observe/logger.js';

export interface StopSignals {
  /** Resolves with the first stop signal. */
  readonly requested: Promise<NodeJS.Signals>;
  /** Aborted with an `AbortError` named `interrupted` at the first stop signal. */
  readonly signal: AbortSignal;
  /** Removes the handlers (call in `finally`). */
  dispose(): void;
}

/** How a command tells the person what a stop signal does. */
export interface StopAnnouncer {
  /** The first signal: a graceful stop begins. */
  stopping(signal: NodeJS.Signals): void;
  /** The second signal: the process exits at once. */
  exiting(signal: NodeJS.Signals): void;
}

/** Listens for SIGINT and SIGTERM; `announce` says what each one does. */
export function listenForStopSignals(announce: StopAnnouncer): StopSignals {
  const stop = new AbortController();
  let wake: ((signal: NodeJS.Signals) => void) | undefined;
  const requested = new Promise<NodeJS.Signals>((resolve) => {
    wake = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      announce.exiting(signal);
      process.exit(130);
    }
    announce.stopping(signal);
    stop.abort(Object.assign(new Error('interrupted'), { name: 'AbortError' }));
    wake?.(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    requested,
    signal: stop.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** The announcer of the long-running commands (`live`, `run`): one log line per signal. */
export function logStopSignals(logger: Logger, graceMs: number): StopAnnouncer {
  return {
    stopping: (signal) =>
      logger.info({ signal, graceMs }, 'stopping: in-flight work may finish (send it again to exit at once)'),
    exiting: (signal) => logger.warn({ signal }, 'second signal: exiting at once'),
  };
}
