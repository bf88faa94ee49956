/**
 * AWS::SQS::Queue: a standard queue with its attributes (VisibilityTimeout, RedrivePolicy...).
 * Ref gives the queue URL; Fn::GetAtt gives Arn, QueueName and QueueUrl.
 */
import { AwsError } from '../../core/errors.js';
import {
  generatedName,
  type ProviderContext,
  type ResourceProperties,
  type ResourceProvider,
} from './resource-provider.js';

/** The queue attributes a template may set, with SQS's defaults (used when one is removed). */
const ATTRIBUTE_DEFAULTS: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  RedrivePolicy: '',
  RedriveAllowPolicy: '',
};

function attributesOf(properties: ResourceProperties): Record<string, string> {
  if (properties.FifoQueue === true || properties.FifoQueue === 'true') {
    throw new AwsError('InvalidParameterValue', 'FIFO queues are not supported by the bucketbridge sandbox');
  }
  const attributes: Record<string, string> = {};
  for (const name of Object.keys(ATTRIBUTE_DEFAULTS)) {
    const value = properties[name];
    if (value === undefined || value === null) continue;
    attributes[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return attributes;
}

function attributeParams(attributes: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {};
  Object.entries(attributes).forEach(([name, value], i) => {
    params[`Attribute.${i + 1}.Name`] = name;
    params[`Attribute.${i + 1}.Value`] = value;
  });
  return params;
}

function isMissingQueue(error: unknown): boolean {
  return (
    error instanceof AwsError &&
    (error.code === 'AWS.SimpleQueueService.NonExistentQueue' || error.code === 'QueueDoesNotExist')
  );
}

function provisioned(url: string, name: string, ctx: ProviderContext) {
  const arn = `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`;
  return { physicalId: url, attributes: { Arn: arn, QueueName: name, QueueUrl: url } };
}

export const sqsQueueProvider: ResourceProvider = {
  replaceOn: ['QueueName', 'FifoQueue'],
  required: [],

  async create(properties, ctx) {
    const named = properties.QueueName === undefined ? undefined : String(properties.QueueName);
    const name = named ?? generatedName(ctx, 80);
    if (named !== undefined) {
      // CreateQueue is idempotent, but CloudFormation refuses to adopt a queue it did not create.
      const existing = await ctx.call('sqs', 'GetQueueUrl', { QueueName: named }).then(
        (r) => String(r.QueueUrl),
        (error: unknown) => {
          if (isMissingQueue(error)) return undefined;
          throw error;
        },
      );
      if (existing !== undefined) {
        throw new AwsError(
          'AlreadyExists',
          `Resource of type 'AWS::SQS::Queue' with identifier '${existing}' already exists.`,
        );
      }
    }
    const result = await ctx.call('sqs', 'CreateQueue', {
      QueueName: name,
      ...attributeParams(attributesOf(properties)),
    });
    return provisioned(String(result.QueueUrl), name, ctx);
  },

  async update(current, previous, properties, ctx) {
    const next = attributesOf(properties);
    const before = attributesOf(previous);
    const changed: Record<string, string> = {};
    for (const name of new Set([...Object.keys(next), ...Object.keys(before)])) {
      const value = next[name] ?? ATTRIBUTE_DEFAULTS[name]!;
      if (value !== (before[name] ?? ATTRIBUTE_DEFAULTS[name])) changed[name] = value;
    }
    if (Object.keys(changed).length > 0) {
      await ctx.call('sqs', 'SetQueueAttributes', {
        QueueUrl: current.physicalId,
        ...attributeParams(changed),
      });
    }
    return current;
  },

  async delete(current, _properties, ctx) {
    try {
      await ctx.call('sqs', 'DeleteQueue', { QueueUrl: current.physicalId });
    } catch (error) {
      if (!isMissingQueue(error)) throw error;
    }
  },
};
