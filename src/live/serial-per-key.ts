/**
 * Runs work for the same object key one after the other, and work for different keys at once.
 *
 * Why: the ledger's claim protects against other runs, but two tasks of the SAME run (the
 * backfill listing and a queue event, or two events for one key) would both be granted the claim
 * (a run may take over its own claims). Serialising per key in the process makes the second task
 * find the first one's `done` in the ledger, and makes a newer event for a key wait for an older
 * one instead of racing it to the destination.
 */
export class SerialPerKey {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Number of keys with work queued or running. */
  get activeKeys(): number {
    return this.tails.size;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      // Forget the key once nothing else queued behind this task, so the map stays small.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
