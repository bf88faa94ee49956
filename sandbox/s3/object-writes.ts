/** PutObject, DeleteObject and DeleteObjects. */

import { createHash } from 'node:crypto';
import { checksumHeader } from '../core/checksums.js';
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import { receiveBody } from './body-ingest.js';
import {
  attributesFromRequest,
  authorizedWrite,
  encryptionHeaders,
  singlePartObject,
} from './object-attributes.js';
import { commitObject, type DeleteOutcome, deleteKey } from './object-commit.js';
import { assertIntegrityChecksum } from './object-lock.js';
import { checkWriteConditions } from './preconditions.js';
import { authorize, findBucket, header, isAllowed, type S3Call } from './s3-access.js';
import { badDigest } from './s3-errors.js';
import { child, children, malformedXml, parseXml, text, type XmlNode, xmlResponse } from './s3-xml.js';

export async function putObject(call: S3Call): Promise<ServiceResponse> {
  const { env, request, key } = call;
  const bucket = authorizedWrite(call);
  const attributes = attributesFromRequest(env, request, bucket, key);
  // Fail fast before receiving a body that could not be stored; checked again at commit.
  checkWriteConditions(request, key, bucket.objects.get(key));
  assertIntegrityChecksum(request, bucket, attributes, 'Put Object');
  const body = await receiveBody(env, request);
  const record = singlePartObject(call, bucket, attributes, body, body.checksumAlgorithm);
  commitObject(env, request, bucket, record, 'ObjectCreated:Put');
  const headers: Record<string, string> = { etag: record.etag, ...encryptionHeaders(record) };
  if (record.versionId) headers['x-amz-version-id'] = record.versionId;
  if (record.checksum) {
    headers[checksumHeader(record.checksum.algorithm)] = record.checksum.value;
    headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  return { status: 200, headers };
}

export function deleteObject(call: S3Call): ServiceResponse {
  const { env, request, bucketName, key } = call;
  const bucket = findBucket(env, request, bucketName);
  const versionId = request.url.searchParams.get('versionId') ?? undefined;
  const action = versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
  authorize(env, request, bucket, action, key);
  const outcome = deleteKey(env, request, bucket, key, versionId);
  const headers: Record<string, string> = {};
  if (outcome.versionId !== undefined) headers['x-amz-version-id'] = outcome.versionId;
  if (outcome.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  return { status: 204, headers };
}

/** S3's limit on the keys of one DeleteObjects request. */
const MAX_DELETE_KEYS = 1000;

export async function deleteObjects(call: S3Call): Promise<ServiceResponse> {
  const { env, request, bucketName } = call;
  const bucket = findBucket(env, request, bucketName);
  const body = await request.readBody();
  const md5 = header(request, 'content-md5');
  if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5)
    throw badDigest('Content-MD5');
  const root = child(parseXml(body), 'Delete');
  if (!root) throw malformedXml();
  const objects = children(root, 'Object');
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw malformedXml();
  const quiet = text(root, 'Quiet')?.trim().toLowerCase() === 'true';
  const results: XmlNode[] = [];
  for (const entry of objects) {
    const key = text(entry, 'Key');
    if (key === undefined) throw malformedXml();
    if (Buffer.byteLength(key) > 1024) {
      results.push([
        'Error',
        [
          ['Key', key],
          ['Code', 'KeyTooLongError'],
          ['Message', 'Your key is too long'],
        ],
      ]);
      continue;
    }
    const versionId = text(entry, 'VersionId') || undefined;
    const action = versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
    if (!isAllowed(env, request, bucket, action, key)) {
      results.push([
        'Error',
        [
          ['Key', key],
          ['Code', 'AccessDenied'],
          ['Message', 'Access Denied'],
        ],
      ]);
      continue;
    }
    let outcome: DeleteOutcome;
    try {
      outcome = deleteKey(env, request, bucket, key, versionId);
    } catch (error) {
      // A version Object Lock protects is reported in the result, as S3 reports every per-key failure.
      if (!(error instanceof AwsError)) throw error;
      results.push([
        'Error',
        [
          ['Key', key],
          ['VersionId', versionId],
          ['Code', error.code],
          ['Message', error.message],
        ],
      ]);
      continue;
    }
    if (!quiet)
      results.push([
        'Deleted',
        [
          ['Key', key],
          ['VersionId', versionId],
          ['DeleteMarker', outcome.deleteMarker ? true : undefined],
          ['DeleteMarkerVersionId', outcome.deleteMarker && !versionId ? outcome.versionId : undefined],
        ],
      ]);
  }
  return xmlResponse('DeleteResult', results);
}

/** A reference to the object named by `x-amz-copy-source` (`bucket/key`, URL-encoded, optional `?versionId=`). */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  const [withoutVersion, versionId] = value.split('?versionId=') as [string, string | undefined];
  let decoded: string;
  try {
    decoded = decodeURIComponent(withoutVersion);
  } catch {
    throw new AwsError('InvalidArgument', 'Invalid copy source encoding', 400, {
      ArgumentName: 'x-amz-copy-source',
      ArgumentValue: value,
    });
  }
  const path = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1)
    throw new AwsError(
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      400,
      {
        ArgumentName: 'x-amz-copy-source',
        ArgumentValue: value,
      },
    );
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1), ...(versionId ? { versionId } : {}) };
}
