/**
 * `bucketbridge batch` stopped by a signal, as a person at a terminal (Ctrl-C) or a supervisor
 * (SIGTERM) stops it: the first signal stops the run before the next object and exits 1 saying so,
 * what was in flight is left to the next run through the ledger; a second signal exits at once (130).
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import { type BatchWorld, createBatchWorld } from './batch-world.js';

const sandbox = useTestSandbox();
const OBJECTS = 30;
const STOPPING = 'received, stopping (send it again to exit at once)';

describe('a batch stopped by a signal', () => {
  let world: BatchWorld;
  afterEach(() => {
    sandbox.setFaults('');
    world.close();
  });

  /**
   * A world with OBJECTS objects whose copies each take `copyLatency`, so that a signal lands with
   * work in flight and the run is far from its end (2 at a time: 15 copy times in all).
   */
  async function slowWorld(copyLatency: string): Promise<BatchWorld> {
    world = await createBatchWorld(sandbox, { concurrency: 2 });
    for (let i = 0; i < OBJECTS; i++)
      await world.put(`in/${String(i).padStart(2, '0')}.txt`, `object ${i}\n`);
    sandbox.setFaults(`s3:CopyObject=latency=${copyLatency}`);
    return world;
  }

  /** Objects the ledger holds in `state` (none while its file does not exist yet). */
  async function count(state: 'claimed' | 'done'): Promise<number> {
    try {
      return (await world.ledgerCounts())[state] ?? 0;
    } catch {
      return 0;
    }
  }

  it('stops at the first SIGINT, exits 1 saying so, and the next run does the rest once', async () => {
    await slowWorld('500ms');
    let child: ChildProcess | undefined;
    const running = world.cli(['--json'], { onSpawn: (spawned) => (child = spawned) });
    await waitFor('some objects done', async () => (await count('done')) >= 2, 60_000);
    child?.kill('SIGINT');
    const stopped = await running;

    expect(stopped.exitCode).toBe(1);
    expect(stopped.stderr).toContain(`bucketbridge: SIGINT ${STOPPING}`);
    expect(stopped.stderr).toContain('bucketbridge: the batch stopped early: interrupted');
    const report = JSON.parse(stopped.stdout);
    expect(report).toMatchObject({ stopped: true, stopReason: 'interrupted', failed: 0 });
    expect(report.processed).toBeLessThan(OBJECTS);
    const doneBefore = await count('done');
    expect(doneBefore).toBe(report.processed);

    sandbox.setFaults('');
    const rerun = await world.cli(['--json']);
    expect(rerun.exitCode).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      listed: OBJECTS,
      processed: OBJECTS - doneBefore,
      skippedByReason: { done: doneBefore, 'in-progress-elsewhere': 0 },
      failed: 0,
    });
    expect(await world.ledgerCounts()).toEqual({ done: OBJECTS });
    expect(await world.listKeys(world.destinationBucket, 'out/')).toHaveLength(OBJECTS);
  });

  it('exits at once with 130 at a second SIGTERM', async () => {
    // Copies that outlast the two signals: the graceful stop cannot end the run in between.
    await slowWorld('10s');
    let child: ChildProcess | undefined;
    let stderr = '';
    const running = world.cli([], {
      onSpawn: (spawned) => {
        child = spawned;
        spawned.stderr?.on('data', (chunk: Buffer | string) => {
          stderr += chunk.toString();
        });
      },
    });
    await waitFor('objects in flight', async () => (await count('claimed')) >= 1, 60_000);
    child?.kill('SIGTERM');
    await waitFor('the stop to be announced', () => stderr.includes(STOPPING), 30_000);
    child?.kill('SIGTERM');
    const exited = await running;

    expect(exited.exitCode).toBe(130);
    expect(exited.stderr).toContain(`bucketbridge: SIGTERM ${STOPPING}`);
    expect(exited.stderr).not.toContain('the batch stopped early');
  });
});
