/**
 * Publish and PublishBatch: validation as SNS applies it (empty message, subject rules, 256 KiB
 * including attributes, message attributes, `MessageStructure=json`), then fan-out to the
 * topic's subscriptions. Also the path S3 event notifications take into a topic.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { XmlObject } from '../protocols/xml.js';
import type { SnsMessageAttribute } from './notification-envelope.js';
import { fanOut } from './sns-delivery.js';
import {
  authorizeTopic,
  invalidParameter,
  type SnsOperation,
  type SnsRuntime,
  topicByArn,
} from './sns-runtime.js';
import type { Topic } from './topic-registry.js';

/** The largest message SNS accepts, in bytes, attributes included (256 KiB). */
export const MAX_PUBLISH_BYTES = 262_144;
const MAX_BATCH_ENTRIES = 10;

/** A message to publish, before validation. */
export interface PublishInput {
  message: string | null;
  subject?: string | null;
  messageStructure?: string | null;
  attributes: Record<string, SnsMessageAttribute>;
}

/** `MessageAttributes.entry.N.Name` / `.Value.DataType|StringValue|BinaryValue` under `prefix`. */
export function messageAttributesOf(
  params: URLSearchParams,
  prefix = 'MessageAttributes',
): Record<string, SnsMessageAttribute> {
  const byIndex = new Map<string, Record<string, string>>();
  const re = new RegExp(
    `^${prefix.replace(/\./g, '\\.')}\\.entry\\.(\\d+)\\.(Name|Value\\.DataType|Value\\.StringValue|Value\\.BinaryValue)$`,
  );
  for (const [k, v] of params) {
    const m = re.exec(k);
    if (!m) continue;
    const slot = byIndex.get(m[1]!) ?? {};
    slot[m[2]!] = v;
    byIndex.set(m[1]!, slot);
  }
  const out: Record<string, SnsMessageAttribute> = {};
  for (const slot of byIndex.values()) {
    if (slot.Name === undefined) continue;
    out[slot.Name] = {
      DataType: slot['Value.DataType'] ?? '',
      StringValue: slot['Value.StringValue'],
      BinaryValue: slot['Value.BinaryValue'],
    };
  }
  return out;
}

function validateAttributes(attributes: Record<string, SnsMessageAttribute>): number {
  let size = 0;
  for (const [name, a] of Object.entries(attributes)) {
    const base = a.DataType.split('.')[0];
    if (!['String', 'Number', 'Binary'].includes(base ?? '')) {
      throw invalidParameter(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const value = base === 'Binary' ? a.BinaryValue : a.StringValue;
    if (value === undefined || value === '') {
      throw invalidParameter(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${a.DataType}'.`,
      );
    }
    if (base === 'Number' && Number.isNaN(Number(value))) {
      throw invalidParameter(`Could not cast message attribute '${name}' value to number.`);
    }
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + Buffer.byteLength(value);
  }
  return size;
}

/** Validates a message as Publish does; returns what to deliver to SQS subscribers. */
export function validatePublish(input: PublishInput): { message: string; subject?: string } {
  if (input.message === null || input.message === '') throw invalidParameter('Empty message');
  let message = input.message;
  const subject = input.subject ?? undefined;
  if (subject !== undefined && (subject === '' || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject))) {
    throw invalidParameter('Subject');
  }
  if (input.messageStructure === 'json') {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(message) as Record<string, unknown>;
    } catch {
      throw invalidParameter('Message Structure - JSON message body failed to parse');
    }
    if (typeof parsed.default !== 'string')
      throw invalidParameter('Message Structure - No default entry in JSON message body');
    message = typeof parsed.sqs === 'string' ? parsed.sqs : parsed.default;
  }
  const attributesSize = validateAttributes(input.attributes);
  if (Buffer.byteLength(input.message) + attributesSize > MAX_PUBLISH_BYTES)
    throw invalidParameter('Message too long');
  return { message, subject };
}

/** Validates and fans out one message; returns its MessageId. */
export function publishToTopic(rt: SnsRuntime, topic: Topic, input: PublishInput): string {
  const { message, subject } = validatePublish(input);
  const messageId = randomUUID();
  fanOut(rt, topic, {
    messageId,
    message,
    subject,
    attributes: input.attributes,
    timestamp: rt.ctx.now().toISOString(),
  });
  return messageId;
}

function targetTopic(rt: SnsRuntime, params: URLSearchParams): Topic {
  const arn = params.get('TopicArn') || params.get('TargetArn');
  if (!arn) {
    if (params.get('PhoneNumber')) {
      throw invalidParameter('PhoneNumber Reason: SMS is not supported by the bucketbridge sandbox');
    }
    throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  }
  return topicByArn(rt, arn);
}

const publish: SnsOperation = (rt, call) => {
  const topic = targetTopic(rt, call.params);
  authorizeTopic(rt, call.caller, 'Publish', topic);
  const messageId = publishToTopic(rt, topic, {
    message: call.params.get('Message'),
    subject: call.params.get('Subject'),
    messageStructure: call.params.get('MessageStructure'),
    attributes: messageAttributesOf(call.params),
  });
  return { MessageId: messageId };
};

const publishBatch: SnsOperation = (rt, call) => {
  const topic = targetTopic(rt, call.params);
  authorizeTopic(rt, call.caller, 'Publish', topic);
  const ids = new Map<number, string>();
  for (const [k, v] of call.params) {
    const m = /^PublishBatchRequestEntries\.member\.(\d+)\.Id$/.exec(k);
    if (m) ids.set(Number(m[1]), v);
  }
  const indexes = [...ids.keys()].sort((a, b) => a - b);
  if (indexes.length === 0)
    throw new AwsError('EmptyBatchRequest', "The batch request doesn't contain any entries");
  if (indexes.length > MAX_BATCH_ENTRIES) {
    throw new AwsError(
      'TooManyEntriesInBatchRequest',
      'The batch request contains more entries than permissible.',
    );
  }
  if (new Set(ids.values()).size !== indexes.length) {
    throw new AwsError(
      'BatchEntryIdsNotDistinct',
      'Two or more batch entries in the request have the same Id.',
    );
  }
  const inputs = indexes.map((i) => {
    const p = `PublishBatchRequestEntries.member.${i}`;
    return {
      id: ids.get(i)!,
      input: {
        message: call.params.get(`${p}.Message`),
        subject: call.params.get(`${p}.Subject`),
        messageStructure: call.params.get(`${p}.MessageStructure`),
        attributes: messageAttributesOf(call.params, `${p}.MessageAttributes`),
      },
    };
  });
  const total = inputs.reduce((sum, e) => sum + Buffer.byteLength(e.input.message ?? ''), 0);
  if (total > MAX_PUBLISH_BYTES) {
    throw new AwsError(
      'BatchRequestTooLong',
      'The length of all the messages put together is more than the limit.',
    );
  }
  const successful: XmlObject[] = [];
  const failed: XmlObject[] = [];
  for (const { id, input } of inputs) {
    try {
      successful.push({ Id: id, MessageId: publishToTopic(rt, topic, input) });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      failed.push({
        Id: id,
        Code: error.code,
        Message: error.message,
        SenderFault: error.fault === 'Sender',
      });
    }
  }
  return { Successful: { member: successful }, Failed: { member: failed } };
};

export const PUBLISH_OPERATIONS: Record<string, SnsOperation> = {
  Publish: publish,
  PublishBatch: publishBatch,
};
