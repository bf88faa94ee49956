/**
 * `bucketbridge dlq list|replay`: what sits in a live connection's dead-letter queue, and moving it
 * back to the queue the connection reads once the cause is fixed.
 *
 * - **list** receives every message with a short visibility timeout (so nobody else takes it while
 *   it is read) and hands each back at once (ChangeMessageVisibility to 0): nothing is consumed,
 *   but each listing counts as one receive in SQS's ApproximateReceiveCount (shown without it).
 * - **replay** sends each message's body (and message attributes) to the main queue and only then
 *   deletes it from the dead-letter queue, one message after the other. A crash between the two
 *   leaves the message in both queues: the object is then handled twice at worst, which the ledger
 *   makes harmless (the second finds it done). A resent message starts again with a receive count
 *   of 0, so it gets `maxReceiveCount` fresh attempts.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { unquoteEtag } from '../core/source-object.js';
import { MalformedMessageError, parseQueueMessage } from '../sources/s3-event-parser.js';
import type { Ledger, LedgerEntry } from '../state/ledger.js';
import type { DeadLetterQueues } from './dead-letter-queue.js';

/** One object a dead letter names, with what the ledger knows of it. */
export interface DeadLetterObject {
  bucket: string;
  key: string;
  /** The version the event names (version ID, else ETag); null when the event carries neither. */
  version: string | null;
  /** The ledger's state of that version: `failed`, `done` (handled since), `claimed`; null when never claimed. */
  ledgerState: LedgerEntry['state'] | null;
  /** Why its last attempt failed, as the ledger recorded it. */
  reason: string | null;
}

/** One message of the dead-letter queue, as `dlq list --json` prints it. */
export interface DeadLetter {
  messageId: string;
  /** Objects named by the S3 event in the body (empty for a test event or a body that is not one). */
  objects: DeadLetterObject[];
  /** Why the body is not an S3 event notification, when it is not; null otherwise. */
  malformed: string | null;
  /** Receives of the message (this listing's own not counted). */
  receiveCount: number;
  /** When it was first received (ApproximateFirstReceiveTimestamp), else sent; ISO-8601. */
  firstSeenAt: string | null;
  /** When it was sent to the main queue (SentTimestamp); ISO-8601. */
  sentAt: string | null;
}

/** Options of {@link listDeadLetters} and {@link replayDeadLetters}. */
export interface DeadLetterOptions {
  queues: DeadLetterQueues;
  /** The connection's name (its ledger entries). */
  connection: string;
  /** At most this many messages. Default: as many as the dead-letter queue held when the call started. */
  max?: number | undefined;
  /** How long a message stays hidden while it is read or moved, in seconds. Default 30. */
  holdSec?: number | undefined;
}

/** Lists the dead-letter queue without consuming it; reasons come from the ledger. */
export async function listDeadLetters(
  options: DeadLetterOptions & { ledger: Ledger },
): Promise<DeadLetter[]> {
  const { sqs, deadLetterQueueUrl } = options.queues;
  const max = options.max ?? (await depthOf(options.queues));
  const seen = new Map<string, Message>();
  const handles: string[] = [];
  try {
    while (seen.size < max) {
      const batch = await receive(options, Math.min(10, max - seen.size));
      // Nothing new: every message was read (one read earlier may be back after a long listing).
      if (batch.every((message) => seen.has(message.MessageId ?? ''))) {
        for (const message of batch) if (message.ReceiptHandle) handles.push(message.ReceiptHandle);
        break;
      }
      for (const message of batch) {
        if (message.ReceiptHandle) handles.push(message.ReceiptHandle);
        if (message.MessageId && !seen.has(message.MessageId)) seen.set(message.MessageId, message);
      }
    }
  } finally {
    // Visible again at once, whatever happened above: a listing must not hide dead letters.
    for (let i = 0; i < handles.length; i += 10) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: deadLetterQueueUrl,
          Entries: handles.slice(i, i + 10).map((handle, n) => ({
            Id: String(n),
            ReceiptHandle: handle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }
  const letters: DeadLetter[] = [];
  for (const message of seen.values())
    letters.push(await describe(message, options.connection, options.ledger));
  return letters;
}

/** What {@link replayDeadLetters} did. */
export interface ReplayResult {
  /** Dead-letter message ids moved back, in order. */
  moved: string[];
}

/** Moves dead letters back to the main queue: SendMessage, then DeleteMessage, per message. */
export async function replayDeadLetters(options: DeadLetterOptions): Promise<ReplayResult> {
  const { sqs, queueUrl, deadLetterQueueUrl } = options.queues;
  // Bounded by what was there at the start: a message that fails again and comes back during the
  // replay is not replayed a second time.
  const max = options.max ?? (await depthOf(options.queues));
  const moved: string[] = [];
  while (moved.length < max) {
    const batch = await receive(options, Math.min(10, max - moved.length));
    if (batch.length === 0) break;
    for (const [index, message] of batch.entries()) {
      try {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: message.Body ?? '',
            ...(message.MessageAttributes && Object.keys(message.MessageAttributes).length > 0
              ? { MessageAttributes: message.MessageAttributes }
              : {}),
          }),
        );
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      } catch (error) {
        // The rest of this batch was not moved: visible again at once for the next attempt.
        const rest = batch.slice(index).filter((m) => m.ReceiptHandle !== undefined);
        await sqs
          .send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: deadLetterQueueUrl,
              Entries: rest.map((m, n) => ({
                Id: String(n),
                ReceiptHandle: m.ReceiptHandle,
                VisibilityTimeout: 0,
              })),
            }),
          )
          .catch(() => undefined);
        throw error;
      }
      moved.push(message.MessageId ?? '');
    }
  }
  return { moved };
}

async function receive(options: DeadLetterOptions, count: number): Promise<Message[]> {
  const { Messages } = await options.queues.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queues.deadLetterQueueUrl,
      MaxNumberOfMessages: count,
      VisibilityTimeout: options.holdSec ?? 30,
      // A short long-poll: SQS then asks all of its servers, so a small queue does not look empty.
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: [
        'ApproximateReceiveCount',
        'ApproximateFirstReceiveTimestamp',
        'SentTimestamp',
      ],
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages ?? [];
}

/** Visible plus in-flight messages of the dead-letter queue. */
async function depthOf(queues: DeadLetterQueues): Promise<number> {
  const { Attributes } = await queues.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queues.deadLetterQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

const isoOf = (millis: string | undefined): string | null =>
  millis === undefined || !/^\d+$/.test(millis) ? null : new Date(Number(millis)).toISOString();

async function describe(message: Message, connection: string, ledger: Ledger): Promise<DeadLetter> {
  const attributes = message.Attributes ?? {};
  const messageId = message.MessageId ?? '';
  const sentAt = isoOf(attributes.SentTimestamp);
  const letter: DeadLetter = {
    messageId,
    objects: [],
    malformed: null,
    receiveCount: Math.max(0, Number(attributes.ApproximateReceiveCount ?? 1) - 1),
    firstSeenAt: isoOf(attributes.ApproximateFirstReceiveTimestamp) ?? sentAt,
    sentAt,
  };
  let parsed: ReturnType<typeof parseQueueMessage>;
  try {
    parsed = parseQueueMessage(message.Body ?? '', messageId);
  } catch (error) {
    if (!(error instanceof MalformedMessageError)) throw error;
    return { ...letter, malformed: error.reason };
  }
  if (parsed.kind !== 'objects') return letter;
  for (const event of parsed.events) {
    // The ledger keys by ETag, as the pipeline does (the version ID would miss every entry).
    const version = unquoteEtag(event.eTag) ?? null;
    const entry =
      version === null
        ? undefined
        : await ledger.get({ connection, bucket: event.bucket, key: event.key, version });
    letter.objects.push({
      bucket: event.bucket,
      key: event.key,
      version,
      ledgerState: entry?.state ?? null,
      reason: entry?.state === 'failed' ? (entry.reason ?? null) : null,
    });
  }
  return letter;
}
