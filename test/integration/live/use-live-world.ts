/**
 * Live worlds for the describe block (or file) these are called in, on one sandbox of their own,
 * all closed after the block's tests.
 *
 * - `useLiveWorld(options)`: one customer setup (integration/live/live-world.ts) with, unless
 *   `start` is false, `live` running in-process.
 * - `useLiveWorlds()`: a fresh setup per test (`world(options)`), for tests that run `live` as a
 *   process or start it with their own consumer settings.
 *
 * ```ts
 * const { world, run } = useLiveWorld({ mode: 'sns' });
 * it('…', async () => { await world.put('in/a.txt', 'a'); });
 * ```
 */
import { afterAll, beforeAll } from 'vitest';
import type { LiveRun, StartLiveOptions } from '../../../src/live/run-live.js';
import { lateBound } from '../../helpers/late-bound.js';
import { type TestSandbox, useTestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import {
  type CliProcess,
  createLiveWorld,
  type LiveWorld,
  type LiveWorldOptions,
  logsOf,
} from './live-world.js';

export interface LiveFixture {
  sandbox: TestSandbox;
  world: LiveWorld;
  /** The run under way: started before the tests, or by `start` (reading it before throws). */
  run: LiveRun;
  /** Starts `live` again (after a test stopped it, or with `start: false`); the new run becomes `run`. */
  start(overrides?: Partial<StartLiveOptions>): Promise<LiveRun>;
}

export function useLiveWorld(options: LiveWorldOptions, { start = true } = {}): LiveFixture {
  const sandbox = useTestSandbox();
  const world = lateBound<LiveWorld>('the live world');
  const run = lateBound<LiveRun>('the live run');
  let made: { world?: LiveWorld; runs: LiveRun[] } = { runs: [] };
  const startRun = async (overrides: Partial<StartLiveOptions> = {}) => {
    if (!made.world) throw new Error('the live world is started before the beforeAll that makes it');
    const started = await made.world.start(overrides);
    made.runs.push(started);
    run.set(started);
    return started;
  };
  beforeAll(async () => {
    made.world = await createLiveWorld(sandbox, options);
    world.set(made.world);
    if (start) await startRun();
  });
  afterAll(async () => {
    for (const started of made.runs) await started.stop(0);
    made.world?.close();
    made = { runs: [] };
  });
  return { sandbox, world: world.proxy, run: run.proxy, start: startRun };
}

export interface LiveWorlds {
  sandbox: TestSandbox;
  /** A new customer setup on the block's sandbox, closed after the block. */
  world(options: LiveWorldOptions): Promise<LiveWorld>;
}

export function useLiveWorlds(): LiveWorlds {
  const sandbox = useTestSandbox();
  const worlds: LiveWorld[] = [];
  afterAll(() => {
    for (const world of worlds.splice(0)) world.close();
  });
  return {
    sandbox,
    async world(options) {
      const created = await createLiveWorld(sandbox, options);
      worlds.push(created);
      return created;
    },
  };
}

/** Waits until a `live` process logs that it follows its queue. */
export async function following(cli: CliProcess, timeoutMs?: number): Promise<void> {
  await waitFor('live to follow its queue', () => logsOf(cli, 'following the queue').length > 0, timeoutMs);
}
