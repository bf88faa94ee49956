/**
 * Drift detection for `bucketbridge run`: verify's checks again for each connection, first once
 * the connection has started and then every `service.verifyEvery`, so that a customer who edits
 * the trust policy, a bucket policy or the notification hears it from us. Keeps the last result
 * per connection (for `/api/status` and the status page), sets the failed-checks gauge, and logs
 * a warning for each check that started failing and an info line for each that passes again.
 * One verify of a connection at a time: the next one is scheduled when the previous has ended.
 */
import { messageOf } from '../aws/errors.js';
import type { Logger } from '../observe/logger.js';
import type { ConnectionReport } from '../onboarding/verify/verify-types.js';

/** The outcome of the last periodic verify of one connection, as `/api/status` shows it. */
export interface VerifyResult {
  /** When the verify ended, ISO-8601. */
  at: string;
  /** True when no check failed. */
  passed: boolean;
  /** Ids of the checks that failed (e.g. `live.notification`), in verify's order. */
  failedChecks: string[];
}

/** Options of {@link DriftWatch}. */
export interface DriftWatchOptions {
  /**
   * Time between the end of one verify of a connection and the start of the next, in
   * milliseconds; 0 turns drift detection off. Read at every scheduling, so a reload takes effect.
   */
  intervalMs(): number;
  /** Runs verify's checks for the named connection; undefined when it is no longer configured. */
  verify(connection: string): Promise<ConnectionReport | undefined>;
  /** Told the number of failed checks after each verify (the `bucketbridge_verify_failed_checks` gauge). */
  onResult?(connection: string, failedChecks: number): void;
  logger: Logger;
  /** The clock of the results' times. Default: the system clock. */
  now?: () => Date;
}

interface Watched {
  timer?: NodeJS.Timeout | undefined;
  running?: Promise<void> | undefined;
  /** Failed check id → its detail, from the last verify. */
  failing: Map<string, string>;
  result?: VerifyResult | undefined;
}

export class DriftWatch {
  private readonly watched = new Map<string, Watched>();
  private stopped = false;

  constructor(private readonly options: DriftWatchOptions) {}

  /** Starts verifying a connection now (idempotent: a connection already scheduled keeps its timer). */
  watch(connection: string): void {
    if (this.stopped) return;
    let entry = this.watched.get(connection);
    if (entry === undefined) {
      entry = { failing: new Map() };
      this.watched.set(connection, entry);
    }
    if (entry.timer === undefined && entry.running === undefined) this.schedule(connection, entry, 0);
  }

  /** Verifies every watched connection again now and from then on at the current interval (after a reload changed it). */
  reschedule(): void {
    for (const [connection, entry] of this.watched) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      if (entry.running === undefined) this.schedule(connection, entry, 0);
    }
  }

  /** Stops verifying a connection and forgets its results (it was removed or is restarting). */
  forget(connection: string): void {
    clearTimeout(this.watched.get(connection)?.timer);
    this.watched.delete(connection);
  }

  /** The last result of a connection; undefined before its first verify has ended. */
  result(connection: string): VerifyResult | undefined {
    return this.watched.get(connection)?.result;
  }

  /** Schedules nothing more and waits for verifies under way. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running = [...this.watched.values()].map((entry) => {
      clearTimeout(entry.timer);
      return entry.running;
    });
    await Promise.all(running);
  }

  private schedule(connection: string, entry: Watched, delayMs: number): void {
    const intervalMs = this.options.intervalMs();
    if (this.stopped || intervalMs <= 0) return;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.running = this.verifyOnce(connection, entry).finally(() => {
        entry.running = undefined;
        if (this.watched.get(connection) === entry)
          this.schedule(connection, entry, this.options.intervalMs());
      });
    }, delayMs);
    // A pending verify never keeps the process alive on its own.
    entry.timer.unref();
  }

  private async verifyOnce(connection: string, entry: Watched): Promise<void> {
    const log = this.options.logger;
    let report: ConnectionReport | undefined;
    try {
      report = await this.options.verify(connection);
    } catch (error) {
      log.warn({ connection, error: messageOf(error) }, 'drift: periodic verify could not run');
      return;
    }
    if (report === undefined || this.watched.get(connection) !== entry) return;
    const failed = report.checks.filter((check) => check.status === 'fail');
    for (const check of failed) {
      if (!entry.failing.has(check.id)) {
        log.warn(
          { connection, check: check.id, detail: check.detail, remediation: check.remediation },
          'drift: verify check started failing',
        );
      }
    }
    for (const id of entry.failing.keys()) {
      if (!failed.some((check) => check.id === id)) {
        log.info({ connection, check: id }, 'drift: verify check passes again');
      }
    }
    entry.failing = new Map(failed.map((check) => [check.id, check.detail]));
    entry.result = {
      at: (this.options.now?.() ?? new Date()).toISOString(),
      passed: failed.length === 0,
      failedChecks: failed.map((check) => check.id),
    };
    this.options.onResult?.(connection, failed.length);
    log.debug({ connection, ...entry.result }, 'drift: periodic verify done');
  }
}
