/**
 * Lets a producer (the bucket listing) run ahead of its consumer (the pipeline) by a bounded
 * number of items: the next listing page is fetched while objects are processed, yet a slow
 * pipeline stops the listing once `capacity` items wait, so memory stays bounded.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, capacity: number): AsyncGenerator<T> {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`readAhead capacity must be a positive integer, got ${capacity}`);
  }
  const iterator = source[Symbol.asyncIterator]();
  const buffer: T[] = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  // Resolved whenever the buffer changes (an item arrives, the consumer takes one, the end).
  let wakeProducer: (() => void) | undefined;
  let wakeConsumer: (() => void) | undefined;

  const pump = (async () => {
    try {
      while (!stopped) {
        if (buffer.length >= capacity) {
          await new Promise<void>((resolve) => {
            wakeProducer = resolve;
          });
          continue;
        }
        const next = await iterator.next();
        if (next.done) break;
        buffer.push(next.value);
        wakeConsumer?.();
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      wakeConsumer?.();
    }
  })();

  try {
    while (true) {
      if (buffer.length > 0) {
        const item = buffer.shift() as T;
        wakeProducer?.();
        yield item;
        continue;
      }
      if (failure) throw failure.error;
      if (finished) return;
      await new Promise<void>((resolve) => {
        wakeConsumer = resolve;
      });
    }
  } finally {
    stopped = true;
    wakeProducer?.();
    await pump;
    // Lets the source release what it holds (an open listing) when the consumer stops early.
    if (!failure) await iterator.return?.();
  }
}
