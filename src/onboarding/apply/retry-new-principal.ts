/**
 * IAM is eventually consistent: for a few seconds after CreateRole, S3 may reject a bucket policy
 * naming the new role with "MalformedPolicy: Invalid principal in policy". That one error is
 * retried, a bounded number of times with growing pauses; every other error is returned at once.
 */
import { exponentialDelayMs, sleepMs } from '../../core/retry.js';

export interface NewPrincipalRetryOptions {
  /** Attempts in total. Default 8. */
  attempts?: number;
  /** Pause before the second attempt, in milliseconds; doubles each time, capped at 8000. Default 1000. */
  firstDelayMs?: number;
  /** Waits (injectable for tests). Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** True for S3's answer to a principal IAM has not propagated yet. */
export function isUnpropagatedPrincipal(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  // KMS says the same of a key policy, as MalformedPolicyDocumentException.
  return (
    (e.name === 'MalformedPolicy' || e.name === 'MalformedPolicyDocumentException') &&
    /invalid principal/i.test(e.message ?? '')
  );
}

export async function retryNewPrincipal<T>(
  call: () => Promise<T>,
  options: NewPrincipalRetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 8;
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms));
  const backoff = { baseDelayMs: options.firstDelayMs ?? 1000, maxDelayMs: 8000 };
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isUnpropagatedPrincipal(error)) throw error;
      await sleep(exponentialDelayMs(attempt, backoff));
    }
  }
}
