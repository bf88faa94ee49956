/**
 * A batch connection's `schedule`: a duration (`15m`, `1h`: every so long after the previous run
 * started) or a five-field cron expression (`0 2 * * *`, read by croner in UTC). One parser for
 * the schema's validation and the service's scheduler.
 */
import { Cron } from 'croner';
import { parseDurationMs } from './duration.js';

/** When the next run is due, given when the previous one started. */
export interface Schedule {
  /** The schedule as written. */
  readonly text: string;
  /** The first time strictly after `after` (a duration: `after` plus the interval). */
  nextAfter(after: Date): Date | undefined;
  /**
   * The tick `time` falls in, the same on every machine: the latest cron time at or before it,
   * or for a duration the start of its interval counted from the Unix epoch. A fleet of `run`
   * processes keys its shared batch run by it, so each tick's batch runs once across the fleet.
   */
  tickAt(time: Date): Date;
}

export const SCHEDULE_EXPECTED = 'a duration such as 15m or a five-field cron expression such as "0 2 * * *"';

/** Parses a schedule; undefined when it is neither a positive duration nor a five-field cron expression. */
export function parseSchedule(text: string): Schedule | undefined {
  const intervalMs = parseDurationMs(text);
  if (intervalMs !== undefined) {
    if (intervalMs <= 0) return undefined;
    return {
      text,
      nextAfter: (after) => new Date(after.getTime() + intervalMs),
      tickAt: (time) => new Date(Math.floor(time.getTime() / intervalMs) * intervalMs),
    };
  }
  if (text.trim().split(/\s+/).length !== 5) return undefined;
  let cron: Cron;
  try {
    cron = new Cron(text, { paused: true, timezone: 'UTC' });
  } catch {
    return undefined;
  }
  return {
    text,
    nextAfter: (after) => cron.nextRun(after) ?? undefined,
    // previousRuns looks strictly before its reference; a millisecond later includes `time` itself.
    tickAt: (time) => cron.previousRuns(1, new Date(time.getTime() + 1))[0] ?? new Date(0),
  };
}
