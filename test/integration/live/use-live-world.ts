/**
 * A live world for the describe block (or file) this is called in: its own sandbox, the customer's
 * setup (integration/live/live-world.ts) and, unless `start` is false, `live` running in-process;
 * all stopped after the block's tests.
 *
 * ```ts
 * const { world, run } = useLiveWorld({ mode: 'sns' });
 * it('…', async () => { await world.put('in/a.txt', 'a'); });
 * ```
 */
import { afterAll, beforeAll } from 'vitest';
import type { LiveRun } from '../../../src/live/run-live.js';
import { lateBound } from '../../helpers/late-bound.js';
import { type TestSandbox, useTestSandbox } from '../../helpers/sandbox.js';
import { createLiveWorld, type LiveWorld, type LiveWorldOptions } from './live-world.js';

export interface LiveFixture {
  sandbox: TestSandbox;
  world: LiveWorld;
  /** The run started before the tests (with `start: false`, reading it throws). */
  run: LiveRun;
}

export function useLiveWorld(options: LiveWorldOptions, { start = true } = {}): LiveFixture {
  const sandbox = useTestSandbox();
  const world = lateBound<LiveWorld>('the live world');
  const run = lateBound<LiveRun>('the live run');
  let made: { world?: LiveWorld; run?: LiveRun } = {};
  beforeAll(async () => {
    made.world = await createLiveWorld(sandbox, options);
    world.set(made.world);
    if (start) {
      made.run = await made.world.start();
      run.set(made.run);
    }
  });
  afterAll(async () => {
    await made.run?.stop(0);
    made.world?.close();
    made = {};
  });
  return { sandbox, world: world.proxy, run: run.proxy };
}
