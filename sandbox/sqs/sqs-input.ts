/**
 * Reading SQS request parameters in their JSON shape (the query protocol is converted to it
 * first), with SQS's errors for missing or malformed values, and the runtime every operation
 * shares.
 */
import { AwsError } from '../core/errors.js';
import type { CallerIdentity } from '../core/identity.js';
import type { Authorizer } from '../core/types.js';
import type { Clock } from './clock.js';
import type { MessageAttributes } from './message-attributes.js';
import type { MessageQueue } from './message-queue.js';
import { queuePolicyOf } from './queue-attributes.js';
import type { QueueRegistry } from './queue-registry.js';
import { missingParameter } from './sqs-errors.js';

/** What every operation uses beyond its input. */
export interface SqsRuntime {
  registry: QueueRegistry;
  clock: Clock;
  authz: Authorizer;
}

/** One call of an operation: who, where, and the JSON-shaped input. */
export interface SqsCall {
  caller: CallerIdentity;
  region: string;
  input: Record<string, unknown>;
  /** Aborted when the client disconnects, so a pending long poll stops taking messages. */
  signal?: AbortSignal;
  /** The `duplicate` fault drew this request: a receive leaves copies of what it hands out. */
  duplicateDelivery?: boolean;
}

export type SqsOperation = (
  runtime: SqsRuntime,
  call: SqsCall,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

/** A string parameter; `required` ones missing are MissingParameter. */
export function stringParam(input: Record<string, unknown>, name: string, required: true): string;
export function stringParam(
  input: Record<string, unknown>,
  name: string,
  required?: false,
): string | undefined;
export function stringParam(
  input: Record<string, unknown>,
  name: string,
  required = false,
): string | undefined {
  const v = input[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw missingParameter(name);
    return undefined;
  }
  return String(v);
}

/** An integer parameter, checked against its range with SQS's wording. */
export function intParam(
  input: Record<string, unknown>,
  name: string,
  range: { min: number; max: number; reason?: string },
): number | undefined {
  const v = input[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : /^\s*-?\d+\s*$/.test(String(v)) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    throw new AwsError(
      'InvalidParameterValue',
      `Value ${String(v)} for parameter ${name} is invalid. Reason: ${range.reason ?? `Must be between ${range.min} and ${range.max}, if provided.`}`,
    );
  }
  return n;
}

/** A list of strings (absent → empty). */
export function listParam(input: Record<string, unknown>, name: string): string[] {
  const v = input[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v))
    throw new AwsError('InvalidParameterValue', `The parameter ${name} must be a list of strings.`);
  return v.map(String);
}

/** A string-to-string map (absent → empty). */
export function mapParam(input: Record<string, unknown>, name: string): Record<string, string> {
  const v = input[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new AwsError('InvalidParameterValue', `The parameter ${name} must be a map of strings.`);
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) out[k] = String(val);
  return out;
}

/** Message attributes in their wire shape (`BinaryValue` base64) → stored shape (bytes). */
export function messageAttributesParam(input: Record<string, unknown>, name: string): MessageAttributes {
  const v = input[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new AwsError('InvalidParameterValue', `The parameter ${name} must be a map of message attributes.`);
  }
  const out: MessageAttributes = {};
  for (const [k, raw] of Object.entries(v as Record<string, Record<string, unknown>>)) {
    out[k] = {
      DataType: raw?.DataType === undefined ? '' : String(raw.DataType),
      StringValue: raw?.StringValue === undefined ? undefined : String(raw.StringValue),
      BinaryValue:
        raw?.BinaryValue === undefined ? undefined : Buffer.from(String(raw.BinaryValue), 'base64'),
    };
  }
  return out;
}

/** Stored message attributes → wire shape. */
export function messageAttributesOut(attributes: MessageAttributes): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [k, v] of Object.entries(attributes)) {
    out[k] =
      v.BinaryValue !== undefined
        ? { BinaryValue: v.BinaryValue.toString('base64'), DataType: v.DataType }
        : { StringValue: v.StringValue ?? '', DataType: v.DataType };
  }
  return out;
}

/** The queue a call's QueueUrl names (QueueDoesNotExist otherwise). */
export function queueParam(runtime: SqsRuntime, call: SqsCall): MessageQueue {
  return runtime.registry.resolveUrl(stringParam(call.input, 'QueueUrl', true), call.region);
}

/**
 * Asks the authorizer whether the caller may perform `sqs:{action}` on the queue, with the
 * queue's policy as the resource policy (cross-account callers need it to allow them).
 */
export function authorizeQueue(
  runtime: SqsRuntime,
  caller: CallerIdentity,
  action: string,
  queue: MessageQueue,
  context?: Record<string, string | undefined>,
): void {
  runtime.authz.authorize({
    caller,
    action: `sqs:${action}`,
    resource: queue.identity.arn,
    resourceAccountId: queue.identity.accountId,
    resourcePolicy: queuePolicyOf(queue.attributes),
    context,
  });
}
