/**
 * How many S3 requests an object costs, counted by the sandbox: the figure behind batch throughput
 * (docs/performance.md). A copy is one CopyObject conditioned on the listed ETag (the listing gave
 * the size, and S3 copies the headers and metadata itself); a streamed processor asks GetObject and PutObject; the listing's ETag is the
 * ledger version, so nothing asks S3 again for it; a re-run of done objects costs no request per
 * object at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useTestSandbox } from '../../helpers/sandbox.js';
import { type BatchWorld, createBatchWorld } from './batch-world.js';

const OBJECTS = 6;

const sandbox = useTestSandbox();

/** S3 requests of the run, without the once-per-run ones (listing, bucket regions). */
function perObjectRequests(counts: Record<string, number>): Record<string, number> {
  const once = new Set(['s3:ListObjectsV2', 's3:HeadBucket', 's3:GetBucketLocation']);
  return Object.fromEntries(
    Object.entries(counts).filter(([name]) => name.startsWith('s3:') && !once.has(name)),
  );
}

describe('S3 requests per object in a batch', () => {
  let world: BatchWorld;
  afterEach(() => world.close());

  async function runCounted(): Promise<Record<string, number>> {
    sandbox.server.requestCounts(true);
    await world.run();
    return sandbox.server.requestCounts(true);
  }

  it('copies each object with one CopyObject, and a re-run asks nothing per object', async () => {
    world = await createBatchWorld(sandbox);
    for (let i = 0; i < OBJECTS; i++) await world.put(`in/${i}.txt`, `object ${i}`, 'text/plain');

    const counts = await runCounted();
    expect(perObjectRequests(counts)).toEqual({ 's3:CopyObject': OBJECTS });
    expect(counts['s3:ListObjectsV2']).toBe(1);

    expect(perObjectRequests(await runCounted())).toEqual({});
  });

  it('streams each object through gzip with one GetObject and one PutObject', async () => {
    world = await createBatchWorld(sandbox, { processor: { type: 'gzip' } });
    for (let i = 0; i < OBJECTS; i++) await world.put(`in/${i}.log`, `line ${i}\n`.repeat(100));

    expect(perObjectRequests(await runCounted())).toEqual({
      's3:GetObject': OBJECTS,
      's3:PutObject': OBJECTS,
    });
  });

  it('under permanent 503s costs at most SDK attempts x pipeline attempts GETs per object, then records it failed', async () => {
    // The world's aws.maxAttempts is 2 (the SDK's own retries of one request); the pipeline gives
    // each object 3 attempts. The bound of docs/processors.md: 2 x 3 = 6 GETs, never more.
    world = await createBatchWorld(sandbox, { processor: { type: 'gzip' } });
    for (let i = 0; i < OBJECTS; i++) await world.put(`in/${i}.log`, `line ${i}\n`);
    sandbox.server.requestCounts(true);
    sandbox.setFaults('s3:GetObject=503');
    try {
      const report = await world.run({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
      expect(report).toMatchObject({ processed: 0, failed: OBJECTS });
      expect(report.failures.every((f) => f.attempts === 3)).toBe(true);
    } finally {
      sandbox.setFaults('');
    }
    expect(perObjectRequests(sandbox.server.requestCounts(true))).toEqual({
      's3:GetObject': OBJECTS * 2 * 3,
    });
    expect(await world.ledgerCounts()).toEqual({ failed: OBJECTS });
  });
});
