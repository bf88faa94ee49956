/**
 * Copies an object inside S3, without downloading it: CopyObject up to 5 GiB, UploadPartCopy
 * above (S3's CopyObject limit), aborted on failure so no partial output is ever visible. A copy is
 * the source object as it is, headers and user metadata included (like `aws s3 cp` and rclone);
 * the ledger, not the copy, records which source key and ETag it came from.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { unquoteEtag } from '../core/source-object.js';
import { type DestinationSettings, destinationFields } from './output-writer.js';

/** CopyObject's limit: larger objects are copied part by part. */
export const MAX_COPY_OBJECT_BYTES = 5 * 1024 ** 3;
/** Part size of a multipart copy, in bytes (grown when the object would need more than 10,000 parts). */
export const COPY_PART_SIZE_BYTES = 512 * 1024 ** 2;
const MAX_PARTS = 10_000;
/** Parts copied at once. */
const COPY_PART_CONCURRENCY = 4;

export interface ServerSideCopyOptions {
  /** A client that can read the source and write the destination (the same credentials). */
  s3: S3Client;
  /** The source version; `size` and `etag` as listed (both known: one request, no HeadObject). */
  source: { bucket: string; key: string; etag?: string; size?: number };
  destination: { bucket: string; key: string };
  settings: DestinationSettings;
  signal: AbortSignal;
  /** Called with the upload ID when a multipart copy starts (for tests and logs). */
  onMultipartStart?: (uploadId: string) => void;
  /** Largest size copied with one CopyObject. Default 5 GiB; lowered by tests. */
  maxSingleCopyBytes?: number;
  /** Part size of a multipart copy, in bytes. Default 512 MiB. */
  partSizeBytes?: number;
}

/** S3 wants `bucket/key` URL-encoded, slashes kept (the version is pinned by CopySourceIfMatch). */
export function copySourceOf(source: ServerSideCopyOptions['source']): string {
  const key = encodeURIComponent(source.key).replace(/%2F/g, '/');
  return `${source.bucket}/${key}`;
}

/**
 * Whether the copy is one CopyObject: nothing of it can be left behind half-written, so there is
 * no pending upload to note in the ledger first.
 */
export function copiesInOneRequest(
  source: ServerSideCopyOptions['source'],
  maxSingleCopyBytes = MAX_COPY_OBJECT_BYTES,
): boolean {
  return source.size !== undefined && source.etag !== undefined && source.size <= maxSingleCopyBytes;
}

/**
 * Copies the source version to the destination; resolves with the bytes copied.
 *
 * When the caller knows the size (a listing or an event gives it) and it fits one CopyObject, that
 * is the only request: S3 copies the source's headers and user metadata as they are
 * (`MetadataDirective: COPY`), so nothing has to be asked first. Only a multipart copy (or an
 * unknown size) needs a HeadObject, because CreateMultipartUpload must be sent those headers.
 */
export async function serverSideCopy(options: ServerSideCopyOptions): Promise<number> {
  const { s3, source, destination, signal } = options;
  const maxSingleCopyBytes = options.maxSingleCopyBytes ?? MAX_COPY_OBJECT_BYTES;
  if (copiesInOneRequest(source, maxSingleCopyBytes)) {
    // Known by copiesInOneRequest.
    await s3.send(
      new CopyObjectCommand({
        Bucket: destination.bucket,
        Key: destination.key,
        CopySource: copySourceOf(source),
        // Pin the exact version listed: a newer write in between fails with 412, not a wrong copy.
        CopySourceIfMatch: source.etag,
        MetadataDirective: 'COPY',
        ...destinationFields(options.settings),
      }),
      { abortSignal: signal },
    );
    return source.size!;
  }
  const head = await s3.send(
    new HeadObjectCommand({
      Bucket: source.bucket,
      Key: source.key,
      IfMatch: source.etag,
    }),
    { abortSignal: signal },
  );
  const size = head.ContentLength ?? 0;
  const common = {
    Bucket: destination.bucket,
    Key: destination.key,
    ContentType: head.ContentType ?? 'application/octet-stream',
    ContentEncoding: head.ContentEncoding,
    CacheControl: head.CacheControl,
    ContentDisposition: head.ContentDisposition,
    Metadata: head.Metadata,
    ...destinationFields(options.settings),
  };
  const etag = source.etag ?? unquoteEtag(head.ETag);
  if (size <= maxSingleCopyBytes) {
    await s3.send(
      new CopyObjectCommand({
        ...common,
        CopySource: copySourceOf(source),
        CopySourceIfMatch: etag,
        MetadataDirective: 'REPLACE',
      }),
      { abortSignal: signal },
    );
    return size;
  }
  const created = await s3.send(new CreateMultipartUploadCommand(common), { abortSignal: signal });
  const uploadId = created.UploadId!;
  options.onMultipartStart?.(uploadId);
  try {
    const partSize = Math.max(options.partSizeBytes ?? COPY_PART_SIZE_BYTES, Math.ceil(size / MAX_PARTS));
    const limit = pLimit(COPY_PART_CONCURRENCY);
    const partCount = Math.ceil(size / partSize);
    const parts = await Promise.all(
      Array.from({ length: partCount }, (_, index) =>
        limit(async () => {
          const start = index * partSize;
          const end = Math.min(size, start + partSize) - 1;
          const result = await s3.send(
            new UploadPartCopyCommand({
              Bucket: destination.bucket,
              Key: destination.key,
              UploadId: uploadId,
              PartNumber: index + 1,
              CopySource: copySourceOf(source),
              CopySourceIfMatch: etag,
              CopySourceRange: `bytes=${start}-${end}`,
            }),
            { abortSignal: signal },
          );
          return { PartNumber: index + 1, ETag: result.CopyPartResult?.ETag };
        }),
      ),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: destination.bucket,
        Key: destination.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
      { abortSignal: signal },
    );
    return size;
  } catch (error) {
    await s3
      .send(
        new AbortMultipartUploadCommand({
          Bucket: destination.bucket,
          Key: destination.key,
          UploadId: uploadId,
        }),
      )
      .catch(() => undefined);
    throw error;
  }
}
