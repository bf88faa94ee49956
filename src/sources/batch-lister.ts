/**
 * The batch source: every object under the connection's prefix, listed page by page with
 * ListObjectsV2 and filtered, as an async iterable. Only the current pages are ever in memory.
 */
import {
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { classifyAwsError } from '../aws/index.js';
import type { FilterVerdict, ObjectFilter } from '../core/object-filter.js';
import { backoffDelayMs, type RetryOptions, sleepMs } from '../core/retry.js';
import { type SourceObject, unquoteEtag } from '../core/source-object.js';
import { readAhead } from './batch-read-ahead.js';

/** One page of a listing: what the lister reads of a ListObjectsV2 answer. */
export type ObjectPage = Pick<
  ListObjectsV2CommandOutput,
  'Contents' | 'IsTruncated' | 'NextContinuationToken'
>;

/** What the lister needs of S3: one ListObjectsV2 page at a time (a small fake in unit tests). */
export interface ObjectPages {
  listPage(input: ListObjectsV2CommandInput, signal?: AbortSignal): Promise<ObjectPage>;
}

/** The pages of a bucket through an S3 client (in the bucket's region). */
export function s3ObjectPages(s3: S3Client): ObjectPages {
  return {
    listPage: (input, signal) => s3.send(new ListObjectsV2Command(input), { abortSignal: signal }),
  };
}

/** Options of the batch lister. */
export interface BatchListerOptions {
  /** Where pages come from: `s3ObjectPages(client)` for the source bucket. */
  pages: ObjectPages;
  bucket: string;
  /** Only keys under this prefix are listed. Default: the whole bucket. */
  prefix?: string;
  /** Decides which listed objects are processed (see createObjectFilter). Default: all but folder markers. */
  filter?: ObjectFilter;
  /** List keys after this one only (ListObjectsV2 `StartAfter`): where an earlier listing stopped. */
  startAfter?: string;
  /** Keys per ListObjectsV2 page, 1..1000. Default 1000 (the S3 maximum). */
  pageSize?: number;
  /** Objects listed ahead of the consumer before the listing pauses. Default 2000 (two pages). */
  readAheadCount?: number;
  /** Called for each object the filter leaves out, with the reason. */
  onFiltered?: (object: SourceObject, verdict: Exclude<FilterVerdict, undefined>) => void;
  /** Retries of a page after a transient failure (throttling, 5xx, resets), on top of the SDK's own. */
  retry?: RetryOptions;
  /** The backoff's jitter source, in [0, 1). Default Math.random; fixed by tests. */
  random?: () => number;
  signal?: AbortSignal;
}

const folderMarkersOnly: ObjectFilter = (object) => (object.key.endsWith('/') ? 'folder-marker' : undefined);

/** One listed page: the objects the filter kept, and the page's last key (kept or not). */
export interface ListedPage {
  objects: SourceObject[];
  /** Where the next listing resumes (`startAfter`); undefined for an empty page. */
  lastKey: string | undefined;
}

/** The listing page by page, for a caller that records where it got to (a shared run's lister). */
export async function* listBatchPages(options: BatchListerOptions): AsyncGenerator<ListedPage> {
  const filter = options.filter ?? folderMarkersOnly;
  let continuationToken: string | undefined;
  do {
    const page = await fetchPage(options, continuationToken);
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    const listed: ListedPage = { objects: [], lastKey: undefined };
    for (const item of page.Contents ?? []) {
      if (item.Key === undefined) continue;
      listed.lastKey = item.Key;
      const object: SourceObject = { bucket: options.bucket, key: item.Key };
      const etag = unquoteEtag(item.ETag);
      if (etag !== undefined) object.etag = etag;
      if (item.Size !== undefined) object.size = item.Size;
      if (item.LastModified !== undefined) object.lastModified = item.LastModified;
      const verdict = filter(object);
      if (verdict === undefined) listed.objects.push(object);
      else options.onFiltered?.(object, verdict);
    }
    yield listed;
  } while (continuationToken !== undefined);
}

async function* listPages(options: BatchListerOptions): AsyncGenerator<SourceObject> {
  for await (const page of listBatchPages(options)) yield* page.objects;
}

/** One page, retried with backoff while the failure is transient: a long listing survives a bad minute. */
async function fetchPage(options: BatchListerOptions, token: string | undefined): Promise<ObjectPage> {
  const maxAttempts = options.retry?.maxAttempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await options.pages.listPage(
        {
          Bucket: options.bucket,
          Prefix: options.prefix || undefined,
          MaxKeys: options.pageSize ?? 1000,
          ContinuationToken: token,
          // Only the first request: later pages continue from their token.
          StartAfter: token === undefined ? options.startAfter : undefined,
        },
        options.signal,
      );
    } catch (error) {
      if (attempt >= maxAttempts || classifyAwsError(error) !== 'transient') throw error;
      await sleepMs(backoffDelayMs(attempt, options.retry, options.random), options.signal);
    }
  }
}

/** Lists the objects to process, running ahead of the consumer by at most `readAheadCount` objects. */
export function listBatchObjects(options: BatchListerOptions): AsyncGenerator<SourceObject> {
  return readAhead(listPages(options), options.readAheadCount ?? 2000);
}
