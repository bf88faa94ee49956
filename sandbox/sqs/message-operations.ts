/**
 * The message-level SQS operations: send (single and batch), receive with long polling,
 * delete and visibility changes (single and batch), purge.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { CallerIdentity } from '../core/identity.js';
import {
  invalidBodyCharacter,
  type MessageAttributes,
  md5OfBody,
  md5OfMessageAttributes,
  messageAttributesSize,
  selectMessageAttributes,
  validateMessageAttributes,
} from './message-attributes.js';
import type { MessageQueue, NewMessage, ReceivedMessage } from './message-queue.js';
import { DEFAULT_MAX_MESSAGE_BYTES, MAX_VISIBILITY_TIMEOUT_SEC } from './queue-attributes.js';
import { decodeReceiptHandle, receiptHandleIsInvalid } from './receipt-handle.js';
import { missingParameter, sqsQueryCode } from './sqs-errors.js';
import {
  authorizeQueue,
  intParam,
  listParam,
  messageAttributesOut,
  messageAttributesParam,
  queueParam,
  type SqsCall,
  type SqsOperation,
  type SqsRuntime,
  stringParam,
} from './sqs-input.js';

const MAX_BATCH_ENTRIES = 10;
const BATCH_ID_RE = /^[A-Za-z0-9_-]{1,80}$/;
/** SQS allows one PurgeQueue per queue in this window. */
const PURGE_INTERVAL_MS = 60_000;

/** The `SenderId` SQS reports for a caller. */
export function senderIdOf(caller: CallerIdentity): string {
  if (caller.kind === 'root') return caller.accountId;
  if (caller.kind === 'service') {
    // AWS reports the internal user id of the delivering service; stable values per service.
    return caller.servicePrincipal === 'sns.amazonaws.com'
      ? 'AIDAIT2UOQQY3AUEKVGXU'
      : 'AIDAJQR6QDGQ7PATMSYEY';
  }
  const roleId = createHash('sha1')
    .update(caller.roleArn ?? caller.arn)
    .digest('hex')
    .slice(0, 17)
    .toUpperCase();
  return `AROA${roleId}:${caller.sessionName ?? ''}`;
}

function maxMessageBytes(queue: MessageQueue): number {
  return Number(queue.attributes.MaximumMessageSize ?? DEFAULT_MAX_MESSAGE_BYTES);
}

/**
 * Validates one message to send and computes its digests, as SendMessage does; throws the error
 * SQS gives for a bad body, delay, attribute or size.
 */
export function buildMessage(
  queue: MessageQueue,
  input: Record<string, unknown>,
  senderId: string,
): NewMessage {
  const body = input.MessageBody === undefined || input.MessageBody === null ? '' : String(input.MessageBody);
  if (body === '') throw missingParameter('MessageBody');
  const delaySec = intParam(input, 'DelaySeconds', {
    min: 0,
    max: 900,
    reason: 'DelaySeconds must be >= 0 and <= 900.',
  });
  const attributes = messageAttributesParam(input, 'MessageAttributes');
  const systemAttributes = messageAttributesParam(input, 'MessageSystemAttributes');
  validateMessageAttributes(attributes, 'user');
  validateMessageAttributes(systemAttributes, 'system');
  const bad = invalidBodyCharacter(body);
  if (bad !== undefined) {
    throw new AwsError(
      'InvalidMessageContents',
      `Invalid binary character '#x${bad.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
    );
  }
  const maxBytes = maxMessageBytes(queue);
  if (Buffer.byteLength(body) + messageAttributesSize(attributes) > maxBytes) {
    throw new AwsError(
      'InvalidParameterValue',
      `One or more parameters are invalid. Reason: Message must be shorter than ${maxBytes} bytes.`,
    );
  }
  return {
    body,
    md5OfBody: md5OfBody(body),
    attributes,
    md5OfAttributes: md5OfMessageAttributes(attributes),
    systemAttributes,
    md5OfSystemAttributes: md5OfMessageAttributes(systemAttributes),
    senderId,
    delaySec,
  };
}

function sendResult(message: NewMessage, messageId: string): Record<string, unknown> {
  const out: Record<string, unknown> = { MD5OfMessageBody: message.md5OfBody };
  if (message.md5OfAttributes) out.MD5OfMessageAttributes = message.md5OfAttributes;
  if (message.md5OfSystemAttributes) out.MD5OfMessageSystemAttributes = message.md5OfSystemAttributes;
  out.MessageId = messageId;
  return out;
}

const sendMessage: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'SendMessage', queue);
  const message = buildMessage(queue, call.input, senderIdOf(call.caller));
  const stored = queue.send(message);
  return sendResult(message, stored.messageId);
};

/** Batch entries with SQS's request-level checks: 1..10 entries, distinct valid ids. */
function batchEntries(call: SqsCall, entryName: string): Array<Record<string, unknown>> {
  const raw = call.input.Entries;
  const entries = Array.isArray(raw) ? (raw as Array<Record<string, unknown>>) : [];
  if (entries.length === 0) {
    throw new AwsError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new AwsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const e of entries) {
    const id = e.Id === undefined ? '' : String(e.Id);
    if (!BATCH_ID_RE.test(id)) {
      throw new AwsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (seen.has(id)) throw new AwsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
  return entries;
}

/** A batch entry's failure; entries carry the classic codes in both protocols. */
function failure(id: string, error: unknown): Record<string, unknown> {
  if (!(error instanceof AwsError)) throw error;
  return {
    Id: id,
    SenderFault: error.fault === 'Sender',
    Code: sqsQueryCode(error.code),
    Message: error.message,
  };
}

function batchResult(successful: unknown[], failed: unknown[]): Record<string, unknown> {
  return { Successful: successful, Failed: failed };
}

const sendMessageBatch: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'SendMessage', queue);
  const entries = batchEntries(call, 'SendMessageBatchRequestEntry');
  let total = 0;
  for (const e of entries) {
    total +=
      Buffer.byteLength(String(e.MessageBody ?? '')) +
      messageAttributesSize(messageAttributesParam(e, 'MessageAttributes'));
  }
  // A batch may carry as much as one message may.
  const maxBytes = maxMessageBytes(queue);
  if (total > maxBytes) {
    throw new AwsError(
      'BatchRequestTooLong',
      `Batch requests cannot be longer than ${maxBytes} bytes. You have sent ${total} bytes.`,
    );
  }
  const senderId = senderIdOf(call.caller);
  const successful: unknown[] = [];
  const failed: unknown[] = [];
  for (const e of entries) {
    const id = String(e.Id);
    try {
      const message = buildMessage(queue, e, senderId);
      const stored = queue.send(message);
      successful.push({ Id: id, ...sendResult(message, stored.messageId) });
    } catch (error) {
      failed.push(failure(id, error));
    }
  }
  return batchResult(successful, failed);
};

const SYSTEM_ATTRIBUTE_NAMES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
];

function systemAttributesOf(
  received: ReceivedMessage,
  requested: string[],
): Record<string, string> | undefined {
  if (requested.length === 0) return undefined;
  const m = received.message;
  const all: Record<string, string | undefined> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAtMs),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp:
      m.firstReceiveAtMs === undefined ? undefined : String(m.firstReceiveAtMs),
    AWSTraceHeader: m.systemAttributes.AWSTraceHeader?.StringValue,
    DeadLetterQueueSourceArn: m.deadLetterSourceArn,
  };
  const wantAll = requested.includes('All');
  const out: Record<string, string> = {};
  for (const name of SYSTEM_ATTRIBUTE_NAMES) {
    const value = all[name];
    if (value !== undefined && (wantAll || requested.includes(name))) out[name] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A received message in the API's shape, with the attributes the receive asked for. */
export function receivedMessageOut(
  received: ReceivedMessage,
  systemNames: string[],
  attributeNames: string[],
): Record<string, unknown> {
  const m = received.message;
  const out: Record<string, unknown> = {
    MessageId: m.messageId,
    ReceiptHandle: received.receiptHandle,
    MD5OfBody: m.md5OfBody,
    Body: m.body,
  };
  const system = systemAttributesOf(received, systemNames);
  if (system) out.Attributes = system;
  const selected: MessageAttributes = selectMessageAttributes(m.attributes, attributeNames);
  const digest = md5OfMessageAttributes(selected);
  if (digest) {
    out.MD5OfMessageAttributes = digest;
    out.MessageAttributes = messageAttributesOut(selected);
  }
  return out;
}

const receiveMessage: SqsOperation = async (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'ReceiveMessage', queue);
  const maxMessages = intParam(call.input, 'MaxNumberOfMessages', { min: 1, max: 10 }) ?? 1;
  const visibilityTimeoutSec = intParam(call.input, 'VisibilityTimeout', {
    min: 0,
    max: MAX_VISIBILITY_TIMEOUT_SEC,
    reason: `Must be >= 0 and <= ${MAX_VISIBILITY_TIMEOUT_SEC}, if provided.`,
  });
  const waitTimeSec = intParam(call.input, 'WaitTimeSeconds', {
    min: 0,
    max: 20,
    reason: 'Must be >= 0 and <= 20, if provided.',
  });
  const systemNames = [
    ...listParam(call.input, 'AttributeNames'),
    ...listParam(call.input, 'MessageSystemAttributeNames'),
  ];
  const attributeNames = listParam(call.input, 'MessageAttributeNames');
  const received = await queue.receive(
    { maxMessages, visibilityTimeoutSec, waitTimeSec, leaveCopies: call.duplicateDelivery === true },
    call.signal,
  );
  if (received.length === 0) return {};
  return { Messages: received.map((r) => receivedMessageOut(r, systemNames, attributeNames)) };
};

function handleFor(queue: MessageQueue, receiptHandle: string) {
  const parts = decodeReceiptHandle(receiptHandle);
  if (parts.queueArn !== queue.identity.arn) {
    throw receiptHandleIsInvalid(receiptHandle);
  }
  return parts;
}

/**
 * Applies `apply` to each entry of a batch call (DeleteMessageBatch, ChangeMessageVisibilityBatch):
 * an entry that fails with an AWS error is reported in `Failed`, the others in `Successful`.
 */
function applyToEntries(
  call: SqsCall,
  entryName: string,
  apply: (entry: Record<string, unknown>) => void,
): Record<string, unknown> {
  const successful: unknown[] = [];
  const failed: unknown[] = [];
  for (const e of batchEntries(call, entryName)) {
    const id = String(e.Id);
    try {
      apply(e);
      successful.push({ Id: id });
    } catch (error) {
      failed.push(failure(id, error));
    }
  }
  return batchResult(successful, failed);
}

function deleteOne(queue: MessageQueue, input: Record<string, unknown>): void {
  const handle = stringParam(input, 'ReceiptHandle', true);
  queue.deleteMessage(handleFor(queue, handle));
}

/**
 * An operation on one received message and its batch form, both authorized as `action`: `apply`
 * runs on the call's input, or on each entry named `entryName`.
 */
function messageOperations(
  action: string,
  entryName: string,
  apply: (queue: MessageQueue, input: Record<string, unknown>) => void,
): [single: SqsOperation, batch: SqsOperation] {
  const authorizedQueue = (rt: SqsRuntime, call: SqsCall): MessageQueue => {
    const queue = queueParam(rt, call);
    authorizeQueue(rt, call.caller, action, queue);
    return queue;
  };
  return [
    (rt, call) => {
      apply(authorizedQueue(rt, call), call.input);
      return {};
    },
    (rt, call) => {
      const queue = authorizedQueue(rt, call);
      return applyToEntries(call, entryName, (e) => apply(queue, e));
    },
  ];
}

const [deleteMessage, deleteMessageBatch] = messageOperations(
  'DeleteMessage',
  'DeleteMessageBatchRequestEntry',
  deleteOne,
);

function changeVisibility(queue: MessageQueue, input: Record<string, unknown>): void {
  const handle = stringParam(input, 'ReceiptHandle', true);
  const parts = handleFor(queue, handle);
  const timeoutSec = intParam(input, 'VisibilityTimeout', {
    min: 0,
    max: MAX_VISIBILITY_TIMEOUT_SEC,
    reason: `Must be between 0 and ${MAX_VISIBILITY_TIMEOUT_SEC}, if provided.`,
  });
  if (timeoutSec === undefined) throw missingParameter('VisibilityTimeout');
  queue.changeVisibility(parts, handle, timeoutSec);
}

const [changeMessageVisibility, changeMessageVisibilityBatch] = messageOperations(
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatchRequestEntry',
  changeVisibility,
);

const purgeQueue: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'PurgeQueue', queue);
  const now = rt.clock.nowMs();
  if (queue.lastPurgeAtMs !== undefined && now - queue.lastPurgeAtMs < PURGE_INTERVAL_MS) {
    throw new AwsError(
      'PurgeQueueInProgress',
      `Only one PurgeQueue operation on ${queue.identity.name} is allowed every 60 seconds.`,
      403,
    );
  }
  queue.purge();
  return {};
};

/** The message-level operations by action name. */
export const MESSAGE_OPERATIONS: Record<string, SqsOperation> = {
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
  PurgeQueue: purgeQueue,
};

export type { SqsRuntime };
