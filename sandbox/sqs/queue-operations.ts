/**
 * The queue-level SQS operations: create (idempotent), delete, list, look up by name,
 * attributes, tags and dead-letter sources.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html
 */
import { AwsError } from '../core/errors.js';
import type { MessageQueue } from './message-queue.js';
import {
  defaultQueueAttributes,
  fifoUnsupported,
  firstDifferingAttribute,
  requestedQueueAttributes,
  validateQueueAttributes,
} from './queue-attributes.js';
import { queueArn } from './queue-registry.js';
import { queueDoesNotExist } from './sqs-errors.js';
import {
  authorizeQueue,
  intParam,
  listParam,
  mapParam,
  queueParam,
  type SqsOperation,
  type SqsRuntime,
  stringParam,
} from './sqs-input.js';

const QUEUE_NAME_RE = /^[A-Za-z0-9_-]{1,80}$/;

const createQueue: SqsOperation = (rt, call) => {
  const name = stringParam(call.input, 'QueueName', true);
  if (name.endsWith('.fifo')) throw fifoUnsupported();
  if (!QUEUE_NAME_RE.test(name)) {
    throw new AwsError(
      'InvalidParameterValue',
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
  const accountId = call.caller.accountId;
  const arn = queueArn(call.region, accountId, name);
  rt.authz.authorize({
    caller: call.caller,
    action: 'sqs:CreateQueue',
    resource: arn,
    resourceAccountId: accountId,
  });
  const requested = validateQueueAttributes(mapParam(call.input, 'Attributes'), {
    queueArn: arn,
    deadLetterTargetExists: (target) => rt.registry.get(target) !== undefined,
  });
  const existing = rt.registry.get(arn);
  if (existing) {
    const differing = firstDifferingAttribute(existing.attributes, requested);
    if (differing) {
      throw new AwsError(
        'QueueNameExists',
        `A queue already exists with the same name and a different value for attribute ${differing}`,
      );
    }
    return { QueueUrl: rt.registry.urlOf(existing) };
  }
  const attributes = { ...defaultQueueAttributes(), ...withoutEmpty(requested) };
  const queue = rt.registry.create({ name, accountId, region: call.region, arn }, attributes);
  rt.registry.tags.set(arn, mapParam(call.input, 'tags'));
  return { QueueUrl: rt.registry.urlOf(queue) };
};

function withoutEmpty(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== ''));
}

const deleteQueue: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'DeleteQueue', queue);
  rt.registry.delete(queue);
  return {};
};

const listQueues: SqsOperation = (rt, call) => {
  const prefix = stringParam(call.input, 'QueueNamePrefix') ?? '';
  const maxResults = intParam(call.input, 'MaxResults', { min: 1, max: 1000 });
  const after = stringParam(call.input, 'NextToken');
  const afterName = after === undefined ? undefined : Buffer.from(after, 'base64').toString('utf8');
  const all = rt.registry
    .list(call.caller.accountId, call.region)
    .filter(
      (q) => q.identity.name.startsWith(prefix) && (afterName === undefined || q.identity.name > afterName),
    );
  const page = all.slice(0, maxResults ?? 1000);
  const out: Record<string, unknown> = {};
  if (page.length > 0) out.QueueUrls = page.map((q) => rt.registry.urlOf(q));
  if (maxResults !== undefined && all.length > page.length) {
    out.NextToken = Buffer.from(page[page.length - 1]!.identity.name, 'utf8').toString('base64');
  }
  return out;
};

const getQueueUrl: SqsOperation = (rt, call) => {
  const name = stringParam(call.input, 'QueueName', true);
  const owner = stringParam(call.input, 'QueueOwnerAWSAccountId') ?? call.caller.accountId;
  const queue = rt.registry.get(queueArn(call.region, owner, name));
  if (!queue) throw queueDoesNotExist();
  authorizeQueue(rt, call.caller, 'GetQueueUrl', queue);
  return { QueueUrl: rt.registry.urlOf(queue) };
};

/** Every attribute GetQueueAttributes can report for the queue now. */
export function currentQueueAttributes(queue: MessageQueue): Record<string, string> {
  const counts = queue.counts();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(queue.attributes)) if (v !== '') out[k] = v;
  out.QueueArn = queue.identity.arn;
  out.ApproximateNumberOfMessages = String(counts.visible);
  out.ApproximateNumberOfMessagesNotVisible = String(counts.notVisible);
  out.ApproximateNumberOfMessagesDelayed = String(counts.delayed);
  out.CreatedTimestamp = String(Math.floor(queue.createdAtMs / 1000));
  out.LastModifiedTimestamp = String(Math.floor(queue.lastModifiedAtMs / 1000));
  return out;
}

const getQueueAttributes: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'GetQueueAttributes', queue);
  const current = currentQueueAttributes(queue);
  const names = requestedQueueAttributes(listParam(call.input, 'AttributeNames'), Object.keys(current));
  if (names.length === 0) return {};
  return { Attributes: Object.fromEntries(names.map((n) => [n, current[n]!])) };
};

const setQueueAttributes: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'SetQueueAttributes', queue);
  const attributes = mapParam(call.input, 'Attributes');
  if (Object.keys(attributes).length === 0)
    throw new AwsError('MissingParameter', 'The request must contain the parameter Attribute.Name.');
  const changes = validateQueueAttributes(attributes, {
    queueArn: queue.identity.arn,
    deadLetterTargetExists: (target) => rt.registry.get(target) !== undefined,
  });
  const next = { ...queue.attributes, ...changes };
  queue.attributes = withoutEmpty(next);
  queue.lastModifiedAtMs = rt.clock.nowMs();
  return {};
};

const listDeadLetterSourceQueues: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'ListDeadLetterSourceQueues', queue);
  return { queueUrls: rt.registry.sourcesOf(queue.identity.arn).map((q) => rt.registry.urlOf(q)) };
};

const tagQueue: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'TagQueue', queue);
  const tags = rt.registry.tags.get(queue.identity.arn) ?? {};
  rt.registry.tags.set(queue.identity.arn, { ...tags, ...mapParam(call.input, 'Tags') });
  return {};
};

const untagQueue: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'UntagQueue', queue);
  const tags = { ...(rt.registry.tags.get(queue.identity.arn) ?? {}) };
  for (const key of listParam(call.input, 'TagKeys')) delete tags[key];
  rt.registry.tags.set(queue.identity.arn, tags);
  return {};
};

const listQueueTags: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'ListQueueTags', queue);
  const tags = rt.registry.tags.get(queue.identity.arn) ?? {};
  return Object.keys(tags).length > 0 ? { Tags: tags } : {};
};

/** The queue-level operations by action name. */
export const QUEUE_OPERATIONS: Record<string, SqsOperation> = {
  CreateQueue: createQueue,
  DeleteQueue: deleteQueue,
  ListQueues: listQueues,
  GetQueueUrl: getQueueUrl,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
  TagQueue: tagQueue,
  UntagQueue: untagQueue,
  ListQueueTags: listQueueTags,
};

export type { SqsRuntime };
