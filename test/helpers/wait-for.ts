/**
 * Waits on a condition instead of sleeping: polls `condition` until it holds and fails the test
 * with `what` after `timeoutMs`. The one waiting helper of the suites.
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  pollMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * For unit tests of in-process work (fakes that answer at once): lets pending callbacks run, one
 * event-loop turn at a time, until `condition` holds, and fails the test with `what` if it still
 * does not after `turns` turns. Never waits on the clock.
 */
export async function untilSettled(what: string, condition: () => boolean, turns = 1000): Promise<void> {
  for (let turn = 0; turn < turns && !condition(); turn++)
    await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error(`still waiting for ${what} after ${turns} event-loop turns`);
}
