/**
 * Runs the object pipeline over a stream of objects with bounded concurrency. The next object is
 * pulled from the source only when a worker is free, so a fast listing waits for slow processing
 * (together with the lister's bounded read-ahead, memory stays flat however many objects there are).
 */
import { setMaxListeners } from 'node:events';
import type { SourceObject } from '../core/source-object.js';
import type { ObjectOutcome, ObjectPipeline } from '../pipeline/object-pipeline.js';

export interface RunBatchOptions {
  objects: AsyncIterable<SourceObject>;
  pipeline: Pick<ObjectPipeline, 'process'>;
  /** Objects processed at once, 1..1000. */
  concurrency: number;
  /** Stops pulling new objects and aborts those in flight (their claims are taken over next run). */
  signal?: AbortSignal;
  /** Called when an object is pulled from the source (before processing). */
  onListed?: (object: SourceObject) => void;
  /** Called with each object's outcome. A listener that throws does not stop the run. */
  onOutcome?: (outcome: ObjectOutcome) => void;
}

export interface RunBatchResult {
  /** Set when the run stopped early: the error that stopped it (misconfiguration, abort, listing failure). */
  stoppedBy?: unknown;
}

/** Processes every object; resolves when all have settled or the run stopped. */
export async function runBatch(options: RunBatchOptions): Promise<RunBatchResult> {
  const { concurrency } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) {
    throw new RangeError(`concurrency must be an integer from 1 to 1000, got ${concurrency}`);
  }
  const stop = new AbortController();
  // Every object in flight listens on this one signal (and removes its listener when it settles):
  // up to `concurrency` listeners are expected, not a leak.
  setMaxListeners(concurrency + 16, stop.signal);
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let stoppedBy: unknown;
  const inFlight = new Set<Promise<void>>();
  const settle = (outcome: ObjectOutcome) => {
    try {
      options.onOutcome?.(outcome);
    } catch {
      // A progress display must never stop the processing.
    }
  };
  try {
    for await (const object of options.objects) {
      if (stop.signal.aborted) break;
      try {
        options.onListed?.(object);
      } catch {
        // As above: listeners are observers.
      }
      const task = options.pipeline.process(object, stop.signal).then(settle, (error: unknown) => {
        stoppedBy ??= error;
        stop.abort(error);
      });
      const tracked = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (stop.signal.aborted) break;
    }
  } catch (error) {
    stoppedBy ??= error;
    stop.abort(error);
  } finally {
    await Promise.all(inFlight);
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (stoppedBy === undefined && options.signal?.aborted) stoppedBy = options.signal.reason;
  return stoppedBy === undefined ? {} : { stoppedBy };
}
