/**
 * The time source of the queue engine. Visibility, delays, retention and long polls are all
 * reckoned against it, so unit tests drive time by hand instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
  /** Calls `fn` once after `delayMs` milliseconds; the returned function cancels it. */
  setTimer(fn: () => void, delayMs: number): () => void;
}

/** The real clock, reading time from the sandbox context's `now()` (which tests may shift). */
export function systemClock(now: () => Date = () => new Date()): Clock {
  return {
    nowMs: () => now().getTime(),
    setTimer(fn, delayMs) {
      const timer = setTimeout(fn, Math.max(0, delayMs));
      // A pending long poll must not keep a stopping sandbox alive.
      timer.unref();
      return () => clearTimeout(timer);
    },
  };
}
