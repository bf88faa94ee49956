import type { ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createObjectFilter } from '../../../src/core/object-filter.js';
import { listBatchObjects, type ObjectPage, type ObjectPages } from '../../../src/sources/batch-lister.js';
import { readAhead } from '../../../src/sources/batch-read-ahead.js';
import { awsError } from '../../fixtures/aws-error.js';

afterEach(() => {
  vi.useRealTimers();
});

function page(keys: string[], next?: string): ObjectPage {
  return {
    Contents: keys.map((Key, i) => ({ Key, ETag: `"etag-${Key}"`, Size: i, LastModified: new Date(0) })),
    IsTruncated: next !== undefined,
    NextContinuationToken: next,
  };
}

/**
 * A listing that answers each request from `answers` (by continuation token, '' for the first
 * page): a page, or an error to throw; a list of them is used up one per request, the last kept.
 */
function fakePages(answers: Record<string, ObjectPage | Error | Array<ObjectPage | Error>>) {
  const requests: ListObjectsV2CommandInput[] = [];
  const pages: ObjectPages = {
    async listPage(input) {
      requests.push(input);
      const answer = answers[input.ContinuationToken ?? ''];
      if (answer === undefined) throw new Error(`no page for token ${input.ContinuationToken}`);
      const next = Array.isArray(answer) ? (answer.length > 1 ? answer.shift()! : answer[0]!) : answer;
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return { pages, requests };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('listing a bucket for a batch', () => {
  it('follows continuation tokens across pages and strips ETag quotes', async () => {
    const { pages, requests } = fakePages({ '': page(['p/a', 'p/b'], 't1'), t1: page(['p/c']) });
    const objects = await collect(listBatchObjects({ pages, bucket: 'b', prefix: 'p/' }));
    expect(objects.map((o) => o.key)).toEqual(['p/a', 'p/b', 'p/c']);
    expect(objects[0]).toEqual({
      bucket: 'b',
      key: 'p/a',
      etag: 'etag-p/a',
      size: 0,
      lastModified: new Date(0),
    });
    expect(requests).toEqual([
      { Bucket: 'b', Prefix: 'p/', MaxKeys: 1000, ContinuationToken: undefined, StartAfter: undefined },
      { Bucket: 'b', Prefix: 'p/', MaxKeys: 1000, ContinuationToken: 't1', StartAfter: undefined },
    ]);
  });

  it('starts after a key on the first request only', async () => {
    const { pages, requests } = fakePages({ '': page(['p/m'], 't1'), t1: page(['p/n']) });
    await collect(listBatchObjects({ pages, bucket: 'b', prefix: 'p/', startAfter: 'p/l' }));
    expect(requests.map((r) => [r.ContinuationToken, r.StartAfter])).toEqual([
      [undefined, 'p/l'],
      ['t1', undefined],
    ]);
  });

  it('skips folder markers and reports what the filter leaves out', async () => {
    const { pages } = fakePages({ '': page(['p/', 'p/dir/', 'p/a.gz', 'p/b.txt']) });
    const filtered: string[] = [];
    const filter = createObjectFilter({ bucket: 'b', prefix: 'p/', include: ['**/*.gz'], exclude: [] });
    const objects = await collect(
      listBatchObjects({
        pages,
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
    const { pages } = fakePages({ '': page(['x/', 'x/y']) });
    const objects = await collect(listBatchObjects({ pages, bucket: 'b' }));
    expect(objects.map((o) => o.key)).toEqual(['x/y']);
  });

  it('surfaces a listing error to the consumer', async () => {
    const { pages } = fakePages({ '': awsError('AccessDenied', 403, 'Access Denied') });
    await expect(collect(listBatchObjects({ pages, bucket: 'b' }))).rejects.toThrow('Access Denied');
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
  it('retries a page that failed with a 503 after a backoff and carries on from the same token', async () => {
    vi.useFakeTimers();
    const { pages, requests } = fakePages({
      '': page(['p/a'], 't1'),
      t1: [awsError('SlowDown', 503, 'Please reduce your request rate.'), page(['p/b'])],
    });
    const listing = collect(
      listBatchObjects({
        pages,
        bucket: 'b',
        retry: { baseDelayMs: 1000, maxDelayMs: 1000 },
        random: () => 0.5,
      }),
    );
    // The retry waits half the backoff (the jitter drawn is 0.5): nothing is asked again before.
    await vi.advanceTimersByTimeAsync(499);
    expect(requests.map((r) => r.ContinuationToken)).toEqual([undefined, 't1']);
    await vi.advanceTimersByTimeAsync(1);
    expect((await listing).map((o) => o.key)).toEqual(['p/a', 'p/b']);
    expect(requests.map((r) => r.ContinuationToken)).toEqual([undefined, 't1', 't1']);
  });

  it('gives up on a page after its attempts, with the last error', async () => {
    vi.useFakeTimers();
    const { pages, requests } = fakePages({
      '': awsError('InternalError', 500, 'We encountered an internal error.'),
    });
    const listing = collect(
      listBatchObjects({ pages, bucket: 'b', retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 } }),
    );
    const settled = expect(listing).rejects.toThrow('We encountered an internal error.');
    await vi.runAllTimersAsync();
    await settled;
    expect(requests).toHaveLength(3);
  });

  it('gives up at once on AccessDenied', async () => {
    const { pages, requests } = fakePages({ '': awsError('AccessDenied', 403, 'Access Denied') });
    await expect(collect(listBatchObjects({ pages, bucket: 'b' }))).rejects.toThrow('Access Denied');
    expect(requests).toHaveLength(1);
  });
});
