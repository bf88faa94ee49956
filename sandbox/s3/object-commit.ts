/**
 * The one place an object becomes visible: replaces the previous version of the key, frees its body,
 * and publishes the ObjectCreated event after the new body is durable (written and renamed into place).
 */
import type { ServiceRequest } from '../core/types.js';
import { publishObjectEvent, type S3EventName } from './events.js';
import { checkWriteConditions } from './preconditions.js';
import type { S3Env } from './s3-access.js';
import { noSuchBucket } from './s3-errors.js';
import type { BucketRecord, ObjectRecord } from './s3-state.js';

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
    checkWriteConditions(request, previous);
  } catch (error) {
    env.store.release(record.segments);
    throw error;
  }
  bucket.objects.set(record.key, record);
  if (previous) env.store.release(previous.segments);
  publishObjectEvent(env.ctx, bucket, {
    eventName,
    key: record.key,
    size: record.size,
    eTag: record.etag.replace(/"/g, ''),
    sequencer: env.state.nextSequencer(),
    caller: request.caller,
    requestId: request.requestId,
    eventTimeMs: record.lastModifiedMs,
  });
}

/** Removes a key (DeleteObject, DeleteObjects) and publishes ObjectRemoved:Delete. False when it did not exist. */
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
