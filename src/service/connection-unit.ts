/**
 * One supervised connection: a small state machine (`starting → running/idle/failing → stopping`)
 * around the connection's work, which is either a batch run repeated on a schedule or a live
 * follower. A failure puts the unit in `failing` with its last error and retries it with
 * exponential backoff (full jitter, capped at 5 minutes), without touching any other unit.
 */
import type { Schedule } from '../config/schedule.js';
import { backoffDelayMs, sleepMs } from '../core/retry.js';

export type UnitState = 'starting' | 'running' | 'idle' | 'failing' | 'stopping';

/** A live follower once started. */
export interface StartedLive {
  /** Stops taking work; in-flight work gets `graceMs`, then is released. */
  stop(graceMs: number): Promise<void>;
}

/** Tells the unit about trouble a running live follower meets and gets over (a deleted queue). */
export interface LiveHealth {
  failing(error: unknown): void;
  healthy(): void;
}

/** What a unit runs: the only difference between batch and live units. */
export type UnitWork =
  | {
      kind: 'batch';
      /** Without one, the batch runs once and the unit stays idle. */
      schedule: Schedule | undefined;
      /** One whole run; throws when the run could not do its work (misconfiguration, denied). */
      runOnce(signal: AbortSignal): Promise<void>;
      /** Releases what the runs share (credentials, processor) once the unit stops. */
      close?(): Promise<void>;
    }
  | { kind: 'live'; start(health: LiveHealth): Promise<StartedLive> };

/** The last error of a unit, with when it happened (ISO-8601). */
export interface UnitError {
  message: string;
  /** The AWS error code at the root of it (`AccessDenied`), when an AWS answer caused it. */
  code?: string;
  at: string;
}

/** The code of the deepest AWS service error in the cause chain (SDK errors carry `$metadata`). */
export function awsCodeIn(error: unknown): string | undefined {
  let code: string | undefined;
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 10; depth++) {
    const candidate = e as { name?: unknown; $metadata?: unknown; cause?: unknown };
    if (candidate.$metadata !== undefined && typeof candidate.name === 'string') code = candidate.name;
    e = candidate.cause;
  }
  return code;
}

/** Options of {@link ConnectionUnit}. */
export interface ConnectionUnitOptions {
  name: string;
  work: UnitWork;
  /** First retry delay cap after a failure, in milliseconds. Default 1000. */
  baseRetryDelayMs?: number;
  /** Largest retry delay, in milliseconds. Default 300000 (5 minutes). */
  maxRetryDelayMs?: number;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
  /** Called on every state change (metrics, logs). A listener that throws is ignored. */
  onStateChange?: (unit: ConnectionUnit) => void;
}

export class ConnectionUnit {
  readonly name: string;
  private currentState: UnitState = 'starting';
  private error: UnitError | undefined;
  private nextRun: Date | undefined;
  private failures = 0;
  private graceMs = 0;
  private readonly stopRequested = new AbortController();
  private loopDone: Promise<void> | undefined;

  constructor(private readonly options: ConnectionUnitOptions) {
    this.name = options.name;
  }

  get state(): UnitState {
    return this.currentState;
  }

  get lastError(): UnitError | undefined {
    return this.error;
  }

  /** When the next batch run is due (a schedule, or a retry after a failure). */
  get nextRunAt(): Date | undefined {
    return this.nextRun;
  }

  /** Consecutive failures since the last success. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  start(): void {
    this.loopDone ??= (
      this.options.work.kind === 'batch'
        ? this.batchLoop(this.options.work)
        : this.liveLoop(this.options.work)
    ).catch((error: unknown) => this.fail(error));
  }

  /**
   * Stops taking work; what is in flight gets `graceMs` to finish, then is released. Resolves when
   * the unit has stopped. Idempotent.
   */
  stop(graceMs: number): Promise<void> {
    if (!this.stopRequested.signal.aborted) {
      this.graceMs = graceMs;
      this.nextRun = undefined;
      this.setState('stopping');
      this.stopRequested.abort();
    }
    return this.loopDone ?? Promise.resolve();
  }

  private get stopping(): boolean {
    return this.stopRequested.signal.aborted;
  }

  private async batchLoop(work: Extract<UnitWork, { kind: 'batch' }>): Promise<void> {
    try {
      await this.runBatches(work);
    } finally {
      await work.close?.();
    }
  }

  private async runBatches(work: Extract<UnitWork, { kind: 'batch' }>): Promise<void> {
    while (!this.stopping) {
      const startedAt = new Date();
      this.nextRun = undefined;
      // A retry of a failing connection stays `failing` until a run succeeds, so that the state
      // and `bucketbridge_connection_up` do not flicker to healthy on every attempt.
      if (this.currentState !== 'failing') this.setState('running');
      try {
        await this.runWithGrace(work);
        this.failures = 0;
      } catch (error) {
        if (this.stopping) return;
        this.fail(error);
        if (!(await this.waitUntil(new Date(Date.now() + this.retryDelayMs())))) return;
        continue;
      }
      if (this.stopping) return;
      this.error = undefined;
      const next = work.schedule?.nextAfter(startedAt);
      // A run longer than its interval starts the next one at once: never two at the same time.
      this.setState('idle');
      if (next === undefined) {
        await this.waitUntil(undefined);
        return;
      }
      if (!(await this.waitUntil(next))) return;
    }
  }

  /** One batch run; on stop it gets the grace period, then its signal aborts it. */
  private async runWithGrace(work: Extract<UnitWork, { kind: 'batch' }>): Promise<void> {
    const run = new AbortController();
    let graceTimer: NodeJS.Timeout | undefined;
    const onStop = () => {
      graceTimer = setTimeout(() => run.abort(new DOMException('stopped', 'AbortError')), this.graceMs);
    };
    this.stopRequested.signal.addEventListener('abort', onStop, { once: true });
    try {
      await work.runOnce(run.signal);
    } finally {
      this.stopRequested.signal.removeEventListener('abort', onStop);
      clearTimeout(graceTimer);
    }
  }

  private async liveLoop(work: Extract<UnitWork, { kind: 'live' }>): Promise<void> {
    while (!this.stopping) {
      let started: StartedLive;
      try {
        started = await work.start({
          failing: (error) => this.fail(error),
          healthy: () => {
            if (this.currentState === 'failing') this.setState('running');
          },
        });
      } catch (error) {
        if (this.stopping) return;
        this.fail(error);
        if (!(await this.waitUntil(new Date(Date.now() + this.retryDelayMs())))) return;
        continue;
      }
      this.failures = 0;
      this.nextRun = undefined;
      if (!this.stopping) this.setState('running');
      await this.waitUntil(undefined);
      await started.stop(this.graceMs);
      return;
    }
  }

  private retryDelayMs(): number {
    const baseDelayMs = this.options.baseRetryDelayMs ?? 1000;
    const maxDelayMs = this.options.maxRetryDelayMs ?? 300_000;
    // Never less than half the base: a jitter of 0 must not turn retries into a busy loop.
    return Math.max(
      Math.floor(baseDelayMs / 2),
      backoffDelayMs(this.failures, { baseDelayMs, maxDelayMs }, this.options.random),
    );
  }

  /** Waits until `at` (forever when undefined); false when the unit was stopped first. */
  private async waitUntil(at: Date | undefined): Promise<boolean> {
    if (at !== undefined && this.currentState !== 'stopping') this.nextRun = at;
    const signal = this.stopRequested.signal;
    try {
      if (at === undefined) {
        if (!signal.aborted) {
          await new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => resolve(), { once: true }),
          );
        }
        return false;
      }
      await sleepMs(Math.max(0, at.getTime() - Date.now()), signal);
      return true;
    } catch {
      return false;
    }
  }

  private fail(error: unknown): void {
    this.failures++;
    const code = awsCodeIn(error);
    this.error = {
      message: error instanceof Error ? error.message : String(error),
      ...(code === undefined ? {} : { code }),
      at: new Date().toISOString(),
    };
    if (!this.stopping) this.setState('failing');
  }

  private setState(state: UnitState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    try {
      this.options.onStateChange?.(this);
    } catch {
      // A listener's failure must not change the unit's course.
    }
  }
}
