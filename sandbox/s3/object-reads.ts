/**
 * GetObject and HeadObject: authorization before existence, conditional requests, byte ranges
 * (including suffix ranges), `partNumber` reads of multipart objects and `response-*` overrides.
 * Bodies stream from the blob store.
 */
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import { objectHeaders } from './object-attributes.js';
import { checkReadConditions } from './preconditions.js';
import { authorize, findBucket, header, missingKeyError, type S3Call } from './s3-access.js';
import { noSuchKey, noSuchVersion, withHeaders } from './s3-errors.js';
import type { BucketRecord, ObjectRecord } from './s3-state.js';
import { httpTime } from './s3-xml.js';
import { useObjectKey } from './sse-kms.js';
import { findVersion, latestDeleteMarker } from './versioning.js';

/** A satisfiable byte range, inclusive of `end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a Range header for an object of `size` bytes. Returns undefined when the header is absent or
 * not a single well-formed byte range (S3 then serves the whole object) and 'unsatisfiable' for 416.
 */
export function parseRange(value: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (value === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

const OVERRIDES: Array<[string, string]> = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

/**
 * The object a GetObject/HeadObject reads: the current one, or the `versionId` asked for. A key hidden
 * by a delete marker is NoSuchKey and a delete marker asked for by ID is 405, both flagged with
 * `x-amz-delete-marker` as S3 does.
 */
export function readableVersion(call: S3Call, bucket: BucketRecord): ObjectRecord {
  const { env, request, key } = call;
  const versionId = request.url.searchParams.get('versionId');
  if (versionId === null) {
    authorize(env, request, bucket, 's3:GetObject', key);
    const object = bucket.objects.get(key);
    if (object) return object;
    const marker = latestDeleteMarker(bucket, key);
    const error = missingKeyError(env, request, bucket, noSuchKey(key));
    if (marker && error.code === 'NoSuchKey')
      withHeaders(error, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId });
    throw error;
  }
  authorize(env, request, bucket, 's3:GetObjectVersion', key);
  const version = findVersion(bucket, key, versionId);
  if (!version) {
    throw missingKeyError(env, request, bucket, noSuchVersion(key, versionId));
  }
  if (version.kind === 'marker')
    throw withHeaders(
      new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, {
        Method: request.method,
        ResourceType: 'DeleteMarker',
      }),
      {
        'x-amz-delete-marker': 'true',
        'x-amz-version-id': versionId,
        'last-modified': httpTime(version.marker.lastModifiedMs),
      },
    );
  return version.object;
}

/** Archived storage classes whose objects must be restored before they can be read. */
const ARCHIVED = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/** Reading (or copying) an archived object is InvalidObjectState, as in S3 before a restore. */
export function assertRetrievable(object: ObjectRecord): void {
  if (ARCHIVED.has(object.storageClass))
    throw new AwsError(
      'InvalidObjectState',
      "The operation is not valid for the object's storage class",
      403,
      {
        StorageClass: object.storageClass,
      },
    );
}

export async function getObject(call: S3Call): Promise<ServiceResponse> {
  const { env, request, bucketName, key } = call;
  const bucket = findBucket(env, request, bucketName);
  const object = readableVersion(call, bucket);
  if (request.method !== 'HEAD') {
    assertRetrievable(object);
    // HeadObject reports the encryption without using the key; reading the body needs kms:Decrypt.
    useObjectKey(env, request, bucket, key, object.sse, 'kms:Decrypt');
  }
  if (checkReadConditions(request, object))
    return { status: 304, headers: { etag: object.etag, 'last-modified': httpTime(object.lastModifiedMs) } };

  const params = request.url.searchParams;
  const rangeHeader = header(request, 'range');
  let range = parseRange(rangeHeader, object.size);
  const headers = objectHeaders(object, header(request, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED');
  const partNumberParam = params.get('partNumber');
  if (partNumberParam !== null) {
    if (rangeHeader !== undefined)
      throw new AwsError(
        'InvalidRequest',
        'Cannot specify both Range header and partNumber query parameter',
        400,
      );
    const partNumber = Number(partNumberParam);
    const partSizes = object.partSizes ?? [object.size];
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000)
      throw new AwsError(
        'InvalidArgument',
        'Part number must be an integer between 1 and 10000, inclusive',
        400,
        {
          ArgumentName: 'partNumber',
          ArgumentValue: partNumberParam,
        },
      );
    // Past the last part (any part but 1 of an object uploaded in one piece) is InvalidPart.
    if (partNumber > partSizes.length)
      throw new AwsError(
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
        { PartNumber: partNumberParam },
      );
    const start = partSizes.slice(0, partNumber - 1).reduce((sum, n) => sum + n, 0);
    range = { start, end: start + partSizes[partNumber - 1]! - 1 };
    if (object.partSizes) headers['x-amz-mp-parts-count'] = String(object.partSizes.length);
  }
  if (range === 'unsatisfiable')
    throw new AwsError('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: rangeHeader ?? '',
      ActualObjectSize: String(object.size),
    });
  for (const [param, name] of OVERRIDES) {
    const value = params.get(param);
    if (value !== null) headers[name] = value;
  }
  let status = 200;
  let start = 0;
  let endExclusive = object.size;
  if (range && !(partNumberParam !== null && !object.partSizes)) {
    status = 206;
    start = range.start;
    endExclusive = range.end + 1;
    headers['content-range'] = `bytes ${range.start}-${range.end}/${object.size}`;
    // A checksum describes the whole object, not a range of it.
    for (const name of Object.keys(headers)) if (name.startsWith('x-amz-checksum-')) delete headers[name];
  }
  headers['content-length'] = String(endExclusive - start);
  if (request.method === 'HEAD') return { status, headers };
  const body =
    env.store.readBuffered(object.segments, start, endExclusive) ??
    env.store.read(object.segments, start, endExclusive);
  return { status, headers, body };
}
