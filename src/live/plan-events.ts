/**
 * Decides what to do with the object events of one message: records of the same key are coalesced
 * (the one with the largest sequencer is the key's latest state; the others are superseded), then
 * each key is processed, or left alone with a reason. Pure, so it is table-tested.
 */
import type { ObjectFilter } from '../core/object-filter.js';
import type { SourceObject } from '../core/source-object.js';
import { compareSequencers, type ObjectEvent } from '../sources/s3-event-parser.js';

/** Why an event leads to no processing. */
export type IgnoreReason =
  /** A later record of the same key in the same message replaces it. */
  | 'coalesced'
  /** An ObjectRemoved event (logged when `includeRemoved` is set, see docs/live.md). */
  | 'removed'
  /** Restore, replication, lifecycle and other events that create no new content. */
  | 'not-a-creation'
  /** The event is about a bucket other than the connection's source bucket. */
  | 'other-bucket'
  /** The connection's prefix/glob/suffix/size filter leaves it out (`filter:<verdict>`). */
  | `filter:${string}`;

export type PlannedEvent =
  | { action: 'process'; event: ObjectEvent; object: SourceObject }
  | { action: 'ignore'; event: ObjectEvent; reason: IgnoreReason };

export interface PlanOptions {
  /** The connection's source bucket: events of other buckets are ignored. */
  bucket: string;
  filter: ObjectFilter;
}

/** Plans one message's events; the result keeps the order of first appearance. */
export function planEvents(events: readonly ObjectEvent[], options: PlanOptions): PlannedEvent[] {
  const latest = new Map<string, ObjectEvent>();
  const plans: PlannedEvent[] = [];
  for (const event of events) {
    const id = `${event.bucket}\u0000${event.key}`;
    const seen = latest.get(id);
    if (seen === undefined) {
      latest.set(id, event);
    } else if (isNewer(event, seen)) {
      latest.set(id, event);
      plans.push({ action: 'ignore', event: seen, reason: 'coalesced' });
    } else {
      plans.push({ action: 'ignore', event, reason: 'coalesced' });
    }
  }
  for (const event of latest.values()) plans.push(planOne(event, options));
  return plans;
}

/** Without sequencers the later record in the message wins (S3 lists records in order). */
function isNewer(candidate: ObjectEvent, current: ObjectEvent): boolean {
  if (candidate.sequencer === undefined || current.sequencer === undefined) return true;
  return compareSequencers(candidate.sequencer, current.sequencer) >= 0;
}

function planOne(event: ObjectEvent, options: PlanOptions): PlannedEvent {
  if (event.bucket !== options.bucket) return { action: 'ignore', event, reason: 'other-bucket' };
  if (event.kind === 'removed') return { action: 'ignore', event, reason: 'removed' };
  if (event.kind !== 'created') return { action: 'ignore', event, reason: 'not-a-creation' };
  const object = sourceObjectOf(event);
  const verdict = options.filter(object);
  if (verdict !== undefined) return { action: 'ignore', event, reason: `filter:${verdict}` };
  return { action: 'process', event, object };
}

/**
 * The pipeline's view of an event. The version ID is left out on purpose: batch listings know
 * only ETags, so keying the ledger by ETag in both workflows is what makes backfill-then-follow
 * free of duplicates; the pipeline reads with If-Match on the ETag, so it still reads exactly the
 * content the event announced.
 */
export function sourceObjectOf(event: ObjectEvent): SourceObject {
  const object: SourceObject = { bucket: event.bucket, key: event.key };
  if (event.eTag !== undefined) object.etag = event.eTag.replace(/^"(.*)"$/, '$1');
  if (event.sizeBytes !== undefined) object.size = event.sizeBytes;
  if (event.sequencer !== undefined) object.sequencer = event.sequencer;
  const time = Date.parse(event.eventTime);
  if (!Number.isNaN(time)) object.lastModified = new Date(time);
  return object;
}
