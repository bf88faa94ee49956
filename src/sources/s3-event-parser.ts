/**
 * Turns the body of one SQS message into what the live workflow acts on. A body may be an S3
 * event notification sent to the queue directly, the same wrapped in an SNS envelope (or sent
 * raw by an SNS subscription with RawMessageDelivery), an EventBridge "Object Created" event, an
 * `s3:TestEvent`, or an SNS SubscriptionConfirmation. Anything else is malformed: the caller logs
 * it with the message id and lets the queue's redrive policy move it to the dead-letter queue.
 */

/** One object an event is about, with its key already decoded. */
export interface ObjectEvent {
  bucket: string;
  /** The object key as S3 stores it (the notification's URL encoding removed). */
  key: string;
  /**
   * `created` for ObjectCreated:* / "Object Created"; `removed` for ObjectRemoved:* / "Object
   * Deleted"; `other` for the rest (restores, replication, lifecycle), which the caller ignores.
   */
  kind: 'created' | 'removed' | 'other';
  /** AWS's event name, e.g. `ObjectCreated:Put`. */
  eventName: string;
  /** When S3 recorded the event (ISO-8601). */
  eventTime: string;
  sizeBytes?: number;
  /** The object's ETag without quotes. */
  eTag?: string;
  versionId?: string;
  /**
   * S3's per-key ordering token: hex of varying length; a larger value (after left-padding to
   * equal length) is a later event for the same key. See {@link compareSequencers}.
   */
  sequencer?: string;
}

export type ParsedMessage =
  | { kind: 'objects'; events: ObjectEvent[] }
  | { kind: 'test-event'; bucket?: string }
  | { kind: 'subscription-confirmation'; topicArn: string; token: string; subscribeUrl?: string };

/** The body is not something the live workflow understands; it must not be retried forever. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
  constructor(
    readonly messageId: string,
    readonly reason: string,
  ) {
    super(`SQS message ${messageId} is not an S3 event notification: ${reason}`);
  }
}

/**
 * Decodes a key from an S3 event notification: S3 form-encodes keys there, so `+` stands for a
 * space and must be turned back before percent-decoding (a literal `+` arrives as `%2B`).
 */
export function decodeEventKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * Orders two sequencers of the same key: negative when `a` is older. S3 documents that
 * sequencers of different lengths compare after left-padding the shorter one with zeros.
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const left = a.toUpperCase().padStart(width, '0');
  const right = b.toUpperCase().padStart(width, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string, messageId: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MalformedMessageError(messageId, `${what} is not JSON (${(error as Error).message})`);
  }
}

/** Parses one SQS message body. Throws MalformedMessageError for anything it cannot act on. */
export function parseQueueMessage(body: string, messageId: string): ParsedMessage {
  const outer = parseJson(body, messageId, 'the body');
  if (!isObject(outer)) throw new MalformedMessageError(messageId, 'the body is not a JSON object');

  if (outer.Type === 'SubscriptionConfirmation') {
    if (typeof outer.TopicArn !== 'string' || typeof outer.Token !== 'string') {
      throw new MalformedMessageError(messageId, 'SubscriptionConfirmation without TopicArn or Token');
    }
    return {
      kind: 'subscription-confirmation',
      topicArn: outer.TopicArn,
      token: outer.Token,
      subscribeUrl: typeof outer.SubscribeURL === 'string' ? outer.SubscribeURL : undefined,
    };
  }
  if (outer.Type === 'Notification') {
    if (typeof outer.Message !== 'string') {
      throw new MalformedMessageError(messageId, 'SNS notification without a Message string');
    }
    const inner = parseJson(outer.Message, messageId, 'the SNS Message');
    if (!isObject(inner)) throw new MalformedMessageError(messageId, 'the SNS Message is not a JSON object');
    return parseEventDocument(inner, messageId);
  }
  return parseEventDocument(outer, messageId);
}

function parseEventDocument(doc: Json, messageId: string): ParsedMessage {
  if (doc.Event === 's3:TestEvent') {
    return { kind: 'test-event', bucket: typeof doc.Bucket === 'string' ? doc.Bucket : undefined };
  }
  if (Array.isArray(doc.Records)) {
    return { kind: 'objects', events: doc.Records.map((record, i) => parseS3Record(record, messageId, i)) };
  }
  if (doc.source === 'aws.s3' && isObject(doc.detail)) {
    return { kind: 'objects', events: [parseEventBridge(doc, messageId)] };
  }
  throw new MalformedMessageError(messageId, 'no Records array, EventBridge S3 event, or s3:TestEvent');
}

function requireString(value: unknown, messageId: string, where: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new MalformedMessageError(messageId, `${where} is missing or not a string`);
  }
  return value;
}

function decodeOrThrow(encoded: string, messageId: string, where: string): string {
  try {
    return decodeEventKey(encoded);
  } catch {
    throw new MalformedMessageError(messageId, `${where} "${encoded}" is not valid URL encoding`);
  }
}

function parseS3Record(record: unknown, messageId: string, index: number): ObjectEvent {
  const at = `Records[${index}]`;
  if (!isObject(record)) throw new MalformedMessageError(messageId, `${at} is not an object`);
  const version = requireString(record.eventVersion, messageId, `${at}.eventVersion`);
  // Every 2.x version keeps the fields read here; a 3.x would be a new format we cannot trust.
  if (!/^2\.\d+$/.test(version)) {
    throw new MalformedMessageError(
      messageId,
      `${at}.eventVersion ${version} is not a supported 2.x version`,
    );
  }
  const eventName = requireString(record.eventName, messageId, `${at}.eventName`);
  const s3 = record.s3;
  if (!isObject(s3) || !isObject(s3.bucket) || !isObject(s3.object)) {
    throw new MalformedMessageError(messageId, `${at}.s3 lacks bucket or object`);
  }
  const encodedKey = requireString(s3.object.key, messageId, `${at}.s3.object.key`);
  return {
    bucket: requireString(s3.bucket.name, messageId, `${at}.s3.bucket.name`),
    key: decodeOrThrow(encodedKey, messageId, `${at}.s3.object.key`),
    kind: eventName.startsWith('ObjectCreated:')
      ? 'created'
      : eventName.startsWith('ObjectRemoved:')
        ? 'removed'
        : 'other',
    eventName,
    eventTime: typeof record.eventTime === 'string' ? record.eventTime : '',
    sizeBytes: typeof s3.object.size === 'number' ? s3.object.size : undefined,
    eTag: typeof s3.object.eTag === 'string' ? s3.object.eTag : undefined,
    versionId: typeof s3.object.versionId === 'string' ? s3.object.versionId : undefined,
    sequencer: typeof s3.object.sequencer === 'string' ? s3.object.sequencer : undefined,
  };
}

function parseEventBridge(doc: Json, messageId: string): ObjectEvent {
  const detail = doc.detail as Json;
  const detailType = requireString(doc['detail-type'], messageId, 'detail-type');
  if (!isObject(detail.bucket) || !isObject(detail.object)) {
    throw new MalformedMessageError(messageId, 'EventBridge detail lacks bucket or object');
  }
  const encodedKey = requireString(detail.object.key, messageId, 'detail.object.key');
  return {
    bucket: requireString(detail.bucket.name, messageId, 'detail.bucket.name'),
    // EventBridge carries keys URL-encoded as S3 notifications do.
    key: decodeOrThrow(encodedKey, messageId, 'detail.object.key'),
    kind: detailType === 'Object Deleted' ? 'removed' : 'created',
    eventName:
      detailType === 'Object Deleted'
        ? 'ObjectRemoved:Delete'
        : `ObjectCreated:${String(detail.reason ?? '')}`,
    eventTime: typeof doc.time === 'string' ? doc.time : '',
    sizeBytes: typeof detail.object.size === 'number' ? detail.object.size : undefined,
    eTag: typeof detail.object.etag === 'string' ? detail.object.etag : undefined,
    versionId: typeof detail.object['version-id'] === 'string' ? detail.object['version-id'] : undefined,
    sequencer: typeof detail.object.sequencer === 'string' ? detail.object.sequencer : undefined,
  };
}
