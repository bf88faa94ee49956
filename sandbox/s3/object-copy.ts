/**
 * CopyObject (also across buckets and accounts) and the copy-source resolution UploadPartCopy shares:
 * the caller needs s3:GetObject on the source and s3:PutObject on the destination.
 */

import { checksumField, parseChecksumAlgorithm } from '../core/checksums.js';
import { AwsError } from '../core/errors.js';
import type { ServiceRequest, ServiceResponse } from '../core/types.js';
import {
  attributesFromRequest,
  authorizedWrite,
  encryptionHeaders,
  singlePartObject,
} from './object-attributes.js';
import { commitObject } from './object-commit.js';
import { assertRetrievable } from './object-reads.js';
import { parseCopySource } from './object-writes.js';
import { checkCopySourceConditions, checkWriteConditions } from './preconditions.js';
import { authorize, findBucket, header, missingKeyError, type S3Call, type S3Env } from './s3-access.js';
import { noSuchKey } from './s3-errors.js';
import type { ObjectAttributes, ObjectRecord } from './s3-state.js';
import { isoTime, xmlResponse } from './s3-xml.js';
import { useObjectKey } from './sse-kms.js';
import { findVersion } from './versioning.js';

/** The source object of a copy, authorized (s3:GetObject) and checked against the copy-source conditions. */
export function resolveCopySource(env: S3Env, request: ServiceRequest): ObjectRecord {
  const source = parseCopySource(header(request, 'x-amz-copy-source') ?? '');
  // Copies across regions are allowed: only the destination must match the signing region.
  const bucket = findBucket(env, request, source.bucket, false, 'x-amz-source-expected-bucket-owner');
  authorize(env, request, bucket, source.versionId ? 's3:GetObjectVersion' : 's3:GetObject', source.key);
  let object: ObjectRecord | undefined;
  if (source.versionId) {
    const version = findVersion(bucket, source.key, source.versionId);
    if (version?.kind === 'marker')
      throw new AwsError(
        'InvalidRequest',
        'The source of a copy request may not specifically refer to a delete marker by version id.',
      );
    object = version?.object;
  } else object = bucket.objects.get(source.key);
  if (!object) throw missingKeyError(env, request, bucket, noSuchKey(source.key));
  assertRetrievable(object);
  useObjectKey(env, request, bucket, source.key, object.sse, 'kms:Decrypt');
  checkCopySourceConditions(request, object);
  return object;
}

function copiedAttributes(
  request: ServiceRequest,
  source: ObjectRecord,
  fromRequest: ObjectAttributes,
): ObjectAttributes {
  const directive = header(request, 'x-amz-metadata-directive') ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE')
    throw new AwsError('InvalidArgument', 'Unknown metadata directive.', 400, {
      ArgumentName: 'x-amz-metadata-directive',
      ArgumentValue: directive,
    });
  const tagging = header(request, 'x-amz-tagging-directive') ?? 'COPY';
  const attributes = { ...fromRequest };
  if (directive === 'COPY') {
    attributes.contentType = source.contentType;
    attributes.contentHeaders = source.contentHeaders;
    attributes.userMetadata = source.userMetadata;
  }
  if (tagging === 'COPY') attributes.tags = source.tags;
  return attributes;
}

export async function copyObject(call: S3Call): Promise<ServiceResponse> {
  const { env, request, key } = call;
  const bucket = authorizedWrite(call);
  const source = resolveCopySource(env, request);
  const attributes = copiedAttributes(request, source, attributesFromRequest(env, request, bucket, key));
  const sameObject = bucket.objects.get(key) === source;
  const changesSomething =
    header(request, 'x-amz-metadata-directive') === 'REPLACE' ||
    header(request, 'x-amz-storage-class') !== undefined ||
    header(request, 'x-amz-server-side-encryption') !== undefined ||
    header(request, 'x-amz-website-redirect-location') !== undefined;
  if (sameObject && !changesSomething)
    throw new AwsError(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  checkWriteConditions(request, key, bucket.objects.get(key));
  const checksumAlgorithm =
    parseChecksumAlgorithm(header(request, 'x-amz-checksum-algorithm'), 'x-amz-checksum-algorithm') ??
    source.checksum?.algorithm;
  const body = await env.store.ingest(env.store.read(source.segments, 0, source.size), { checksumAlgorithm });
  const record = singlePartObject(call, bucket, attributes, body, checksumAlgorithm);
  commitObject(env, request, bucket, record, 'ObjectCreated:Copy');
  return xmlResponse(
    'CopyObjectResult',
    [
      ['ETag', record.etag],
      ['LastModified', isoTime(record.lastModifiedMs)],
      ...(record.checksum
        ? ([
            ['ChecksumType', record.checksum.type],
            [checksumField(record.checksum.algorithm), record.checksum.value],
          ] as Array<[string, string]>)
        : []),
    ],
    {
      ...encryptionHeaders(record),
      ...(record.versionId ? { 'x-amz-version-id': record.versionId } : {}),
      ...(source.versionId ? { 'x-amz-copy-source-version-id': source.versionId } : {}),
    },
  );
}
