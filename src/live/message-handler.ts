/**
 * What the live workflow does with one SQS message (the consumer's `handleMessage`). Resolving
 * means the message may be deleted: every object it names is done (processed, done earlier,
 * superseded, or failed permanently with the failure recorded in the ledger). Throwing hands it
 * back to the queue: MessageRetryError for transient trouble, MalformedMessageError for a body no
 * attempt will ever understand (the queue's redrive policy moves it to the dead-letter queue).
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { ObjectFilter } from '../core/object-filter.js';
import type { SourceObject } from '../core/source-object.js';
import type { ObjectOutcome } from '../pipeline/object-pipeline.js';
import type { ProcessorLog } from '../processors/processor.js';
import { MalformedMessageError, type ObjectEvent, parseQueueMessage } from '../sources/s3-event-parser.js';
import type { LiveStats } from './live-stats.js';
import { MessageRetryError } from './message-retry-error.js';
import { planEvents } from './plan-events.js';

/** The object's current state in S3 (HEAD), or `undefined` when it no longer exists. */
export interface CurrentVersion {
  etag?: string | undefined;
  versionId?: string | undefined;
}

/** Options of {@link createMessageHandler}. */
export interface MessageHandlerOptions {
  /** The connection's source bucket. */
  bucket: string;
  /** The connection's object filter (prefix, globs, suffix, size). */
  filter: ObjectFilter;
  /** Log ObjectRemoved events at info level (they are never acted on, see docs/live.md). Default false. */
  includeRemoved?: boolean;
  /** The only topic whose SubscriptionConfirmation is confirmed (sns mode). */
  topicArn?: string | undefined;
  /** Processes one object (the connection's pipeline, serialised per key). */
  process(object: SourceObject, signal: AbortSignal): Promise<ObjectOutcome>;
  /**
   * HEAD of the object's current version; `undefined` when it is gone. Throws on other failures.
   * Asked only after the pipeline was refused the object (AccessDenied), to tell "deleted" apart.
   */
  currentVersion(bucket: string, key: string, signal: AbortSignal): Promise<CurrentVersion | undefined>;
  /**
   * Records in the ledger that the object was gone before it could be read (a failed entry with
   * the reason), so that the message can be deleted and the fact is visible afterwards.
   */
  recordGone(object: SourceObject, reason: string): Promise<void>;
  /** ConfirmSubscription with the vendor's credentials. */
  confirmSubscription?(topicArn: string, token: string): Promise<void>;
  log: ProcessorLog & { error?(object: unknown, message: string): void };
  stats: LiveStats;
}

/** What became of one object of a message, as the handler decides per object. */
type Settled = 'done' | 'retry';

export function createMessageHandler(
  options: MessageHandlerOptions,
): (message: Message, signal: AbortSignal) => Promise<void> {
  const { log, stats } = options;
  return async (message, signal) => {
    const messageId = message.MessageId ?? '(no message id)';
    let parsed: ReturnType<typeof parseQueueMessage>;
    try {
      parsed = parseQueueMessage(message.Body ?? '', messageId);
    } catch (error) {
      if (error instanceof MalformedMessageError) {
        stats.malformed();
        stats.error(error);
        log.warn(
          { messageId, receiveCount: message.Attributes?.ApproximateReceiveCount, reason: error.reason },
          'malformed message left for the dead-letter queue',
        );
      }
      throw error;
    }
    if (parsed.kind === 'test-event') {
      log.debug({ messageId, bucket: parsed.bucket }, 's3:TestEvent deleted');
      stats.messageDone();
      return;
    }
    if (parsed.kind === 'subscription-confirmation') {
      await confirm(options, messageId, parsed.topicArn, parsed.token);
      stats.messageDone();
      return;
    }
    const plans = planEvents(parsed.events, { bucket: options.bucket, filter: options.filter });
    const results = await Promise.all(
      plans.map(async (plan): Promise<[ObjectEvent, Settled, string]> => {
        if (plan.action === 'ignore') {
          noteIgnored(options, messageId, plan.event, plan.reason);
          return [plan.event, 'done', plan.reason];
        }
        return [plan.event, ...(await handleObject(options, plan.object, signal))];
      }),
    );
    const pending = results
      .filter(([, settled]) => settled === 'retry')
      .map(([event, , reason]) => `s3://${event.bucket}/${event.key}: ${reason}`);
    if (pending.length > 0) {
      const error = new MessageRetryError(messageId, pending);
      stats.retried();
      stats.error(error);
      log.warn({ messageId, pending }, 'message handed back to the queue for another attempt');
      throw error;
    }
    stats.messageDone();
  };
}

async function confirm(options: MessageHandlerOptions, messageId: string, topicArn: string, token: string) {
  if (options.topicArn === undefined || topicArn !== options.topicArn || !options.confirmSubscription) {
    // Never confirm a subscription to someone else's topic: drop the request, loudly.
    options.log.warn(
      { messageId, topicArn, expected: options.topicArn },
      'SubscriptionConfirmation for a topic this connection does not follow; deleted unconfirmed',
    );
    return;
  }
  await options.confirmSubscription(topicArn, token);
  options.log.info({ messageId, topicArn }, 'subscription confirmed');
}

function noteIgnored(options: MessageHandlerOptions, messageId: string, event: ObjectEvent, reason: string) {
  options.stats.object('skipped');
  if (reason === 'filter:ignored-older') options.stats.object('ignoredOlder');
  const fields = { messageId, bucket: event.bucket, key: event.key, eventName: event.eventName, reason };
  if (reason === 'removed' && options.includeRemoved)
    options.log.info(fields, 'object removed at the source');
  else if (reason === 'other-bucket') options.log.warn(fields, 'event for another bucket ignored');
  else options.log.debug(fields, 'event ignored');
}

async function handleObject(
  options: MessageHandlerOptions,
  object: SourceObject,
  signal: AbortSignal,
): Promise<[Settled, string]> {
  const { log, stats } = options;
  const where = { bucket: object.bucket, key: object.key, etag: object.etag };
  // No HEAD first: the pipeline reads or copies on the event's ETag (If-Match), so a newer version
  // comes back as a 412 skip and a deleted object as a 404. S3 is asked about the object only when
  // it refused (below), so the common case costs one request less per message.
  const outcome = await options.process(object, signal);
  if (outcome.status === 'processed') {
    stats.object('processed');
    log.info({ ...where, bytesIn: outcome.bytesIn, bytesOut: outcome.bytesOut }, 'object processed');
    return ['done', 'processed'];
  }
  if (outcome.status === 'skipped') {
    if (outcome.reason === 'in-progress-elsewhere') return ['retry', 'being processed by another run'];
    stats.object('skipped');
    if (outcome.reason === 'changed-since-listed') {
      log.info(where, 'event superseded by a newer version of the object');
    } else {
      log.debug({ ...where, reason: outcome.reason }, 'object skipped');
    }
    return ['done', outcome.reason];
  }
  // Out of the pipeline's attempts for a transient reason: the queue's redelivery tries again
  // later (and its dead-letter queue ends it); a permanent failure is recorded, the message deleted.
  if (outcome.kind === 'transient') return ['retry', outcome.reason];
  if (await isGone(options, object, outcome.code, signal)) {
    const reason = `NoSuchKey: s3://${object.bucket}/${object.key} was deleted before it could be read`;
    await options.recordGone(object, reason);
    stats.object('failed');
    log.warn(where, 'object gone before it was read; recorded in the ledger');
    return ['done', reason];
  }
  stats.object('failed');
  stats.error(new Error(`s3://${object.bucket}/${object.key}: ${outcome.reason}`));
  log.warn({ ...where, reason: outcome.reason }, 'object failed; recorded in the ledger');
  return ['done', outcome.reason];
}

/** Codes S3 gives a read of a missing key: 404, or 403 to a caller without s3:ListBucket on it. */
const MISSING = new Set(['NoSuchKey', 'NotFound']);
const DENIED = new Set(['AccessDenied', 'Forbidden']);

/**
 * Whether the object the pipeline could not read is gone: S3 said NoSuchKey, or it said
 * AccessDenied and `currentVersion` (which tells "deleted" from "denied") finds nothing. Any doubt
 * leaves the pipeline's recorded failure as it is.
 */
async function isGone(
  options: MessageHandlerOptions,
  object: SourceObject,
  code: string | undefined,
  signal: AbortSignal,
): Promise<boolean> {
  if (code !== undefined && MISSING.has(code)) return true;
  if (code === undefined || !DENIED.has(code)) return false;
  try {
    return (await options.currentVersion(object.bucket, object.key, signal)) === undefined;
  } catch (error) {
    if (signal.aborted) throw error;
    return false;
  }
}
