/**
 * The request headers that describe an object (Content-Type and the other content headers, user
 * metadata, storage class, server-side encryption, canned ACL, tags) and the response headers
 * GetObject/HeadObject return for them.
 */

import { type ChecksumAlgorithm, checksumHeader } from '../core/checksums.js';
import { AwsError } from '../core/errors.js';
import type { ServiceRequest } from '../core/types.js';
import type { IngestResult } from './blob-store.js';
import { CANNED_ACLS } from './buckets.js';
import { lockFromRequest } from './object-lock.js';
import { authorizedBucket, header, type S3Call, type S3Env, writeConditionContext } from './s3-access.js';
import type { BucketRecord, ObjectAttributes, ObjectRecord } from './s3-state.js';
import { httpTime } from './s3-xml.js';
import { useObjectKey } from './sse-kms.js';

const CONTENT_HEADERS = [
  'content-encoding',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
];
const STORAGE_CLASSES = new Set([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
]);
const SSE_ALGORITHMS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);
/** S3's limit on the user-defined metadata of one object, in bytes (names plus values). */
const MAX_USER_METADATA_BYTES = 2048;
/** S3's limit on key length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

export function assertKeyLength(key: string): void {
  const size = Buffer.byteLength(key);
  if (size > MAX_KEY_BYTES)
    throw new AwsError('KeyTooLongError', 'Your key is too long', 400, {
      Size: String(size),
      MaxSizeAllowed: String(MAX_KEY_BYTES),
    });
}

/**
 * The canned ACL of a request, checked against the bucket's Object Ownership. With
 * BucketOwnerEnforced (ACLs disabled), S3 accepts only ACLs that give the bucket owner full control
 * and nobody else anything: `bucket-owner-full-control` from anyone, and `private` from the bucket
 * owner's own account (where the writer is the bucket owner, so it is a no-op).
 */
export function requestedAcl(request: ServiceRequest, bucket: BucketRecord): string | undefined {
  const acl = header(request, 'x-amz-acl');
  const grants = Object.keys(request.headers).some((name) => name.startsWith('x-amz-grant-'));
  if (acl === undefined && !grants) return undefined;
  const ownerOnly =
    acl === 'bucket-owner-full-control' ||
    (acl === 'private' && request.caller.accountId === bucket.ownerAccountId);
  if (bucket.ownership === 'BucketOwnerEnforced' && (grants || !ownerOnly))
    throw new AwsError('AccessControlListNotSupported', 'The bucket does not allow ACLs', 400);
  if (acl !== undefined && !CANNED_ACLS.includes(acl))
    throw new AwsError('InvalidArgument', 'Invalid canned ACL', 400, {
      ArgumentName: 'x-amz-acl',
      ArgumentValue: acl,
    });
  return acl;
}

/**
 * The encryption a write asks for: its `x-amz-server-side-encryption` headers, else the bucket's
 * default encryption, else SSE-S3 (every S3 object is encrypted at rest since January 2023).
 */
function serverSideEncryption(request: ServiceRequest, bucket: BucketRecord): ObjectAttributes['sse'] {
  const algorithm = header(request, 'x-amz-server-side-encryption');
  const kmsKeyId = header(request, 'x-amz-server-side-encryption-aws-kms-key-id');
  const bucketKey = header(request, 'x-amz-server-side-encryption-bucket-key-enabled');
  if (algorithm !== undefined && !SSE_ALGORITHMS.has(algorithm))
    throw new AwsError('InvalidArgument', 'The encryption method specified is not supported', 400, {
      ArgumentName: 'x-amz-server-side-encryption',
      ArgumentValue: algorithm,
    });
  const kms = algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse';
  if (kmsKeyId !== undefined && !kms)
    throw new AwsError(
      'InvalidArgument',
      'Specifying the x-amz-server-side-encryption-aws-kms-key-id header requires x-amz-server-side-encryption: aws:kms',
      400,
      { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: algorithm ?? 'null' },
    );
  if (algorithm === undefined) return bucket.encryption ?? { algorithm: 'AES256' };
  if (!kms) return { algorithm };
  return {
    algorithm,
    kmsKeyId,
    bucketKeyEnabled: bucketKey === 'true' ? true : undefined,
  };
}

function parseTags(value: string | undefined): Record<string, string> {
  if (!value) return {};
  return Object.fromEntries(new URLSearchParams(value));
}

/**
 * The attributes a PutObject / CreateMultipartUpload / CopyObject request gives its object `key`.
 * Under SSE-KMS the caller must be allowed `kms:GenerateDataKey` on the key.
 */
export function attributesFromRequest(
  env: S3Env,
  request: ServiceRequest,
  bucket: BucketRecord,
  key: string,
): ObjectAttributes {
  const contentHeaders: Record<string, string> = {};
  for (const name of CONTENT_HEADERS) {
    let value = header(request, name);
    // `aws-chunked` describes the transfer, not the object; S3 does not store it.
    if (name === 'content-encoding' && value !== undefined)
      value = value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '' && v !== 'aws-chunked')
        .join(',');
    if (value) contentHeaders[name] = value;
  }
  const redirect = header(request, 'x-amz-website-redirect-location');
  if (redirect) contentHeaders['x-amz-website-redirect-location'] = redirect;
  const userMetadata: Record<string, string> = {};
  let metadataBytes = 0;
  for (const [name, value] of Object.entries(request.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    const metaName = name.slice('x-amz-meta-'.length);
    userMetadata[metaName] = text;
    metadataBytes += Buffer.byteLength(metaName) + Buffer.byteLength(text);
  }
  if (metadataBytes > MAX_USER_METADATA_BYTES)
    throw new AwsError(
      'MetadataTooLarge',
      'Your metadata headers exceed the maximum allowed metadata size',
      400,
      {
        Size: String(metadataBytes),
        MaxSizeAllowed: String(MAX_USER_METADATA_BYTES),
      },
    );
  const storageClass = header(request, 'x-amz-storage-class') ?? 'STANDARD';
  if (!STORAGE_CLASSES.has(storageClass))
    throw new AwsError('InvalidStorageClass', 'The storage class you specified is not valid', 400, {
      StorageClassRequested: storageClass,
    });
  return {
    contentType: header(request, 'content-type') || 'binary/octet-stream',
    contentHeaders,
    userMetadata,
    storageClass,
    sse: useObjectKey(
      env,
      request,
      bucket,
      key,
      serverSideEncryption(request, bucket),
      'kms:GenerateDataKey',
    ),
    acl: requestedAcl(request, bucket) ?? 'private',
    tags: parseTags(header(request, 'x-amz-tagging')),
    ...lockFromRequest(request, bucket),
  };
}

/**
 * The prologue of a write (PutObject, CopyObject, CreateMultipartUpload): the bucket, once
 * s3:PutObject with S3's write condition keys is authorized, for a key of legal length.
 */
export function authorizedWrite(call: S3Call): BucketRecord {
  const bucket = authorizedBucket(call, 's3:PutObject', writeConditionContext(call.request));
  assertKeyLength(call.key);
  return bucket;
}

/** A new object of one part stored as `body`, with a full-object checksum when `checksumAlgorithm` was computed. */
export function singlePartObject(
  call: S3Call,
  bucket: BucketRecord,
  attributes: ObjectAttributes,
  body: IngestResult,
  checksumAlgorithm: ChecksumAlgorithm | undefined,
): ObjectRecord {
  return {
    ...attributes,
    key: call.key,
    size: body.size,
    etag: `"${body.md5.toString('hex')}"`,
    lastModifiedMs: call.env.ctx.now().getTime(),
    checksum:
      checksumAlgorithm && body.checksum
        ? { algorithm: checksumAlgorithm, value: body.checksum, type: 'FULL_OBJECT' }
        : undefined,
    ownerAccountId: objectOwner(call.request, bucket, attributes.acl),
    segments: [body.segment],
  };
}

/** Which account owns a new object: the bucket owner unless the bucket lets writers keep ownership. */
export function objectOwner(request: ServiceRequest, bucket: BucketRecord, acl: string): string {
  if (bucket.ownership === 'BucketOwnerEnforced') return bucket.ownerAccountId;
  if (bucket.ownership === 'BucketOwnerPreferred' && acl === 'bucket-owner-full-control')
    return bucket.ownerAccountId;
  return request.caller.accountId;
}

export function encryptionHeaders(attributes: ObjectAttributes): Record<string, string> {
  const headers: Record<string, string> = { 'x-amz-server-side-encryption': attributes.sse.algorithm };
  if (attributes.sse.kmsKeyId)
    headers['x-amz-server-side-encryption-aws-kms-key-id'] = attributes.sse.kmsKeyId;
  if (attributes.sse.bucketKeyEnabled) headers['x-amz-server-side-encryption-bucket-key-enabled'] = 'true';
  return headers;
}

/** The headers GetObject and HeadObject return for an object. */
export function objectHeaders(object: ObjectRecord, withChecksum: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': httpTime(object.lastModifiedMs),
    'accept-ranges': 'bytes',
    ...object.contentHeaders,
    ...encryptionHeaders(object),
  };
  for (const [name, value] of Object.entries(object.userMetadata)) headers[`x-amz-meta-${name}`] = value;
  if (object.storageClass !== 'STANDARD') headers['x-amz-storage-class'] = object.storageClass;
  if (object.versionId !== undefined) headers['x-amz-version-id'] = object.versionId;
  const tagCount = Object.keys(object.tags).length;
  if (tagCount > 0) headers['x-amz-tagging-count'] = String(tagCount);
  if (object.retention) {
    headers['x-amz-object-lock-mode'] = object.retention.mode;
    headers['x-amz-object-lock-retain-until-date'] = new Date(object.retention.retainUntilMs).toISOString();
  }
  if (object.legalHold !== undefined)
    headers['x-amz-object-lock-legal-hold'] = object.legalHold ? 'ON' : 'OFF';
  if (withChecksum && object.checksum) {
    headers[checksumHeader(object.checksum.algorithm)] = object.checksum.value;
    headers['x-amz-checksum-type'] = object.checksum.type;
  }
  return headers;
}
