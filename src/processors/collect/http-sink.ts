/**
 * POSTs batches of records as NDJSON to an HTTP endpoint, retrying throttling, 5xx and network
 * failures with backoff. Each POST carries an `Idempotency-Key` (bucket, key, version, batch index)
 * so that a receiver can drop a batch it already has when a response was lost and the batch sent again.
 */

import { backoffDelayMs, sleepMs } from '../../core/retry.js';
import { ProcessorError } from '../processor-error.js';
import { type RecordSink, toNdjson } from './record-sink.js';

export interface HttpSinkOptions {
  url: string;
  headers?: Record<string, string>;
  /** Attempts per batch, the first included. Default 5. */
  maxAttempts?: number;
  /** Cap of the first retry's delay in milliseconds (doubled each retry, full jitter). Default 200. */
  baseDelayMs?: number;
  /** How long one POST may take, in milliseconds. Default 30000. */
  requestTimeoutMs?: number;
}

export function createHttpSink(options: HttpSinkOptions): RecordSink {
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  return {
    name: 'http',
    async write(records, batch, signal) {
      const body = toNdjson(records);
      const idempotencyKey = `${batch.bucket}/${batch.key}@${batch.version}#${batch.index}`;
      let lastProblem = '';
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        if (attempt > 1) await sleepMs(backoffDelayMs(attempt - 1, { baseDelayMs }), signal);
        let status: number;
        try {
          const response = await fetch(options.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-ndjson',
              'idempotency-key': encodeURIComponent(idempotencyKey),
              ...options.headers,
            },
            body,
            signal: AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]),
          });
          status = response.status;
          // Drain the body so the connection returns to the pool.
          await response.arrayBuffer().catch(() => undefined);
        } catch (error) {
          signal.throwIfAborted();
          lastProblem = (error as Error).message;
          continue;
        }
        if (status >= 200 && status < 300) return;
        lastProblem = `HTTP ${status}`;
        if (status !== 429 && status !== 408 && status < 500) {
          throw new ProcessorError(`collect: the HTTP sink ${options.url} refused a batch: ${lastProblem}`);
        }
      }
      throw new ProcessorError(
        `collect: the HTTP sink ${options.url} failed ${maxAttempts} times; last: ${lastProblem}`,
        { kind: 'transient' },
      );
    },
    async close() {},
  };
}

/** Waits `ms`, or rejects when the signal aborts; leaves no listener behind on the signal either way. */
