/**
 * Exponential backoff with full jitter (a random delay between 0 and the exponential cap), as the
 * AWS Architecture Blog's "Exponential Backoff and Jitter" recommends: retries of many workers
 * spread out instead of arriving together.
 */

/** Retry settings of the pipeline. */
export interface RetryOptions {
  /** Attempts per object, the first included. Default 5, at least 1. */
  maxAttempts?: number;
  /** Cap of the first retry's delay, in milliseconds. Default 200. */
  baseDelayMs?: number;
  /** Largest delay between attempts, in milliseconds. Default 20000. */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 20_000 };

/**
 * The delay before retry number `retry` (1 for the first retry): uniform in
 * [0, min(maxDelayMs, baseDelayMs * 2^(retry-1))).
 */
export function backoffDelayMs(
  retry: number,
  options: RetryOptions = {},
  random: () => number = Math.random,
): number {
  const { baseDelayMs, maxDelayMs } = { ...DEFAULT_RETRY, ...options };
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

/** Waits `ms` milliseconds, or rejects with the signal's reason when it is aborted first. */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
