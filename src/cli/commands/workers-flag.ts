/**
 * `--workers <n>` of `batch` and `live`: how many worker threads process objects. Default: the
 * number of cores this process may use (os.availableParallelism()), at most 64.
 */
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { MAX_WORKERS } from '../../pipeline/worker-protocol.js';

export const WORKERS_FLAG = '--workers <n>';

export const WORKERS_HELP = `worker threads processing objects, 1..${MAX_WORKERS}; the concurrency is shared between them, 1 processes in the main thread (default: the number of cores)`;

export function parseWorkers(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 1 || n > MAX_WORKERS) {
    throw new InvalidArgumentError(`expected an integer from 1 to ${MAX_WORKERS}, found "${value}"`);
  }
  return n;
}

export function defaultWorkers(): number {
  return Math.min(availableParallelism(), MAX_WORKERS);
}
