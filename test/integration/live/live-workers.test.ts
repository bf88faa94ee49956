/**
 * `bucketbridge live --workers N`: the queue, the ledger and the statistics stay in the main
 * thread, objects are processed on N worker threads. Two workers process every object of a burst
 * exactly once (the sandbox counts the copies; each message is deleted; SIGTERM stops cleanly); a
 * bad --workers is a usage error naming the flag. Needs `npm run build`.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { waitFor } from '../../helpers/wait-for.js';
import { drained } from './live-queues.js';
import { logsOf } from './live-world.js';
import { following, useLiveWorlds } from './use-live-world.js';

const OBJECTS = 16;

const { sandbox, world } = useLiveWorlds();

describe('live --workers', () => {
  it('processes every object of a burst exactly once on two worker threads and stops cleanly on SIGTERM', async () => {
    const w = await world({ mode: 'sqs', concurrency: 4 });
    const cli = w.spawnCli(['--workers', '2']);
    await following(cli, 60_000);
    sandbox.server.requestCounts(true);
    const keys = Array.from({ length: OBJECTS }, (_, i) => `in/burst-${String(i).padStart(2, '0')}.txt`);
    for (const key of keys) await w.put(key, `body ${key}`);
    await waitFor(
      'every object done',
      () => w.ledger().filter((row) => row.state === 'done').length === OBJECTS,
      60_000,
    );
    await waitFor('the queue to drain', () => drained(w));
    const copies = sandbox.server.requestCounts(true)['s3:CopyObject'];
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });

    expect(copies).toBe(OBJECTS);
    const processed = logsOf(cli, 'object processed').map((entry) => entry.key as string);
    expect(processed.sort()).toEqual(keys);
    expect(w.ledger().every((row) => row.state === 'done' && row.attempts === 1)).toBe(true);
    for (const key of keys) expect(await w.output(`out/${key.slice(3)}`)).toBe(`body ${key}`);
  }, 150_000);

  it.each(['0', '65', 'all'])('exits 2 for --workers %s, naming the flag', async (value) => {
    const result = await runCli(['live', '--config', 'unused.yaml', '--workers', value]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `error: option '--workers <n>' argument '${value}' is invalid. expected an integer from 1 to 64, found "${value}"\n(run with --help for usage)\n`,
    );
  });
});
