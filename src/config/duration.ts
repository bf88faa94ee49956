/**
 * The one duration parser and the one formatter. Configuration values (`stsCredsExpirationTime: 1h`,
 * `visibilityTimeout: 5m`) and command-line flags (`--grace 30s`) are read here, once; everything
 * downstream holds numbers whose names carry the unit (`visibilityTimeoutSec`, `graceMs`).
 */

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

/**
 * Parses `30d`, `1h`, `90m`, `3600s`, `1h30m`, `500ms` (units largest first, each at most once) or a
 * plain number of seconds (`900`, or the number 900) into milliseconds. Returns undefined when
 * the value is not a duration (empty, negative, fractional, an unknown unit).
 */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value * 1000 : undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const match = DURATION.exec(text);
  if (!match || text === '') return undefined;
  const [, d = '0', h = '0', m = '0', s = '0', ms = '0'] = match;
  return (((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(ms);
}

/** Seconds as the shortest of `30d`, `12h`, `90m` → `1h30m`, `45s`, `61` → `1m1s`; `0s` for zero. */
export function formatDurationSec(totalSec: number): string {
  const d = Math.floor(totalSec / 86_400);
  const h = Math.floor((totalSec % 86_400) / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  const text = `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text === '' ? '0s' : text;
}
