/**
 * The attributes of an SQS queue: which exist, their defaults and limits, how SQS validates a
 * value, and how a stored value is compared for CreateQueue's idempotency rule.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */
import { AwsError } from '../core/errors.js';
import type { PolicyDocument } from '../core/types.js';

/**
 * A new queue's MaximumMessageSize, in bytes (256 KiB): the limit SQS has long applied and the
 * one the product is specified against.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 262_144;
/** The most MaximumMessageSize may be set to, in bytes (1 MiB, SQS's limit since 2025). */
export const LARGEST_MAX_MESSAGE_BYTES = 1_048_576;
/** The longest a message may stay invisible, in seconds (12 hours). */
export const MAX_VISIBILITY_TIMEOUT_SEC = 43_200;

interface IntegerAttribute {
  min: number;
  max: number;
  default: number;
}

/** Settable integer attributes with their limits and defaults (seconds or bytes, as AWS uses them). */
export const INTEGER_ATTRIBUTES: Record<string, IntegerAttribute> = {
  DelaySeconds: { min: 0, max: 900, default: 0 },
  MaximumMessageSize: { min: 1024, max: LARGEST_MAX_MESSAGE_BYTES, default: DEFAULT_MAX_MESSAGE_BYTES },
  MessageRetentionPeriod: { min: 60, max: 1_209_600, default: 345_600 },
  ReceiveMessageWaitTimeSeconds: { min: 0, max: 20, default: 0 },
  VisibilityTimeout: { min: 0, max: MAX_VISIBILITY_TIMEOUT_SEC, default: 30 },
  KmsDataKeyReusePeriodSeconds: { min: 60, max: 86_400, default: 300 },
};

/** Settable attributes that are not integers. */
const OTHER_SETTABLE = new Set([
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'SqsManagedSseEnabled',
]);

/** Attributes SQS computes; GetQueueAttributes returns them, Set refuses them. */
export const READ_ONLY_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

/** A queue's dead-letter settings, parsed. */
export interface RedrivePolicy {
  deadLetterTargetArn: string;
  /** Receives after which the next receive moves the message to the dead-letter queue (1..1000). */
  maxReceiveCount: number;
}

/** The settable attributes a new queue starts with. */
export function defaultQueueAttributes(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, def] of Object.entries(INTEGER_ATTRIBUTES)) {
    if (name !== 'KmsDataKeyReusePeriodSeconds') out[name] = String(def.default);
  }
  out.SqsManagedSseEnabled = 'true';
  return out;
}

/**
 * Validates attributes given to CreateQueue or SetQueueAttributes and returns them normalised
 * as SQS stores them (RedrivePolicy with a numeric maxReceiveCount, integers without signs).
 * `resolveQueueArn` says whether a dead-letter target exists.
 */
export function validateQueueAttributes(
  attributes: Record<string, string>,
  context: { queueArn: string; deadLetterTargetExists(arn: string): boolean },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(attributes)) {
    const value = String(raw);
    if (
      name === 'FifoQueue' ||
      name === 'ContentBasedDeduplication' ||
      name === 'DeduplicationScope' ||
      name === 'FifoThroughputLimit'
    ) {
      if (name === 'FifoQueue' && value === 'false') continue;
      throw fifoUnsupported();
    }
    const integer = INTEGER_ATTRIBUTES[name];
    if (integer) {
      const n = /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isInteger(n) || n < integer.min || n > integer.max) {
        throw new AwsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
      }
      out[name] = String(n);
    } else if (name === 'Policy') {
      out[name] = value === '' ? '' : normalisePolicy(value);
    } else if (name === 'RedrivePolicy') {
      out[name] = value === '' ? '' : JSON.stringify(parseRedrivePolicy(value, context));
    } else if (name === 'SqsManagedSseEnabled') {
      if (value !== 'true' && value !== 'false') {
        throw new AwsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
      }
      out[name] = value;
    } else if (OTHER_SETTABLE.has(name)) {
      out[name] = value;
    } else if ((READ_ONLY_ATTRIBUTES as readonly string[]).includes(name)) {
      throw new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    } else {
      throw new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
  }
  return out;
}

/** The error for anything FIFO: the sandbox implements standard queues only. */
export function fifoUnsupported(): AwsError {
  return new AwsError(
    'InvalidParameterValue',
    'FIFO queues are not supported by the bucketbridge sandbox: use a standard queue (a name without the .fifo suffix and no FifoQueue attribute).',
  );
}

function normalisePolicy(value: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    throw new AwsError('InvalidAttributeValue', 'Invalid value for the parameter Policy.');
  }
  const statements = (doc as { Statement?: unknown } | null)?.Statement;
  if (typeof doc !== 'object' || doc === null || statements === undefined) {
    throw new AwsError('InvalidAttributeValue', 'Invalid value for the parameter Policy.');
  }
  return JSON.stringify(doc);
}

function parseRedrivePolicy(
  value: string,
  context: { queueArn: string; deadLetterTargetExists(arn: string): boolean },
): RedrivePolicy {
  const invalid = (reason: string) =>
    new AwsError(
      'InvalidParameterValue',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: ${reason}`,
    );
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw invalid('Redrive policy is not a valid JSON map.');
  }
  const arn = parsed.deadLetterTargetArn;
  const count = Number(parsed.maxReceiveCount);
  if (typeof arn !== 'string' || arn === '')
    throw invalid('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
  if (parsed.maxReceiveCount === undefined)
    throw invalid('Redrive policy does not contain mandatory attribute: maxReceiveCount.');
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalid(
      'Invalid value for maxReceiveCount: ' +
        String(parsed.maxReceiveCount) +
        ', valid values are from 1 to 1000 both inclusive.',
    );
  }
  const source = context.queueArn.split(':');
  const target = arn.split(':');
  if (target.length !== 6 || target[2] !== 'sqs' || target[3] !== source[3] || target[4] !== source[4]) {
    throw invalid('Dead-letter target must be in the same account and region as the source queue.');
  }
  if (arn === context.queueArn || !context.deadLetterTargetExists(arn))
    throw invalid('Dead letter target does not exist.');
  return { deadLetterTargetArn: arn, maxReceiveCount: count };
}

/** The parsed redrive policy of a queue's stored attributes, if it has one. */
export function redrivePolicyOf(attributes: Record<string, string>): RedrivePolicy | undefined {
  const raw = attributes.RedrivePolicy;
  return raw ? (JSON.parse(raw) as RedrivePolicy) : undefined;
}

/** The parsed access policy of a queue's stored attributes, if it has one. */
export function queuePolicyOf(attributes: Record<string, string>): PolicyDocument | undefined {
  const raw = attributes.Policy;
  return raw ? (JSON.parse(raw) as PolicyDocument) : undefined;
}

/**
 * The first attribute whose requested value differs from the existing queue's, for
 * CreateQueue's "A queue already exists with the same name and a different value" rule.
 */
export function firstDifferingAttribute(
  existing: Record<string, string>,
  requested: Record<string, string>,
): string | undefined {
  const defaults = defaultQueueAttributes();
  for (const [name, value] of Object.entries(requested)) {
    const current = existing[name] ?? defaults[name] ?? '';
    if (!sameValue(name, current, value)) return name;
  }
  return undefined;
}

function sameValue(name: string, a: string, b: string): boolean {
  if (a === b) return true;
  if (name === 'Policy' || name === 'RedrivePolicy') {
    try {
      return JSON.stringify(JSON.parse(a || 'null')) === JSON.stringify(JSON.parse(b || 'null'));
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * Which attribute names a GetQueueAttributes request asks for (`All` expands to every one);
 * unknown names are refused as SQS does.
 */
export function requestedQueueAttributes(names: string[], available: string[]): string[] {
  if (names.length === 0) return [];
  if (names.includes('All')) return available;
  for (const n of names) {
    if (!available.includes(n) && !INTEGER_ATTRIBUTES[n] && !OTHER_SETTABLE.has(n)) {
      throw new AwsError('InvalidAttributeName', `Unknown Attribute ${n}.`);
    }
  }
  return names.filter((n) => available.includes(n));
}
