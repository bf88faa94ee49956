/**
 * `bucketbridge batch --workers N`: objects processed on N worker threads, the ledger and the
 * report kept by the main thread. Two workers copy every object exactly once (the sandbox counts
 * the copies) with the same report as one; a re-run does nothing; a worker thread that dies fails
 * the objects it held as transient (ledger and report say so) and a --retry-failed re-run finishes
 * them; a bad --workers is a usage error naming the flag.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { type BatchWorld, createBatchWorld } from './batch-world.js';

const OBJECTS = 24;

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

/** The report without what differs between two runs of the same work: times, and failure texts that name the world's role. */
function comparable(stdout: string): Record<string, unknown> {
  const { durationMs, objectsPerSec, bytesPerSec, failures, ...rest } = JSON.parse(stdout) as Record<
    string,
    unknown
  >;
  const failed = (failures as Array<{ key: string; reason: string; attempts: number }>).map(
    ({ key, reason, attempts }) => ({ key, attempts, code: reason.split(':')[0] }),
  );
  return { ...rest, failures: failed };
}

async function fillSource(world: BatchWorld): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < OBJECTS; i++) {
    const key = `in/${String(i).padStart(2, '0')}.txt`;
    await world.put(key, `object ${i}\n`, 'text/plain');
    keys.push(key);
  }
  await world.put('in/denied.txt', 'no');
  return keys;
}

describe('batch --workers', () => {
  const worlds: BatchWorld[] = [];
  afterEach(() => {
    for (const world of worlds.splice(0)) world.close();
  });

  it('copies every object exactly once on two workers, with the same report as one worker, and a re-run does nothing', async () => {
    const runs: Array<{ world: BatchWorld; report: Record<string, unknown>; copies: number }> = [];
    for (const workers of ['1', '2']) {
      const world = await createBatchWorld(sandbox, { deniedKeys: ['in/denied.txt'], concurrency: 8 });
      worlds.push(world);
      const keys = await fillSource(world);
      sandbox.server.requestCounts(true);
      const result = await world.cli(['--workers', workers, '--json']);
      const copies = sandbox.server.requestCounts(true)['s3:CopyObject'] ?? 0;
      expect(result.exitCode).toBe(1);
      const report = comparable(result.stdout);
      // Report keys are bucket-relative; bucket names differ between the two worlds.
      runs.push({ world, report, copies });
      expect((await world.listKeys(world.destinationBucket)).sort()).toEqual(
        keys.map((key) => key.replace('in/', 'out/')),
      );
      expect(await world.ledgerCounts()).toEqual({ done: OBJECTS, failed: 1 });
    }
    const [one, two] = runs;
    expect(two!.report).toEqual(one!.report);
    expect(two!.report).toMatchObject({
      listed: OBJECTS + 1,
      processed: OBJECTS,
      failed: 1,
      failures: [{ key: 'in/denied.txt', attempts: 1, code: 'AccessDenied' }],
    });
    // One CopyObject per object, the denied one's refused by S3; none repeated.
    expect(one!.copies).toBe(OBJECTS + 1);
    expect(two!.copies).toBe(OBJECTS + 1);

    const world = two!.world;
    sandbox.server.requestCounts(true);
    const again = await world.cli(['--workers', '2', '--json']);
    expect(sandbox.server.requestCounts(true)['s3:CopyObject']).toBeUndefined();
    expect(JSON.parse(again.stdout)).toMatchObject({ processed: 0, failed: 0, skipped: OBJECTS + 1 });
  }, 240_000);

  it('fails the objects of a worker thread that dies as transient, goes on with the others, and a --retry-failed re-run finishes them', async () => {
    const world = await createBatchWorld(sandbox, { concurrency: 4 });
    worlds.push(world);
    const marker = join(world.dir, 'crashed');
    const modulePath = join(world.dir, 'crash-once.mjs');
    // Copies each object; the first time it meets in/crash.txt it throws outside any promise,
    // which ends the worker thread it runs in (an uncaught exception).
    writeFileSync(
      modulePath,
      `import { existsSync, writeFileSync } from 'node:fs';
export default function createCrashOnce(options) {
  return {
    name: 'crash-once',
    async process(input, context) {
      if (input.key === 'in/crash.txt' && !existsSync(options.marker)) {
        writeFileSync(options.marker, 'crashed');
        setImmediate(() => { throw new Error('boom in a worker thread'); });
        await new Promise(() => {});
      }
      await context.copyInput();
    },
  };
}
`,
    );
    const config = join(world.dir, 'bucketbridge.yaml');
    const { readFileSync } = await import('node:fs');
    const { parse, stringify } = await import('yaml');
    const document = parse(readFileSync(config, 'utf8'));
    document.connections[0].processor = { type: 'module', path: modulePath, options: { marker } };
    writeFileSync(config, stringify(document));
    const keys = await fillSource(world);
    await world.put('in/crash.txt', 'crash');

    const first = await world.cli(['--workers', '2', '--json']);
    expect(first.exitCode).toBe(1);
    const report = JSON.parse(first.stdout);
    const crashed = report.failures as Array<{ key: string; reason: string; kind: string }>;
    expect(crashed.map((failure) => failure.key)).toContain('in/crash.txt');
    for (const failure of crashed) {
      expect(failure.reason).toMatch(
        /^worker thread [12] stopped unexpectedly \(boom in a worker thread\); the object was not finished and is processed again by the next run with --retry-failed$/,
      );
    }
    expect(report).toMatchObject({ listed: OBJECTS + 2, processed: OBJECTS + 2 - crashed.length });
    expect(first.stderr).toContain('a worker thread stopped unexpectedly');
    // The crashing object was claimed, so its row is failed; another object the dead thread had
    // been handed may have been failed before or after its claim reached the ledger (no row then:
    // a new object to the next run), so its row is failed or absent, never claimed or done.
    const counts = await world.ledgerCounts();
    expect(counts.done).toBe(OBJECTS + 2 - crashed.length);
    expect(counts.claimed).toBeUndefined();
    expect(counts.failed).toBeGreaterThanOrEqual(1);
    expect(counts.failed).toBeLessThanOrEqual(crashed.length);

    const second = await world.cli(['--workers', '2', '--retry-failed', '--json']);
    expect(second.exitCode).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ processed: crashed.length, failed: 0 });
    expect(await world.ledgerCounts()).toEqual({ done: OBJECTS + 2 });
    expect((await world.listKeys(world.destinationBucket)).sort()).toEqual(
      [...keys, 'in/crash.txt', 'in/denied.txt'].map((key) => key.replace('in/', 'out/')).sort(),
    );
  }, 180_000);

  it.each(['0', '65', 'two', '1.5'])('exits 2 for --workers %s, naming the flag', async (value) => {
    const world = await createBatchWorld(sandbox);
    worlds.push(world);
    const result = await world.cli(['--workers', value]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      `error: option '--workers <n>' argument '${value}' is invalid. expected an integer from 1 to 64, found "${value}"`,
    );
  });
});
