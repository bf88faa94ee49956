/**
 * The one backoff and the one abortable sleep of every loop that waits before trying again (the
 * pipeline's attempts, the receive loop, the queue's redelivery delay, the HTTP sink, the wait
 * for a new IAM principal to propagate). Exponential, capped; with full jitter (a random delay
 * between 0 and the exponential cap) where many workers would otherwise retry together, as the
 * AWS Architecture Blog's "Exponential Backoff and Jitter" recommends.
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
 * The exponential cap before retry number `retry` (1 for the first retry), without jitter:
 * min(maxDelayMs, baseDelayMs * 2^(retry-1)). For waits that must be predictable (a message's
 * redelivery delay, the receive loop's pause), and the ceiling of {@link backoffDelayMs}.
 */
export function exponentialDelayMs(
  retry: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'> = {},
): number {
  const { baseDelayMs, maxDelayMs } = { ...DEFAULT_RETRY, ...options };
  // The exponent stops growing once the cap is surely reached, so it never overflows.
  const exponent = Math.min(Math.max(0, retry - 1), 52);
  return Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
}

/**
 * The delay before retry number `retry` (1 for the first retry): uniform in
 * [0, {@link exponentialDelayMs}).
 */
export function backoffDelayMs(
  retry: number,
  options: RetryOptions = {},
  random: () => number = Math.random,
): number {
  return Math.floor(random() * exponentialDelayMs(retry, options));
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
