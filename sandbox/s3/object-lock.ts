/**
 * S3 Object Lock: a bucket's configuration (CreateBucket's `x-amz-bucket-object-lock-enabled`,
 * Put/GetObjectLockConfiguration), the lock a write asks for (`x-amz-object-lock-*` headers) or gets
 * from the bucket's default retention, the integrity checksum S3 then requires of every upload, and
 * the protection of locked versions against deletion (governance gives way to
 * `x-amz-bypass-governance-retention` with `s3:BypassGovernanceRetention`; compliance to nobody).
 */
import { AwsError } from '../core/errors.js';
import type { ServiceRequest, ServiceResponse } from '../core/types.js';
import { ownerConfiguredBucket } from './bucket-policy.js';
import { authorize, authorizedBucket, header, type S3Call, type S3Env } from './s3-access.js';
import type { BucketRecord, ObjectAttributes, ObjectRecord, Retention, RetentionMode } from './s3-state.js';
import { child, children, malformedXml, parseXml, text, type XmlNode, xmlResponse } from './s3-xml.js';

const MODES: readonly RetentionMode[] = ['GOVERNANCE', 'COMPLIANCE'];
const DAY_MS = 24 * 60 * 60 * 1000;

export function missingLockConfiguration(): AwsError {
  return new AwsError('InvalidRequest', 'Bucket is missing Object Lock Configuration', 400);
}

/** CreateBucket's `x-amz-bucket-object-lock-enabled`: true gives the bucket Object Lock (and versioning). */
export function lockRequestedAtCreation(request: ServiceRequest): boolean {
  return header(request, 'x-amz-bucket-object-lock-enabled')?.toLowerCase() === 'true';
}

function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value.trim());
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new AwsError('InvalidArgument', 'Default retention period must be a positive integer value.', 400);
  return parsed;
}

export async function putObjectLockConfiguration(call: S3Call): Promise<ServiceResponse> {
  const bucket = ownerConfiguredBucket(call, 's3:PutBucketObjectLockConfiguration');
  const root = child(parseXml(await call.request.readBody()), 'ObjectLockConfiguration');
  if (!root || text(root, 'ObjectLockEnabled') !== 'Enabled') throw malformedXml();
  // `Rule` is parsed as a list (it repeats in other configurations); here there is at most one.
  const rules = children(root, 'Rule');
  if (rules.length > 1) throw malformedXml();
  const retention = child(rules[0], 'DefaultRetention');
  let defaultRetention: NonNullable<BucketRecord['objectLock']>['defaultRetention'];
  if (rules.length === 1) {
    const mode = text(retention, 'Mode') as RetentionMode | undefined;
    const days = positiveInteger(text(retention, 'Days'));
    const years = positiveInteger(text(retention, 'Years'));
    // A rule names one mode and exactly one of Days or Years.
    if (!retention || !mode || !MODES.includes(mode) || (days === undefined) === (years === undefined))
      throw malformedXml();
    defaultRetention = { mode, ...(days !== undefined ? { days } : { years: years! }) };
  }
  if (!bucket.objectLock && bucket.versioning !== 'Enabled')
    throw new AwsError(
      'InvalidBucketState',
      "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
      409,
    );
  bucket.objectLock = defaultRetention ? { defaultRetention } : {};
  return { status: 200 };
}

export function getObjectLockConfiguration(call: S3Call): ServiceResponse {
  const bucket = authorizedBucket(call, 's3:GetBucketObjectLockConfiguration');
  if (!bucket.objectLock)
    throw new AwsError(
      'ObjectLockConfigurationNotFoundError',
      'Object Lock configuration does not exist for this bucket',
      404,
      { BucketName: bucket.name },
    );
  const rule = bucket.objectLock.defaultRetention;
  const nodes: XmlNode[] = [['ObjectLockEnabled', 'Enabled']];
  if (rule)
    nodes.push([
      'Rule',
      [
        [
          'DefaultRetention',
          [
            ['Mode', rule.mode],
            ['Days', rule.days],
            ['Years', rule.years],
          ],
        ],
      ],
    ]);
  return xmlResponse('ObjectLockConfiguration', nodes);
}

/** A retention date as S3 reads it (ISO 8601); a date that is not one is InvalidArgument. */
export function parseRetainUntil(value: string, argumentName: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new AwsError('InvalidArgument', 'The retain until date must be provided in ISO 8601 format', 400, {
      ArgumentName: argumentName,
      ArgumentValue: value,
    });
  return ms;
}

/** The lock a PutObject / CreateMultipartUpload / CopyObject asks for with `x-amz-object-lock-*` headers. */
export function lockFromRequest(
  request: ServiceRequest,
  bucket: BucketRecord,
): Pick<ObjectAttributes, 'retention' | 'legalHold'> {
  const mode = header(request, 'x-amz-object-lock-mode');
  const until = header(request, 'x-amz-object-lock-retain-until-date');
  const hold = header(request, 'x-amz-object-lock-legal-hold');
  if (mode === undefined && until === undefined && hold === undefined) return {};
  if (!bucket.objectLock) throw missingLockConfiguration();
  const lock: Pick<ObjectAttributes, 'retention' | 'legalHold'> = {};
  if (hold !== undefined) {
    if (hold !== 'ON' && hold !== 'OFF')
      throw new AwsError('InvalidArgument', "Legal Hold must be either of 'ON' or 'OFF'", 400, {
        ArgumentName: 'x-amz-object-lock-legal-hold',
        ArgumentValue: hold,
      });
    lock.legalHold = hold === 'ON';
  }
  if ((mode === undefined) !== (until === undefined))
    throw new AwsError(
      'InvalidArgument',
      'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
      400,
    );
  if (mode !== undefined && until !== undefined) {
    if (!MODES.includes(mode as RetentionMode))
      throw new AwsError('InvalidArgument', 'Unknown wormMode directive.', 400, {
        ArgumentName: 'x-amz-object-lock-mode',
        ArgumentValue: mode,
      });
    lock.retention = {
      mode: mode as RetentionMode,
      retainUntilMs: parseRetainUntil(until, 'x-amz-object-lock-retain-until-date'),
    };
  }
  return lock;
}

/** The bucket's default retention for an object committed at `nowMs` without a retention of its own. */
export function defaultRetention(bucket: BucketRecord, nowMs: number): Retention | undefined {
  const rule = bucket.objectLock?.defaultRetention;
  if (!rule) return undefined;
  if (rule.days !== undefined) return { mode: rule.mode, retainUntilMs: nowMs + rule.days * DAY_MS };
  const until = new Date(nowMs);
  until.setUTCFullYear(until.getUTCFullYear() + (rule.years ?? 0));
  return { mode: rule.mode, retainUntilMs: until.getTime() };
}

/**
 * With Object Lock parameters (the request's own, or the bucket's default retention), S3 accepts an
 * upload only with an integrity checksum: Content-MD5, or an `x-amz-checksum-*` header or trailer.
 * `what` is "Put Object" or "Put Part", as S3's message names them.
 */
export function assertIntegrityChecksum(
  request: ServiceRequest,
  bucket: BucketRecord,
  attributes: Pick<ObjectAttributes, 'retention' | 'legalHold'>,
  what: 'Put Object' | 'Put Part',
): void {
  const lockParameters =
    attributes.retention !== undefined ||
    attributes.legalHold !== undefined ||
    bucket.objectLock?.defaultRetention !== undefined;
  if (!lockParameters) return;
  const names = Object.keys(request.headers);
  const trailer = header(request, 'x-amz-trailer')?.toLowerCase() ?? '';
  const hasChecksum =
    names.includes('content-md5') ||
    names.some((name) => name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-type') ||
    trailer.includes('x-amz-checksum-');
  if (!hasChecksum)
    throw new AwsError(
      'InvalidRequest',
      `Content-MD5 OR x-amz-checksum- HTTP header is required for ${what} requests with Object Lock parameters`,
      400,
    );
}

/** True while a retention keeps the version from being deleted or its retention from being weakened. */
export function retained(retention: Retention | undefined, nowMs: number): retention is Retention {
  return retention !== undefined && retention.retainUntilMs > nowMs;
}

export function lockedError(): AwsError {
  return new AwsError('AccessDenied', 'Access Denied because object protected by object lock.', 403);
}

/**
 * Whether a locked version may still be changed by this request: only a governance retention, only
 * with `x-amz-bypass-governance-retention: true` and the caller allowed s3:BypassGovernanceRetention.
 */
export function bypassesGovernance(
  env: S3Env,
  request: ServiceRequest,
  bucket: BucketRecord,
  key: string,
): boolean {
  if (header(request, 'x-amz-bypass-governance-retention')?.toLowerCase() !== 'true') return false;
  authorize(env, request, bucket, 's3:BypassGovernanceRetention', key);
  return true;
}

/** Throws AccessDenied when the version may not be deleted now: a legal hold, or a retention in force. */
export function assertDeletable(
  env: S3Env,
  request: ServiceRequest,
  bucket: BucketRecord,
  object: ObjectRecord,
): void {
  if (!bucket.objectLock) return;
  if (object.legalHold) throw lockedError();
  const retention = object.retention;
  if (!retained(retention, env.ctx.now().getTime())) return;
  if (retention.mode === 'GOVERNANCE' && bypassesGovernance(env, request, bucket, object.key)) return;
  throw lockedError();
}
