/**
 * `bucketbridge batch` as a user runs it: a separate process, exit codes, the JSON report, and a
 * kill -9 in the middle of a run followed by a re-run that completes the rest, processes nothing
 * twice and leaves no incomplete multipart upload behind.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../../helpers/run-cli.js';
import { useTestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import { type BatchWorld, createBatchWorld } from './batch-world.js';

const sandbox = useTestSandbox();

describe('the batch command', () => {
  let world: BatchWorld;
  afterEach(() => {
    sandbox.setFaults('');
    world.close();
  });

  it('prints the report as one JSON document on stdout and exits 1 when an object failed', async () => {
    world = await createBatchWorld(sandbox, { deniedKeys: ['in/denied.txt'] });
    await world.put('in/ok.txt', 'fine');
    await world.put('in/denied.txt', 'no');
    const result = await world.cli(['--json']);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ connection: 'acme', listed: 2, processed: 1, failed: 1 });
    expect(report.failures[0].key).toBe('in/denied.txt');
    expect(result.stderr).toContain('Batch of connection acme');
    expect(result.stderr).toContain(`s3://${world.sourceBucket}/in/denied.txt: AccessDenied: `);
  });

  it('exits 0 with a dry run that lists its plan and writes nothing', async () => {
    world = await createBatchWorld(sandbox);
    await world.put('in/a b.txt', 'x');
    const result = await world.cli(['--dry-run', '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`would process s3://${world.sourceBucket}/in/a b.txt → out/a b.txt`);
    expect(JSON.parse(result.stdout)).toMatchObject({
      dryRun: true,
      wouldProcess: 1,
      planned: [{ key: 'in/a b.txt', action: 'process', outputKey: 'out/a b.txt' }],
    });
    expect(await world.listKeys(world.destinationBucket)).toEqual([]);
  });

  it.each([
    [
      ['--concurrency', '0'],
      "error: option '--concurrency <n>' argument '0' is invalid. expected an integer from 1 to 1000, found \"0\"",
    ],
    [['--connection', 'nope'], 'bucketbridge: no connection named "nope": known connections: acme'],
    [
      ['--lease', '1s'],
      "error: option '--lease <duration>' argument '1s' is invalid. expected a duration of at least 3s, found \"1s\"",
    ],
    [
      ['--lease', 'soon'],
      "error: option '--lease <duration>' argument 'soon' is invalid. expected a duration such as 30s, 2m or 500ms, found \"soon\"",
    ],
  ])('exits 2 for bad usage %j', async (args, message) => {
    world = await createBatchWorld(sandbox);
    const result = await world.cli(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('survives kill -9 mid-run: the re-run completes the rest, redoes nothing done, and aborts the dead upload', async () => {
    // Aborting needs s3:ListBucketMultipartUploads and s3:AbortMultipartUpload, which the generated
    // policy leaves out by design (docs/onboarding.md): this customer granted them as well.
    world = await createBatchWorld(sandbox, {
      processor: { type: 'gzip', level: 1 },
      concurrency: 4,
      grantUploadCleanup: true,
    });
    const big = randomBytes(12 * 1024 * 1024);
    await world.put('in/000-big.bin', big);
    const small = 60;
    for (let i = 0; i < small; i++)
      await world.put(`in/small-${String(i).padStart(2, '0')}.txt`, `small ${i}\n`);
    // Slow writes down so the kill lands with work in flight, a multipart upload among it.
    sandbox.setFaults('s3:UploadPart=latency=2s;s3:PutObject=latency=100ms');

    const child = spawn(
      process.execPath,
      [BIN, 'batch', '--config', world.configPath, '--connection', 'acme'],
      {
        env: { ...process.env, ...world.cliEnv() },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // The process may not have made its tables yet: nothing done so far.
    const doneCount = async () =>
      (await world.ledgerCounts().catch(() => ({}) as Record<string, number>)).done ?? 0;
    await waitFor('the ledger file', () => existsSync(world.ledgerPath), 60_000);
    await waitFor(
      'a multipart upload in flight and some objects done',
      async () => {
        return (await world.incompleteUploads(world.destinationBucket)) > 0 && (await doneCount()) >= 5;
      },
      60_000,
    );
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    sandbox.setFaults('');

    const doneBeforeRerun = await doneCount();
    expect(doneBeforeRerun).toBeLessThan(small + 1);
    expect(await world.incompleteUploads(world.destinationBucket)).toBeGreaterThan(0);

    const rerun = await world.cli(['--json']);
    expect(rerun.exitCode).toBe(0);
    const report = JSON.parse(rerun.stdout);
    expect(report).toMatchObject({
      listed: small + 1,
      processed: small + 1 - doneBeforeRerun,
      skippedByReason: { done: doneBeforeRerun, 'in-progress-elsewhere': 0 },
      failed: 0,
    });
    expect(await world.ledgerCounts()).toEqual({ done: small + 1 });
    expect(await world.incompleteUploads(world.destinationBucket)).toBe(0);
    expect(await world.listKeys(world.destinationBucket)).toHaveLength(small + 1);
    const output = await world.get(world.destinationBucket, 'out/000-big.bin.gz');
    expect(gunzipSync(output.body).equals(big)).toBe(true);
  });
});
