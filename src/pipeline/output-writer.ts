/**
 * Writes outputs to the destination bucket: complete or not at all. Streams go through lib-storage's
 * Upload (one PutObject below the part size, multipart above, aborted on any failure); every output
 * carries the source's key and ETag as metadata, the ACL only when configured, SSE-KMS when configured.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { ObjectCannedACL, PutObjectCommandInput, S3Client, StorageClass } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Connection } from '../config/resolved-config.js';

/** Metadata names (after `x-amz-meta-`) that tie an output to its source. */
export const SOURCE_KEY_METADATA = 'bucketbridge-source-key';
export const SOURCE_ETAG_METADATA = 'bucketbridge-source-etag';

const MIB = 1024 * 1024;
/** Size of each part of a multipart upload, in bytes, unless the output is very large: 8 MiB (S3's minimum is 5 MiB). */
export const UPLOAD_PART_SIZE_BYTES = 8 * MIB;
/** Parts of one upload in flight at once, at the usual part size. */
export const UPLOAD_QUEUE_SIZE = 4;
/** S3's limits on a multipart upload: parts per upload and bytes per part. */
const MAX_UPLOAD_PARTS = 10_000;
const MAX_PART_SIZE_BYTES = 5 * 1024 * MIB;
/**
 * How much larger than expected an output may turn out and still fit in S3's 10,000 parts (gzip of
 * incompressible data grows by a few bytes per 16 KiB; a processor's output may differ more).
 */
const EXPECTED_SIZE_HEADROOM = 1.25;
/** Bytes of parts in flight per upload that the queue is sized to; a single larger part still goes. */
const UPLOAD_BUFFER_BUDGET_BYTES = UPLOAD_QUEUE_SIZE * UPLOAD_PART_SIZE_BYTES;

/** Part size and parts in flight of one upload. */
export interface UploadShape {
  partSizeBytes: number;
  queueSize: number;
}

/**
 * The part size and queue of an upload expected to be about `expectedBytes` long (unknown: the
 * usual 8 MiB × 4). Up to 62.5 GiB the parts stay 8 MiB, so memory does not grow with the object;
 * above, the parts grow (whole MiB) so that a quarter more than expected still fits in S3's 10,000
 * parts, and fewer go at once so that the bytes in flight stay about 32 MiB.
 */
export function uploadShape(expectedBytes: number | undefined): UploadShape {
  const needed = Math.ceil(((expectedBytes ?? 0) * EXPECTED_SIZE_HEADROOM) / MAX_UPLOAD_PARTS / MIB) * MIB;
  const partSizeBytes = Math.min(MAX_PART_SIZE_BYTES, Math.max(UPLOAD_PART_SIZE_BYTES, needed));
  const queueSize = Math.max(
    1,
    Math.min(UPLOAD_QUEUE_SIZE, Math.floor(UPLOAD_BUFFER_BUDGET_BYTES / partSizeBytes)),
  );
  return { partSizeBytes, queueSize };
}

/** Destination settings applied to every output. */
export type DestinationSettings = Pick<Connection['destination'], 'acl' | 'kmsKeyArn' | 'storageClass'>;

/**
 * User metadata of an output. S3 metadata must be US-ASCII, so the source key is percent-encoded
 * (encodeURIComponent); decodeURIComponent gives it back.
 */
export function sourceMetadata(sourceKey: string, sourceEtag: string | undefined): Record<string, string> {
  const metadata: Record<string, string> = { [SOURCE_KEY_METADATA]: encodeURIComponent(sourceKey) };
  if (sourceEtag !== undefined) metadata[SOURCE_ETAG_METADATA] = sourceEtag;
  return metadata;
}

/** The request fields every write of a connection shares (ACL, encryption, storage class). */
export function destinationFields(
  settings: DestinationSettings,
): Pick<PutObjectCommandInput, 'ACL' | 'ServerSideEncryption' | 'SSEKMSKeyId' | 'StorageClass'> {
  const fields: Pick<PutObjectCommandInput, 'ACL' | 'ServerSideEncryption' | 'SSEKMSKeyId' | 'StorageClass'> =
    {};
  if (settings.acl !== undefined) fields.ACL = settings.acl as ObjectCannedACL;
  if (settings.kmsKeyArn !== undefined) {
    fields.ServerSideEncryption = 'aws:kms';
    fields.SSEKMSKeyId = settings.kmsKeyArn;
  }
  if (settings.storageClass !== undefined) fields.StorageClass = settings.storageClass as StorageClass;
  return fields;
}

/**
 * Bytes a stream stage of the pipeline buffers before it pushes back: 1 MiB. Node's default
 * (16 KiB) is smaller than one socket read (up to 64 KiB), so with it every chunk of a download
 * paused and resumed the source (docs/performance.md, large objects: the A/B figures).
 */
export const STREAM_HIGH_WATER_MARK_BYTES = 1024 * 1024;

/** Counts the bytes that pass through (buffering up to {@link STREAM_HIGH_WATER_MARK_BYTES} each side). */
export class ByteCounter extends Transform {
  bytes = 0;
  constructor() {
    super({ highWaterMark: STREAM_HIGH_WATER_MARK_BYTES });
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

export interface StreamUploadOptions {
  s3: S3Client;
  bucket: string;
  key: string;
  body: NodeJS.ReadableStream;
  contentType: string;
  contentEncoding?: string;
  metadata: Record<string, string>;
  destination: DestinationSettings;
  signal: AbortSignal;
  /** About how many bytes the body will have (an estimate is fine): sizes the parts, see {@link uploadShape}. */
  expectedBytes?: number | undefined;
}

/** Uploads a stream; resolves with the bytes written once S3 has the whole object. */
export async function uploadStream(options: StreamUploadOptions): Promise<number> {
  const counter = new ByteCounter();
  // An error of the source stream must reach the upload so that it aborts instead of completing short.
  options.body.on('error', (error) => counter.destroy(error));
  options.body.pipe(counter);
  const params: PutObjectCommandInput = {
    Bucket: options.bucket,
    Key: options.key,
    Body: counter,
    ContentType: options.contentType,
    Metadata: options.metadata,
    ...destinationFields(options.destination),
  };
  if (options.contentEncoding !== undefined) params.ContentEncoding = options.contentEncoding;
  const shape = uploadShape(options.expectedBytes);
  const upload = new Upload({
    client: options.s3,
    params,
    partSize: shape.partSizeBytes,
    queueSize: shape.queueSize,
    leavePartsOnError: false,
  });
  const onAbort = () => {
    counter.destroy(options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted'));
    void upload.abort().catch(() => undefined);
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    options.signal.throwIfAborted();
    // The stream may fail after Upload read its last chunk but before S3 answered: both must succeed.
    const failed = new Promise<never>((_, reject) => counter.once('error', reject));
    await Promise.race([upload.done(), failed]);
    return counter.bytes;
  } catch (error) {
    await upload.abort().catch(() => undefined);
    throw error;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    if (!counter.destroyed) counter.destroy();
  }
}
