/**
 * SQS message attributes: validation as SQS applies it, the size they add to a message, and the
 * MD5 digest AWS returns as `MD5OfMessageAttributes` (clients such as the Java SDK and boto3's
 * older releases verify it, so it must be computed exactly as AWS does).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../core/errors.js';

/** One attribute as the SQS API carries it (JSON shape; `BinaryValue` is base64 on the wire). */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Raw bytes (decoded from base64 by the protocol layer). */
  BinaryValue?: Buffer;
}

export type MessageAttributes = Record<string, MessageAttributeValue>;

/** At most this many message attributes per message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;

const NAME_RE = /^[A-Za-z0-9_.-]{1,256}$/;
const TYPE_RE = /^(String|Number|Binary)(\.[^\s]{1,})?$/;

/**
 * Checks attribute names, types and values as SQS does; throws InvalidParameterValue naming the
 * attribute and the rule it breaks.
 * @param kind `user` for MessageAttributes, `system` for MessageSystemAttributes.
 */
export function validateMessageAttributes(
  attributes: MessageAttributes,
  kind: 'user' | 'system' = 'user',
): void {
  const names = Object.keys(attributes);
  if (names.length > MAX_MESSAGE_ATTRIBUTES) {
    throw new AwsError(
      'InvalidParameterValue',
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`,
    );
  }
  for (const name of names) {
    const value = attributes[name]!;
    if (kind === 'system' && name !== 'AWSTraceHeader') {
      throw new AwsError(
        'InvalidParameterValue',
        `Message system attribute name '${name}' is invalid. The only supported name is AWSTraceHeader.`,
      );
    }
    if (
      kind === 'user' &&
      (!NAME_RE.test(name) ||
        name.startsWith('.') ||
        name.endsWith('.') ||
        name.includes('..') ||
        /^(aws\.|amazon\.)/i.test(name))
    ) {
      throw new AwsError(
        'InvalidParameterValue',
        `Message (user) attribute name '${name}' is invalid. Names use A-Z, a-z, 0-9, '_', '-' and '.', ` +
          `at most 256 characters, no leading, trailing or doubled '.', and no 'AWS.' or 'Amazon.' prefix.`,
      );
    }
    const dataType = value.DataType;
    if (!dataType) {
      throw new AwsError(
        'InvalidParameterValue',
        `The message attribute '${name}' must contain a non-empty message attribute type.`,
      );
    }
    if (!TYPE_RE.test(dataType) || dataType.length > 256) {
      throw new AwsError(
        'InvalidParameterValue',
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    const base = baseType(dataType);
    if (base === 'Binary') {
      if (value.BinaryValue === undefined || value.BinaryValue.length === 0) {
        throw new AwsError(
          'InvalidParameterValue',
          `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`,
        );
      }
    } else {
      if (value.StringValue === undefined || value.StringValue === '') {
        throw new AwsError(
          'InvalidParameterValue',
          `The message attribute '${name}' with type '${base}' must use field 'String'.`,
        );
      }
      if (base === 'Number' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.StringValue.trim())) {
        throw new AwsError(
          'InvalidParameterValue',
          `Can't cast the value of message (user) attribute '${name}' to a number.`,
        );
      }
    }
  }
}

function baseType(dataType: string): 'String' | 'Number' | 'Binary' {
  return dataType.split('.')[0] as 'String' | 'Number' | 'Binary';
}

/** Bytes the attributes count toward the message size limit: names, types and values. */
export function messageAttributesSize(attributes: MessageAttributes): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    size += value.BinaryValue ? value.BinaryValue.length : Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

/**
 * AWS's digest of message attributes: for each attribute in name order, the length-prefixed
 * (4-byte big-endian) UTF-8 name, the length-prefixed type, a transport byte (1 string, 2
 * binary) and the length-prefixed value; the MD5 of the concatenation, in hex.
 * Returns undefined for no attributes (AWS then omits the field).
 */
export function md5OfMessageAttributes(attributes: MessageAttributes): string | undefined {
  const names = Object.keys(attributes).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const value = attributes[name]!;
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(value.DataType, 'utf8')));
    if (baseType(value.DataType) === 'Binary') {
      hash.update(Buffer.from([2]));
      hash.update(lengthPrefixed(value.BinaryValue ?? Buffer.alloc(0)));
    } else {
      hash.update(Buffer.from([1]));
      hash.update(lengthPrefixed(Buffer.from(value.StringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([prefix, bytes]);
}

/** The hex MD5 of a message body's UTF-8 bytes (`MD5OfMessageBody` / `MD5OfBody`). */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/**
 * Which of a message's attributes a receive asks for: `All` or `.*` for every one, `prefix.*`
 * for those under a prefix, otherwise exact names.
 */
export function selectMessageAttributes(
  attributes: MessageAttributes,
  requested: string[],
): MessageAttributes {
  const selected: MessageAttributes = {};
  if (requested.length === 0) return selected;
  for (const [name, value] of Object.entries(attributes)) {
    const wanted = requested.some(
      (r) => r === 'All' || r === '.*' || r === name || (r.endsWith('.*') && name.startsWith(r.slice(0, -1))),
    );
    if (wanted) selected[name] = value;
  }
  return selected;
}

/** Whether a body uses only the characters SQS accepts (XML 1.0's character set). */
export function invalidBodyCharacter(body: string): number | undefined {
  for (const ch of body) {
    const c = ch.codePointAt(0)!;
    const ok =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      (c >= 0x10000 && c <= 0x10ffff);
    if (!ok) return c;
  }
  return undefined;
}
