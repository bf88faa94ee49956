/**
 * `ledger.retention` for `bucketbridge run`: once a day (the first time a minute after start),
 * removes ledger entries finished longer ago than the retention, as `ledger prune --older-than`
 * does, and logs what it removed. The configuration is read at every run, so a reload that sets,
 * changes or removes `ledger.retention` applies from the next one. Several `run` processes on one
 * PostgreSQL ledger may each do it: removing what another already removed changes nothing.
 */
import { listingConnectionNames } from '../config/listing-connection-names.js';
import type { Config } from '../config/resolved-config.js';
import { formatRetention } from '../config/retention.js';
import type { Logger } from '../observe/logger.js';
import { applyRetention } from '../state/apply-retention.js';
import { type LedgerMaintenance, totalPruned } from '../state/ledger-maintenance.js';

/** Options of {@link startLedgerRetention}. */
export interface LedgerRetentionOptions {
  ledger: LedgerMaintenance;
  /** The configuration in force; read at every run. */
  config: () => Pick<Config, 'ledgerRetention' | 'connections'>;
  logger: Logger;
  /** From the end of one run to the start of the next, in milliseconds. Default one day. */
  everyMs?: number | undefined;
  /** From start to the first run, in milliseconds. Default one minute (the service settles first). */
  firstDelayMs?: number | undefined;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: (() => number) | undefined;
}

export interface LedgerRetention {
  /** No further runs; resolves when a run under way has ended. Idempotent. */
  stop(): Promise<void>;
}

export function startLedgerRetention(options: LedgerRetentionOptions): LedgerRetention {
  const { logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const runOnce = async () => {
    const config = options.config();
    const retention = config.ledgerRetention;
    if (retention === undefined) return;
    const olderThan = formatRetention(retention.olderThanMs);
    try {
      const result = await applyRetention(options.ledger, {
        olderThanMs: retention.olderThanMs,
        batchConnections: listingConnectionNames(config),
        includeBatch: retention.includeBatch,
        now: options.now,
      });
      const removed = totalPruned(result.pruned);
      logger.info(
        { olderThan, removed, connections: result.pruned, keptBatch: result.keptBatch },
        `ledger retention: removed ${removed} ${removed === 1 ? 'entry' : 'entries'} finished more than ${olderThan} ago`,
      );
    } catch (error) {
      logger.warn({ err: error, olderThan }, 'ledger retention failed; it runs again tomorrow');
    }
  };

  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      timer = undefined;
      running = runOnce().finally(() => {
        running = undefined;
        if (!stopped) schedule(options.everyMs ?? 86_400_000);
      });
    }, delayMs);
    // Never the reason the process stays up.
    timer.unref();
  };
  schedule(options.firstDelayMs ?? 60_000);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
