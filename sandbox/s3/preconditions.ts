/**
 * HTTP conditional requests as S3 evaluates them: If-Match / If-Unmodified-Since (412),
 * If-None-Match / If-Modified-Since (304 on reads), their `x-amz-copy-source-if-*` forms for copies,
 * and If-None-Match: * / If-Match on writes.
 */
import { AwsError } from '../core/errors.js';
import type { ServiceRequest } from '../core/types.js';
import { header } from './s3-access.js';
import { noSuchKey, preconditionFailed } from './s3-errors.js';

interface Versioned {
  etag: string;
  lastModifiedMs: number;
}

function etagListMatches(list: string, etag: string): boolean {
  const bare = etag.replace(/"/g, '');
  return list.split(',').some((candidate) => {
    const value = candidate.trim().replace(/^W\//, '').replace(/"/g, '');
    return value === '*' || value === bare;
  });
}

function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Evaluates the four conditional headers named with `prefix` ('' or 'x-amz-copy-source-'). */
function evaluate(
  request: ServiceRequest,
  object: Versioned,
  prefix: string,
): 'ok' | 'not-modified' | string {
  const ifMatch = header(request, `${prefix}if-match`);
  const ifNoneMatch = header(request, `${prefix}if-none-match`);
  const modifiedSince = parseHttpDate(header(request, `${prefix}if-modified-since`));
  const unmodifiedSince = parseHttpDate(header(request, `${prefix}if-unmodified-since`));
  // Last-Modified has one-second precision on the wire, so comparisons are in whole seconds.
  const lastModifiedSec = Math.floor(object.lastModifiedMs / 1000);
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, object.etag)) return 'If-Match';
  } else if (unmodifiedSince !== undefined && lastModifiedSec > unmodifiedSince) return 'If-Unmodified-Since';
  if (ifNoneMatch !== undefined) {
    if (etagListMatches(ifNoneMatch, object.etag)) return 'not-modified';
  } else if (modifiedSince !== undefined && lastModifiedSec <= modifiedSince) return 'not-modified';
  return 'ok';
}

/** For GetObject/HeadObject: true when the answer is 304 Not Modified; throws 412 PreconditionFailed. */
export function checkReadConditions(request: ServiceRequest, object: Versioned): boolean {
  const outcome = evaluate(request, object, '');
  if (outcome === 'not-modified') return true;
  if (outcome !== 'ok') throw preconditionFailed(outcome);
  return false;
}

/** For copies: every failed `x-amz-copy-source-if-*` condition is 412 PreconditionFailed. */
export function checkCopySourceConditions(request: ServiceRequest, object: Versioned): void {
  const outcome = evaluate(request, object, 'x-amz-copy-source-');
  if (outcome === 'not-modified') {
    const which =
      header(request, 'x-amz-copy-source-if-none-match') !== undefined
        ? 'If-None-Match'
        : 'If-Modified-Since';
    throw preconditionFailed(`x-amz-copy-source-${which}`);
  }
  if (outcome !== 'ok') throw preconditionFailed(`x-amz-copy-source-${outcome}`);
}

/**
 * For writes (PutObject, CompleteMultipartUpload, CopyObject destination), checked before the body
 * is received: `If-None-Match: *` fails (412) when the key exists; `If-Match` fails (412) when the
 * key has another ETag, and is NoSuchKey (404) when the key has no current object.
 */
export function checkWriteConditions(
  request: ServiceRequest,
  key: string,
  existing: Versioned | undefined,
): void {
  const ifNoneMatch = header(request, 'if-none-match');
  const ifMatch = header(request, 'if-match');
  if (ifNoneMatch !== undefined && existing && etagListMatches(ifNoneMatch, existing.etag))
    throw preconditionFailed('If-None-Match');
  if (ifMatch !== undefined && !existing) throw noSuchKey(key);
  if (ifMatch !== undefined && existing && !etagListMatches(ifMatch, existing.etag))
    throw preconditionFailed('If-Match');
}

/**
 * The same conditions again as the object is committed. They held when the request started, so a
 * failure now means another write or delete of the key finished while this one was under way: S3's
 * 409 ConditionalRequestConflict, after which the client starts over.
 */
export function checkWriteConditionsAtCommit(
  request: ServiceRequest,
  key: string,
  existing: Versioned | undefined,
): void {
  try {
    checkWriteConditions(request, key, existing);
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    throw new AwsError(
      'ConditionalRequestConflict',
      'The conditional request cannot succeed due to a conflicting operation against this resource.',
      409,
    );
  }
}
