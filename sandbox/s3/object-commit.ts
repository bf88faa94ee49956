/**
 * The one place an object becomes visible: replaces the previous version of the key, frees its body,
 * and publishes the ObjectCreated event after the new body is durable (written and renamed into place).
 */
import type { ServiceRequest } from '../core/types.js';
import { publishObjectEvent, type S3EventName } from './events.js';
import { assertDeletable, defaultRetention } from './object-lock.js';
import { checkWriteConditionsAtCommit } from './preconditions.js';
import type { S3Env } from './s3-access.js';
import { noSuchBucket } from './s3-errors.js';
import type { BucketRecord, ObjectRecord } from './s3-state.js';
import { addDeleteMarker, archiveOnWrite, deleteVersion, findVersion } from './versioning.js';

export function commitObject(
  env: S3Env,
  request: ServiceRequest,
  bucket: BucketRecord,
  record: ObjectRecord,
  eventName: S3EventName,
): void {
  const live = env.state.buckets.get(bucket.name);
  const previous = bucket.objects.get(record.key);
  try {
    // The bucket may have been deleted, or the key written, while the body streamed in.
    if (live !== bucket) throw noSuchBucket(bucket.name);
    checkWriteConditionsAtCommit(request, record.key, previous);
  } catch (error) {
    env.store.release(record.segments);
    throw error;
  }
  record.retention ??= defaultRetention(bucket, record.lastModifiedMs);
  const freed = archiveOnWrite(bucket, previous, record);
  bucket.objects.set(record.key, record);
  env.store.release(freed);
  publishObjectEvent(env.ctx, bucket, {
    eventName,
    key: record.key,
    size: record.size,
    eTag: record.etag.replace(/"/g, ''),
    versionId: eventVersionId(record.versionId),
    sequencer: env.state.nextSequencer(),
    caller: request.caller,
    requestId: request.requestId,
    eventTimeMs: record.lastModifiedMs,
  });
}

/** Events carry a version ID only for versions of a versioning-enabled bucket. */
function eventVersionId(versionId: string | undefined): string | undefined {
  return versionId === undefined || versionId === 'null' ? undefined : versionId;
}

/** What a delete did, for the response headers (`x-amz-version-id`, `x-amz-delete-marker`). */
export interface DeleteOutcome {
  versionId?: string;
  deleteMarker: boolean;
}

/**
 * DeleteObject/DeleteObjects. Without a version ID: removes the key (unversioned bucket) or puts a
 * delete marker on it (ObjectRemoved:DeleteMarkerCreated); with one: deletes that version for good.
 */
export function deleteKey(
  env: S3Env,
  request: ServiceRequest,
  bucket: BucketRecord,
  key: string,
  versionId?: string,
): DeleteOutcome {
  const nowMs = env.ctx.now().getTime();
  const event = { key, caller: request.caller, requestId: request.requestId, eventTimeMs: nowMs };
  if (versionId !== undefined) {
    const target = findVersion(bucket, key, versionId);
    if (target?.kind === 'object') assertDeletable(env, request, bucket, target.object);
    const { deleted, freed } = deleteVersion(bucket, key, versionId);
    env.store.release(freed);
    if (deleted)
      publishObjectEvent(env.ctx, bucket, {
        ...event,
        eventName: 'ObjectRemoved:Delete',
        versionId: eventVersionId(versionId),
        sequencer: env.state.nextSequencer(),
      });
    return { versionId, deleteMarker: deleted?.kind === 'marker' };
  }
  if (!bucket.versioning) {
    removeObject(env, request, bucket, key);
    return { deleteMarker: false };
  }
  const { marker, freed } = addDeleteMarker(bucket, key, request.caller.accountId, nowMs);
  env.store.release(freed);
  publishObjectEvent(env.ctx, bucket, {
    ...event,
    eventName: 'ObjectRemoved:DeleteMarkerCreated',
    versionId: eventVersionId(marker.versionId),
    sequencer: env.state.nextSequencer(),
  });
  return { versionId: marker.versionId, deleteMarker: true };
}

/** Removes a key of an unversioned bucket and publishes ObjectRemoved:Delete. False when it did not exist. */
export function removeObject(
  env: S3Env,
  request: ServiceRequest,
  bucket: BucketRecord,
  key: string,
): boolean {
  const previous = bucket.objects.get(key);
  if (!previous) return false;
  bucket.objects.delete(key);
  env.store.release(previous.segments);
  publishObjectEvent(env.ctx, bucket, {
    eventName: 'ObjectRemoved:Delete',
    key,
    sequencer: env.state.nextSequencer(),
    caller: request.caller,
    requestId: request.requestId,
    eventTimeMs: env.ctx.now().getTime(),
  });
  return true;
}
