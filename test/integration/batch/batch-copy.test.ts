/**
 * `batch` with the copy processor on the sandbox, through a cross-account role: awkward keys,
 * empty objects, folder markers, metadata on outputs, re-runs that skip what is done, dry runs.
 */
import { existsSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestSandbox } from '../../helpers/sandbox.js';
import { type BatchWorld, createBatchWorld } from './batch-world.js';

const sandbox = useTestSandbox();

const longName = `${'l'.repeat(993)}.txt`; // with `in/`, a 1,000-byte key
const awkwardKeys = [
  'in/with space.txt',
  'in/plus+sign.txt',
  'in/percent%20literal.txt',
  'in/ünïcødé/ファイル 名.txt',
  'in/deep/a/b/c/d.json',
  `in/${longName}`,
];

describe('copying a prefix across accounts', () => {
  let world: BatchWorld;
  afterEach(() => world.close());

  it('copies every object, awkward keys and empty ones included, with its headers and metadata as they are', async () => {
    world = await createBatchWorld(sandbox);
    expect(Buffer.byteLength(awkwardKeys[5]!)).toBe(1000);
    for (const key of awkwardKeys) await world.put(key, `content of ${key}`, 'text/plain');
    await world.put('in/empty.bin', '', 'application/octet-stream');
    await world.put('in/folder/', '');
    await world.put('outside/ignored.txt', 'not under the prefix');
    await world.s3.send(
      new PutObjectCommand({
        Bucket: world.sourceBucket,
        Key: 'in/styled.css',
        Body: 'a{}',
        ContentType: 'text/css',
        CacheControl: 'max-age=60',
        ContentEncoding: 'identity',
        ContentDisposition: 'inline',
        Metadata: { owner: 'web-team' },
      }),
    );

    const report = await world.run();
    expect(report).toMatchObject({ listed: 8, filteredOut: 1, processed: 8, skipped: 0, failed: 0 });
    const outputs = (await world.listKeys(world.destinationBucket)).sort();
    const expected = [...awkwardKeys, 'in/empty.bin', 'in/styled.css'].map((k) => `out/${k.slice(3)}`).sort();
    expect(outputs).toEqual(expected);
    for (const key of awkwardKeys) {
      const { body, response } = await world.get(world.destinationBucket, `out/${key.slice(3)}`);
      expect(body.toString()).toBe(`content of ${key}`);
      expect(response.ContentType).toBe('text/plain');
      expect(response.Metadata).toEqual({});
    }
    const styled = await world.get(world.destinationBucket, 'out/styled.css');
    expect(styled.body.toString()).toBe('a{}');
    expect(styled.response).toMatchObject({
      ContentType: 'text/css',
      CacheControl: 'max-age=60',
      ContentEncoding: 'identity',
      ContentDisposition: 'inline',
      Metadata: { owner: 'web-team' },
    });
    const empty = await world.get(world.destinationBucket, 'out/empty.bin');
    expect(empty.body.length).toBe(0);
    expect(await world.ledgerCounts()).toEqual({ done: 8 });
  });

  it('skips everything on a re-run, and processes a key again only when its content changed', async () => {
    world = await createBatchWorld(sandbox);
    await world.put('in/a.txt', 'one');
    await world.put('in/b.txt', 'two');
    expect(await world.run()).toMatchObject({ processed: 2, skipped: 0 });
    expect(await world.run()).toMatchObject({ processed: 0, skipped: 2, skippedByReason: { done: 2 } });
    await world.put('in/b.txt', 'two, edited');
    expect(await world.run()).toMatchObject({ processed: 1, skipped: 1 });
    expect((await world.get(world.destinationBucket, 'out/b.txt')).body.toString()).toBe('two, edited');
  });

  it('maps keys through the key template', async () => {
    world = await createBatchWorld(sandbox, {
      keyTemplate: '{dir}{stem}.copy{ext}',
      destinationPrefix: 'mirror/',
    });
    await world.put('in/x/report.csv', 'a,b');
    await world.run();
    expect(await world.listKeys(world.destinationBucket)).toEqual(['mirror/x/report.copy.csv']);
  });

  it('lists what would be done in a dry run and writes nothing: no outputs, no ledger', async () => {
    world = await createBatchWorld(sandbox);
    await world.put('in/a.txt', 'one');
    await world.put('in/b.txt', 'two');
    const plans: string[] = [];
    const report = await world.run({ dryRun: true, onPlan: (p) => plans.push(`${p.key}→${p.outputKey}`) });
    expect(report).toMatchObject({ dryRun: true, listed: 2, wouldProcess: 2, processed: 0 });
    expect(plans.sort()).toEqual(['in/a.txt→out/a.txt', 'in/b.txt→out/b.txt']);
    expect(await world.listKeys(world.destinationBucket)).toEqual([]);
    expect(existsSync(world.ledgerPath)).toBe(false);
  });

  it('reports an object the role may not read, with the reason, and finishes the others', async () => {
    world = await createBatchWorld(sandbox, { deniedKeys: ['in/secret.txt'] });
    await world.put('in/a.txt', 'one');
    await world.put('in/secret.txt', 'no');
    await world.put('in/z.txt', 'three');
    const report = await world.run();
    expect(report).toMatchObject({ processed: 2, failed: 1 });
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({
      bucket: world.sourceBucket,
      key: 'in/secret.txt',
      attempts: 1,
    });
    expect(report.failures[0]!.reason).toMatch(/^AccessDenied: /);
    expect((await world.listKeys(world.destinationBucket)).sort()).toEqual(['out/a.txt', 'out/z.txt']);
    // A re-run leaves it alone until asked to retry it.
    expect(await world.run()).toMatchObject({
      processed: 0,
      skippedByReason: { done: 2, 'failed-earlier': 1 },
    });
    expect(await world.run({ retryFailed: true })).toMatchObject({ processed: 0, failed: 1 });
  });
});

describe('source.ignoreOlderThan', () => {
  let world: BatchWorld;
  afterEach(() => world.close());

  it('leaves out objects older than the bound before the run started, counts them, and loses none', async () => {
    world = await createBatchWorld(sandbox, { source: { ignoreOlderThan: '30d' } });
    await world.put('in/a.txt', 'a');
    await world.put('in/b.txt', 'b');
    // A run that starts 31 days from now sees both objects as 31 days old.
    const later = await world.run({ startedAtMs: Date.now() + 31 * 86_400_000 });
    expect(later).toMatchObject({ listed: 0, filteredOut: 2, ignoredOlder: 2, processed: 0 });
    expect(await world.listKeys(world.destinationBucket)).toEqual([]);
    expect(await world.ledgerCounts()).toEqual({});
    // Left out is not done: a run inside the bound processes them.
    const now = await world.run();
    expect(now).toMatchObject({ listed: 2, filteredOut: 0, ignoredOlder: 0, processed: 2 });
    expect(await world.ledgerCounts()).toEqual({ done: 2 });
  });
});
