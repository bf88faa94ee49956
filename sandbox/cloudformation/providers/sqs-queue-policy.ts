/**
 * AWS::SQS::QueuePolicy: sets the Policy attribute of each listed queue (by URL); deleting it
 * (or dropping a queue from the list) removes the policy, as AWS does.
 */
import { randomBytes } from 'node:crypto';
import { AwsError } from '../../core/errors.js';
import {
  documentProperty,
  type ProviderContext,
  type ResourceProperties,
  type ResourceProvider,
} from './resource-provider.js';

function queuesOf(properties: ResourceProperties): string[] {
  const queues = properties.Queues;
  if (!Array.isArray(queues) || queues.length === 0 || !queues.every((q) => typeof q === 'string')) {
    throw new TypeError(
      'Properties validation failed for resource: #/Queues: expected type: JSONArray of queue URLs',
    );
  }
  return queues as string[];
}

async function setPolicy(queueUrl: string, policy: string, ctx: ProviderContext): Promise<void> {
  try {
    await ctx.call('sqs', 'SetQueueAttributes', {
      QueueUrl: queueUrl,
      'Attribute.1.Name': 'Policy',
      'Attribute.1.Value': policy,
    });
  } catch (error) {
    // Removing the policy of a queue that is already gone has nothing left to do.
    const gone =
      error instanceof AwsError &&
      (error.code === 'AWS.SimpleQueueService.NonExistentQueue' || error.code === 'QueueDoesNotExist');
    if (!(gone && policy === '')) throw error;
  }
}

export const sqsQueuePolicyProvider: ResourceProvider = {
  replaceOn: [],
  required: ['PolicyDocument', 'Queues'],

  async create(properties, ctx) {
    const policy = documentProperty(properties, 'PolicyDocument')!;
    for (const queue of queuesOf(properties)) await setPolicy(queue, policy, ctx);
    const id = `${ctx.stackName}-${ctx.logicalId}-${randomBytes(6).toString('hex').toUpperCase()}`;
    return { physicalId: id, attributes: { Id: id } };
  },

  async update(current, previous, properties, ctx) {
    const policy = documentProperty(properties, 'PolicyDocument')!;
    const queues = queuesOf(properties);
    for (const queue of queues) await setPolicy(queue, policy, ctx);
    for (const old of queuesOf(previous)) if (!queues.includes(old)) await setPolicy(old, '', ctx);
    return current;
  },

  async delete(_current, properties, ctx) {
    for (const queue of queuesOf(properties)) await setPolicy(queue, '', ctx);
  },
};
