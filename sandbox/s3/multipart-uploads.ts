/**
 * Multipart uploads in progress: CreateMultipartUpload, UploadPart (streamed into the blob store),
 * UploadPartCopy (with `x-amz-copy-source-range`) and AbortMultipartUpload.
 */
import { randomBytes } from 'node:crypto';
import { checksumField, checksumHeader, parseChecksumAlgorithm } from '../core/checksums.js';
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import type { IngestResult } from './blob-store.js';
import { receiveBody } from './body-ingest.js';
import { attributesFromRequest, authorizedWrite, encryptionHeaders } from './object-attributes.js';
import { resolveCopySource } from './object-copy.js';
import { assertIntegrityChecksum } from './object-lock.js';
import { authorizedBucket, header, type S3Call, type S3Env } from './s3-access.js';
import { noSuchUpload } from './s3-errors.js';
import type { BucketRecord, MultipartUpload, PartRecord } from './s3-state.js';
import { isoTime, xmlResponse } from './s3-xml.js';
import { useObjectKey } from './sse-kms.js';

/** S3's limit on one part, in bytes. */
const MAX_PART_BYTES = 5 * 1024 ** 3;

/** The upload the call's `uploadId` parameter names, of the call's key, or NoSuchUpload. */
export function findUpload(call: S3Call, bucket: BucketRecord): MultipartUpload {
  const uploadId = call.request.url.searchParams.get('uploadId') ?? '';
  const upload = bucket.uploads.get(uploadId);
  if (!upload || upload.key !== call.key) throw noSuchUpload(uploadId);
  return upload;
}

export function createMultipartUpload(call: S3Call): ServiceResponse {
  const { env, request, key } = call;
  const bucket = authorizedWrite(call);
  const attributes = attributesFromRequest(env, request, bucket, key);
  const checksumAlgorithm = parseChecksumAlgorithm(
    header(request, 'x-amz-checksum-algorithm'),
    'x-amz-checksum-algorithm',
  );
  const typeHeader = header(request, 'x-amz-checksum-type')?.toUpperCase();
  if (typeHeader !== undefined && typeHeader !== 'COMPOSITE' && typeHeader !== 'FULL_OBJECT')
    throw new AwsError('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.', 400);
  const checksumType = typeHeader ?? (checksumAlgorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
  if (checksumType === 'FULL_OBJECT' && (checksumAlgorithm === 'SHA1' || checksumAlgorithm === 'SHA256'))
    throw new AwsError(
      'InvalidRequest',
      `The FULL_OBJECT checksum type cannot be used with the ${checksumAlgorithm.toLowerCase()} checksum algorithm.`,
    );
  const uploadId = randomBytes(48).toString('base64url');
  bucket.uploads.set(uploadId, {
    uploadId,
    key,
    initiatedMs: env.ctx.now().getTime(),
    initiatorArn: request.caller.arn,
    initiatorAccountId: request.caller.accountId,
    attributes,
    checksumAlgorithm,
    checksumType: checksumAlgorithm ? (checksumType as 'COMPOSITE' | 'FULL_OBJECT') : undefined,
    parts: new Map(),
  });
  const headers = encryptionHeaders(attributes);
  if (checksumAlgorithm) {
    headers['x-amz-checksum-algorithm'] = checksumAlgorithm;
    headers['x-amz-checksum-type'] = checksumType;
  }
  return xmlResponse(
    'InitiateMultipartUploadResult',
    [
      ['Bucket', bucket.name],
      ['Key', key],
      ['UploadId', uploadId],
    ],
    headers,
  );
}

function parsePartNumber(value: string | null): number {
  const partNumber = Number(value);
  if (value === null || !/^\d+$/.test(value) || partNumber < 1 || partNumber > 10000)
    throw new AwsError(
      'InvalidArgument',
      'Part number must be an integer between 1 and 10000, inclusive',
      400,
      {
        ArgumentName: 'partNumber',
        ArgumentValue: value ?? '',
      },
    );
  return partNumber;
}

/**
 * The prologue of UploadPart and UploadPartCopy: the bucket, the upload (whose data key KMS must
 * decrypt for the caller, as S3 encrypts each part with it) and the part number.
 */
function partTarget(call: S3Call): { bucket: BucketRecord; upload: MultipartUpload; partNumber: number } {
  const bucket = authorizedBucket(call, 's3:PutObject');
  const upload = findUpload(call, bucket);
  useObjectKey(call.env, call.request, bucket, call.key, upload.attributes.sse, 'kms:Decrypt');
  return { bucket, upload, partNumber: parsePartNumber(call.request.url.searchParams.get('partNumber')) };
}

/** The record of a part received as `body`; its checksum is kept when it is the upload's algorithm. */
function partRecord(env: S3Env, partNumber: number, body: IngestResult, keepChecksum: boolean): PartRecord {
  return {
    partNumber,
    etag: `"${body.md5.toString('hex')}"`,
    size: body.size,
    lastModifiedMs: env.ctx.now().getTime(),
    segment: body.segment,
    checksum: keepChecksum ? body.checksum : undefined,
  };
}

/** Stores a received part, replacing an earlier part with the same number, unless the upload ended meanwhile. */
function storePart(env: S3Env, bucket: BucketRecord, upload: MultipartUpload, part: PartRecord): void {
  if (bucket.uploads.get(upload.uploadId) !== upload || env.state.buckets.get(bucket.name) !== bucket) {
    env.store.release([part.segment]);
    throw noSuchUpload(upload.uploadId);
  }
  const previous = upload.parts.get(part.partNumber);
  upload.parts.set(part.partNumber, part);
  if (previous) env.store.release([previous.segment]);
}

export async function uploadPart(call: S3Call): Promise<ServiceResponse> {
  const { env, request } = call;
  const { bucket, upload, partNumber } = partTarget(call);
  assertIntegrityChecksum(request, bucket, upload.attributes, 'Put Part');
  const body = await receiveBody(env, request, {
    maxBytes: MAX_PART_BYTES,
    fallbackAlgorithm: upload.checksumAlgorithm,
  });
  const part = partRecord(env, partNumber, body, body.checksumAlgorithm === upload.checksumAlgorithm);
  storePart(env, bucket, upload, part);
  const headers: Record<string, string> = { etag: part.etag, ...encryptionHeaders(upload.attributes) };
  if (body.checksumAlgorithm && body.checksum)
    headers[checksumHeader(body.checksumAlgorithm)] = body.checksum;
  return { status: 200, headers };
}

/** Parses `x-amz-copy-source-range` (`bytes=first-last`, inclusive) against the source's size. */
function copyRange(value: string | undefined, size: number): { start: number; endExclusive: number } {
  if (value === undefined) return { start: 0, endExclusive: size };
  const match = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  const start = Number(match?.[1]);
  const last = Number(match?.[2]);
  if (!match || last < start || last >= size)
    throw new AwsError(
      'InvalidArgument',
      `Range specified is not valid for source object of size: ${size}`,
      400,
      {
        ArgumentName: 'x-amz-copy-source-range',
        ArgumentValue: value,
      },
    );
  return { start, endExclusive: last + 1 };
}

export async function uploadPartCopy(call: S3Call): Promise<ServiceResponse> {
  const { env, request } = call;
  const { bucket, upload, partNumber } = partTarget(call);
  const source = resolveCopySource(env, request);
  const { start, endExclusive } = copyRange(header(request, 'x-amz-copy-source-range'), source.size);
  const body = await env.store.ingest(env.store.read(source.segments, start, endExclusive), {
    checksumAlgorithm: upload.checksumAlgorithm,
    maxBytes: MAX_PART_BYTES,
  });
  const part = partRecord(env, partNumber, body, true);
  storePart(env, bucket, upload, part);
  return xmlResponse(
    'CopyPartResult',
    [
      ['ETag', part.etag],
      ['LastModified', isoTime(part.lastModifiedMs)],
      [upload.checksumAlgorithm ? checksumField(upload.checksumAlgorithm) : 'ChecksumCRC32', part.checksum],
    ],
    encryptionHeaders(upload.attributes),
  );
}

export function abortMultipartUpload(call: S3Call): ServiceResponse {
  const bucket = authorizedBucket(call, 's3:AbortMultipartUpload');
  const upload = findUpload(call, bucket);
  bucket.uploads.delete(upload.uploadId);
  call.env.store.release([...upload.parts.values()].map((p) => p.segment));
  return { status: 204 };
}
