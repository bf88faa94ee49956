import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createObjectFilter } from '../../../src/core/object-filter.js';
import { listBatchObjects } from '../../../src/sources/batch-lister.js';
import { readAhead } from '../../../src/sources/batch-read-ahead.js';

const s3Mock = mockClient(S3Client);
afterEach(() => s3Mock.reset());

function page(keys: string[], next?: string) {
  return {
    Contents: keys.map((Key, i) => ({ Key, ETag: `"etag-${Key}"`, Size: i, LastModified: new Date(0) })),
    IsTruncated: next !== undefined,
    NextContinuationToken: next,
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('listing a bucket for a batch', () => {
  it('follows continuation tokens across pages and strips ETag quotes', async () => {
    s3Mock
      .on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves(page(['p/a', 'p/b'], 't1'))
      .on(ListObjectsV2Command, { ContinuationToken: 't1' })
      .resolves(page(['p/c']));
    const objects = await collect(listBatchObjects({ s3: new S3Client({}), bucket: 'b', prefix: 'p/' }));
    expect(objects.map((o) => o.key)).toEqual(['p/a', 'p/b', 'p/c']);
    expect(objects[0]).toEqual({
      bucket: 'b',
      key: 'p/a',
      etag: 'etag-p/a',
      size: 0,
      lastModified: new Date(0),
    });
    expect(s3Mock.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toMatchObject({
      Bucket: 'b',
      Prefix: 'p/',
      MaxKeys: 1000,
    });
  });

  it('skips folder markers and reports what the filter leaves out', async () => {
    s3Mock.on(ListObjectsV2Command).resolves(page(['p/', 'p/dir/', 'p/a.gz', 'p/b.txt']));
    const filtered: string[] = [];
    const filter = createObjectFilter({ bucket: 'b', prefix: 'p/', include: ['**/*.gz'], exclude: [] });
    const objects = await collect(
      listBatchObjects({
        s3: new S3Client({}),
        bucket: 'b',
        prefix: 'p/',
        filter,
        onFiltered: (o, why) => filtered.push(`${o.key}:${why}`),
      }),
    );
    expect(objects.map((o) => o.key)).toEqual(['p/a.gz']);
    expect(filtered).toEqual(['p/:folder-marker', 'p/dir/:folder-marker', 'p/b.txt:not-included']);
  });

  it('skips folder markers even without a filter', async () => {
    s3Mock.on(ListObjectsV2Command).resolves(page(['x/', 'x/y']));
    const objects = await collect(listBatchObjects({ s3: new S3Client({}), bucket: 'b' }));
    expect(objects.map((o) => o.key)).toEqual(['x/y']);
  });

  it('surfaces a listing error to the consumer', async () => {
    s3Mock
      .on(ListObjectsV2Command)
      .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(collect(listBatchObjects({ s3: new S3Client({}), bucket: 'b' }))).rejects.toThrow(
      'Access Denied',
    );
  });
});

describe('reading ahead of the consumer', () => {
  it('pulls at most capacity items ahead of a consumer that is not reading', async () => {
    let produced = 0;
    async function* source() {
      for (let i = 0; i < 100; i++) {
        produced++;
        yield i;
      }
    }
    const ahead = readAhead(source(), 5);
    expect((await ahead.next()).value).toBe(0);
    // Let the producer run as far as it may.
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    // One item taken plus five buffered, plus the one the producer holds while waiting for room.
    expect(produced).toBeLessThanOrEqual(7);
    expect(await collect(ahead)).toHaveLength(99);
    expect(produced).toBe(100);
  });

  it('stops the source when the consumer stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const item of readAhead(source(), 3)) if (item === 2) break;
    expect(closed).toBe(true);
  });

  it('delivers buffered items before the source error', async () => {
    async function* source() {
      yield 1;
      yield 2;
      throw new Error('listing broke');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(source(), 10)) seen.push(item);
      })(),
    ).rejects.toThrow('listing broke');
    expect(seen).toEqual([1, 2]);
  });

  it('rejects a capacity that is not a positive integer', async () => {
    await expect(readAhead((async function* () {})(), 0).next()).rejects.toThrow(
      'readAhead capacity must be a positive integer, got 0',
    );
  });
});

describe('listing through transient failures', () => {
  it('retries a page that failed with a 503 and carries on from the same token', async () => {
    const unavailable = Object.assign(new Error('Please reduce your request rate.'), {
      name: 'SlowDown',
      $metadata: { httpStatusCode: 503 },
    });
    s3Mock
      .on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves(page(['p/a'], 't1'))
      .on(ListObjectsV2Command, { ContinuationToken: 't1' })
      .rejectsOnce(unavailable)
      .resolves(page(['p/b']));
    const objects = await collect(
      listBatchObjects({ s3: new S3Client({}), bucket: 'b', retry: { baseDelayMs: 1, maxDelayMs: 2 } }),
    );
    expect(objects.map((o) => o.key)).toEqual(['p/a', 'p/b']);
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(3);
  });

  it('gives up at once on AccessDenied', async () => {
    s3Mock.on(ListObjectsV2Command).rejects(
      Object.assign(new Error('Access Denied'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(collect(listBatchObjects({ s3: new S3Client({}), bucket: 'b' }))).rejects.toThrow(
      'Access Denied',
    );
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(1);
  });
});
