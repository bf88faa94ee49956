/**
 * The Object Lock of one object version: Put/GetObjectRetention and Put/GetObjectLegalHold (the
 * current version, or `versionId`). A retention in force may be extended but not shortened or turned
 * from compliance to governance; a governance one gives way to a bypass (see object-lock.ts).
 */
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import {
  bypassesGovernance,
  lockedError,
  missingLockConfiguration,
  parseRetainUntil,
  retained,
} from './object-lock.js';
import { authorizedBucket, existingObject, type S3Call } from './s3-access.js';
import { noSuchVersion } from './s3-errors.js';
import type { BucketRecord, ObjectRecord, Retention, RetentionMode } from './s3-state.js';
import { child, isoTime, malformedXml, parseXml, text, xmlResponse } from './s3-xml.js';
import { findVersion } from './versioning.js';

function noLockOnObject(): AwsError {
  return new AwsError(
    'NoSuchObjectLockConfiguration',
    'The specified object does not have a ObjectLock configuration',
    404,
  );
}

/** The version a retention or legal-hold request is about, after authorizing `action`. */
function targetVersion(call: S3Call, action: string): { bucket: BucketRecord; object: ObjectRecord } {
  // S3 has no separate version actions for these: the same action covers every version.
  const bucket = authorizedBucket(call, action);
  const versionId = call.request.url.searchParams.get('versionId');
  if (versionId === null) return { bucket, object: existingObject(call, bucket) };
  const version = findVersion(bucket, call.key, versionId);
  if (version?.kind !== 'object') throw noSuchVersion(call.key, versionId);
  return { bucket, object: version.object };
}

export async function putObjectRetention(call: S3Call): Promise<ServiceResponse> {
  const { env, request, key } = call;
  const { bucket, object } = targetVersion(call, 's3:PutObjectRetention');
  const root = child(parseXml(await request.readBody()), 'Retention');
  if (!root) throw malformedXml();
  if (!bucket.objectLock) throw missingLockConfiguration();
  const mode = text(root, 'Mode') as RetentionMode | undefined;
  const until = text(root, 'RetainUntilDate');
  if (
    (mode === undefined) !== (until === undefined) ||
    (mode && mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE')
  )
    throw malformedXml();
  const nowMs = env.ctx.now().getTime();
  const next: Retention | undefined =
    mode && until ? { mode, retainUntilMs: parseRetainUntil(until, 'RetainUntilDate') } : undefined;
  if (next && next.retainUntilMs <= nowMs)
    throw new AwsError('InvalidArgument', 'The retain until date must be in the future!', 400);
  const current = object.retention;
  if (retained(current, nowMs)) {
    const weakened =
      !next ||
      next.retainUntilMs < current.retainUntilMs ||
      (current.mode === 'COMPLIANCE' && next.mode === 'GOVERNANCE');
    if (weakened && (current.mode === 'COMPLIANCE' || !bypassesGovernance(env, request, bucket, key)))
      throw lockedError();
  }
  object.retention = next;
  return { status: 200 };
}

export function getObjectRetention(call: S3Call): ServiceResponse {
  const { bucket, object } = targetVersion(call, 's3:GetObjectRetention');
  if (!bucket.objectLock) throw missingLockConfiguration();
  if (!object.retention) throw noLockOnObject();
  return xmlResponse('Retention', [
    ['Mode', object.retention.mode],
    ['RetainUntilDate', isoTime(object.retention.retainUntilMs)],
  ]);
}

export async function putObjectLegalHold(call: S3Call): Promise<ServiceResponse> {
  const { bucket, object } = targetVersion(call, 's3:PutObjectLegalHold');
  const status = text(child(parseXml(await call.request.readBody()), 'LegalHold'), 'Status');
  if (!bucket.objectLock) throw missingLockConfiguration();
  if (status !== 'ON' && status !== 'OFF') throw malformedXml();
  object.legalHold = status === 'ON';
  return { status: 200 };
}

export function getObjectLegalHold(call: S3Call): ServiceResponse {
  const { bucket, object } = targetVersion(call, 's3:GetObjectLegalHold');
  if (!bucket.objectLock) throw missingLockConfiguration();
  if (object.legalHold === undefined) throw noLockOnObject();
  return xmlResponse('LegalHold', [['Status', object.legalHold ? 'ON' : 'OFF']]);
}
