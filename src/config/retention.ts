/**
 * Ledger retention: how long finished entries are kept (`ledger.retention`, `ledger prune
 * --older-than`). Written in days, as operators think of it (`90d`, `2d12h`), or any duration.
 *
 * Never less than {@link MIN_RETENTION_DAYS} days: SQS keeps a message at most 14 days, so an
 * entry finished longer ago than that cannot be asked for again by a redelivered live event. (A
 * batch lists its source again; see docs/scale-out.md for why batch connections are kept.)
 */
import { parseDurationMs } from './duration.js';

export const MIN_RETENTION_DAYS = 14;

const DAY_MS = 86_400_000;

/** The shape of a retention (`90d`, `2d12h`, `400h`), before its minimum is checked. */
export const RETENTION_TEXT = /^\s*(?=\d)(?:\d+d)?(?:\d+h)?(?:\d+m(?!s))?(?:\d+s)?\s*$/;

export const RETENTION_EXPECTED = `a duration of at least ${MIN_RETENTION_DAYS}d such as 90d, 30d or 2160h (a queue can redeliver a message for up to 14 days)`;

/** Milliseconds of `90d`, `2d12h`, `400h`; undefined when it is not a duration or below the minimum. */
export function parseRetentionMs(text: string): number | undefined {
  // Units are required (a bare number would read as seconds, never what a retention means).
  if (!RETENTION_TEXT.test(text)) return undefined;
  const ms = parseDurationMs(text.trim());
  return ms !== undefined && ms >= MIN_RETENTION_DAYS * DAY_MS ? ms : undefined;
}

/** A retention in whole days where it is one (`90d`), else hours. For messages and reports. */
export function formatRetention(ms: number): string {
  return ms % DAY_MS === 0 ? `${ms / DAY_MS}d` : `${Math.round(ms / 3_600_000)}h`;
}
