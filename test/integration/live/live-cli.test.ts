/**
 * `bucketbridge live` as a process, with real signals: SIGTERM lets in-flight work finish within
 * the grace period and exits 0; past the grace period the unfinished message is made visible
 * again at once; a second signal exits at once with 130; kill -9 during work followed by a
 * restart ends with every object done and none processed twice. Needs `npm run build`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { waitFor } from '../../helpers/wait-for.js';
import { drained, queueDepth } from './live-queues.js';
import { type CliProcess, type LiveWorld, logsOf as logs } from './live-world.js';
import { following, useLiveWorlds } from './use-live-world.js';

const { world } = useLiveWorlds();

/** Starts `live` with `args`, uploads `key` and waits until its object is claimed. */
async function claimedBy(w: LiveWorld, args: string[], key: string, body: string): Promise<CliProcess> {
  const cli = w.spawnCli(args);
  await following(cli);
  await w.put(key, body);
  await waitFor('the object to be claimed', () => w.ledger().some((row) => row.state === 'claimed'));
  return cli;
}

/** A job that outlives any test; `exec` so that killing the program kills the sleep itself. */
const LONG_JOB = { type: 'exec', command: 'sh', args: ['-c', 'exec sleep 120'] };
const sleepThenCat = (seconds: number) => ({
  type: 'exec',
  command: 'sh',
  args: ['-c', `sleep ${seconds}; cat`],
});

describe('SIGTERM', () => {
  it('lets in-flight work finish within the grace period, deletes its message and exits 0', async () => {
    const w = await world({ mode: 'sqs', processor: sleepThenCat(2) });
    const cli = await claimedBy(w, ['--grace', '20s'], 'in/finishing.txt', 'finish me');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(await w.output('out/finishing.txt')).toBe('finish me');
    expect(w.ledger()).toMatchObject([{ key: 'in/finishing.txt', state: 'done' }]);
    expect(await queueDepth(w.customerSqs, w.customerQueueUrl!)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('past the grace period makes the unfinished message visible again at once and exits 0', async () => {
    const w = await world({ mode: 'sqs', processor: LONG_JOB, visibilityTimeout: '5m' });
    const cli = await claimedBy(w, ['--grace', '1s'], 'in/too-long.txt', 'too long');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    // Visible again now, not after the 5-minute visibility timeout.
    expect(await queueDepth(w.customerSqs, w.customerQueueUrl!)).toEqual({ visible: 1, inFlight: 0 });
    expect(await w.output('out/too-long.txt')).toBeUndefined();
  });

  it('sent twice exits at once with 130, leaving the claim for the next run to take over', async () => {
    const w = await world({ mode: 'sqs', processor: LONG_JOB, visibilityTimeout: '2s' });
    const cli = await claimedBy(w, ['--grace', '60s'], 'in/twice.txt', 'twice');
    cli.child.kill('SIGTERM');
    await waitFor(
      'the stop to begin',
      () => logs(cli, 'stopping: in-flight work may finish (send it again to exit at once)').length > 0,
    );
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 130, signal: null });
    expect(w.ledger()).toMatchObject([{ key: 'in/twice.txt', state: 'claimed' }]);
  });
});

describe('kill -9 during work, then a restart', () => {
  it('ends with every object done and none processed twice', async () => {
    const w = await world({
      mode: 'sqs',
      processor: sleepThenCat(1),
      visibilityTimeout: '3s',
      concurrency: 2,
    });
    const keys = Array.from({ length: 8 }, (_, i) => `in/crash-${i}.txt`);
    const first = w.spawnCli();
    await following(first);
    for (const key of keys) await w.put(key, `body ${key}`);
    await waitFor('some objects done', () => w.ledger().filter((row) => row.state === 'done').length >= 2);
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const doneBeforeRestart = w
      .ledger()
      .filter((row) => row.state === 'done')
      .map((row) => row.key);
    expect(doneBeforeRestart.length).toBeLessThan(keys.length);

    const second = w.spawnCli();
    await following(second);
    await waitFor(
      'every object done',
      () => w.ledger().filter((row) => row.state === 'done').length === keys.length,
      40_000,
    );
    await waitFor('the queue to drain', () => drained(w));
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    const processedBy = (cli: CliProcess) =>
      logs(cli, 'object processed').map((entry) => entry.key as string);
    // What the first process finished (the ledger says; its last log line may have died with it)
    // is never processed again; the second processes exactly the rest, each once.
    const afterRestart = processedBy(second);
    expect(processedBy(first).every((key) => doneBeforeRestart.includes(key))).toBe(true);
    expect([...afterRestart].sort()).toEqual(keys.filter((key) => !doneBeforeRestart.includes(key)).sort());
    for (const key of keys) expect(await w.output(`out/${key.slice(3)}`)).toBe(`body ${key}`);
    expect(w.ledger().every((row) => row.state === 'done' && row.attempts === 1)).toBe(true);
  }, 90_000);
});

describe('bad usage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bb-live-usage-'));
  const configPath = join(dir, 'bucketbridge.yaml');
  writeFileSync(
    configPath,
    [
      'version: 2',
      'vendor: { accountId: "111111111111", principals: ["arn:aws:iam::111111111111:root"] }',
      'connections:',
      '  - name: acme',
      '    accountId: "222222222222"',
      '    source: { bucket: src-bucket }',
      '    destination: { bucket: dst-bucket }',
      '',
    ].join('\n'),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      [],
      `bucketbridge: no connection in ${configPath} has workflow: live; set it on the connections to follow\n`,
    ],
    [
      ['--connection', 'acme'],
      `bucketbridge: connection "acme" has workflow: batch; set workflow: live in ${configPath} to follow its events, or run \`bucketbridge batch --connection acme\`\n`,
    ],
    [['--connection', 'nope'], 'bucketbridge: no connection named "nope": known connections: acme\n'],
    [
      ['--grace', '3x'],
      `error: option '--grace <duration>' argument '3x' is invalid. expected a duration such as 30s, 2m or 500ms, found "3x"\n(run with --help for usage)\n`,
    ],
    [
      ['--poll-wait', '25s'],
      `error: option '--poll-wait <duration>' argument '25s' is invalid. expected whole seconds from 0s to 20s, found "25s"\n(run with --help for usage)\n`,
    ],
  ])('live %j exits 2 with a message naming the fix', async (args, message) => {
    const result = await runCli(['live', '--config', configPath, ...args]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(message);
  });
});
