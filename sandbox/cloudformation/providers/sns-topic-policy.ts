/**
 * AWS::SNS::TopicPolicy: sets the Policy attribute of each listed topic; deleting it (or
 * dropping a topic from the list) gives the topic back SNS's default policy, as AWS does.
 */
import { randomBytes } from 'node:crypto';
import { AwsError } from '../../core/errors.js';
import { defaultTopicPolicy } from '../../sns/topic-registry.js';
import {
  documentProperty,
  type ProviderContext,
  type ResourceProperties,
  type ResourceProvider,
} from './resource-provider.js';

function topicsOf(properties: ResourceProperties): string[] {
  const topics = properties.Topics;
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((t) => typeof t === 'string')) {
    throw new TypeError(
      'Properties validation failed for resource: #/Topics: expected type: JSONArray of topic ARNs',
    );
  }
  return topics as string[];
}

async function setPolicy(topicArn: string, policy: string, ctx: ProviderContext): Promise<void> {
  await ctx.call('sns', 'SetTopicAttributes', {
    TopicArn: topicArn,
    AttributeName: 'Policy',
    AttributeValue: policy,
  });
}

async function resetPolicy(topicArn: string, ctx: ProviderContext): Promise<void> {
  const accountId = topicArn.split(':')[4] ?? ctx.accountId;
  try {
    await setPolicy(topicArn, JSON.stringify(defaultTopicPolicy(topicArn, accountId)), ctx);
  } catch (error) {
    // The topic may have gone first (deleted in the same stack operation).
    if (error instanceof AwsError && error.code === 'NotFound') return;
    throw error;
  }
}

export const snsTopicPolicyProvider: ResourceProvider = {
  replaceOn: [],
  required: ['PolicyDocument', 'Topics'],

  async create(properties, ctx) {
    const policy = documentProperty(properties, 'PolicyDocument')!;
    for (const topic of topicsOf(properties)) await setPolicy(topic, policy, ctx);
    const id = `${ctx.stackName}-${ctx.logicalId}-${randomBytes(6).toString('hex').toUpperCase()}`;
    return { physicalId: id, attributes: { Id: id } };
  },

  async update(current, previous, properties, ctx) {
    const policy = documentProperty(properties, 'PolicyDocument')!;
    const topics = topicsOf(properties);
    for (const topic of topics) await setPolicy(topic, policy, ctx);
    for (const old of topicsOf(previous)) if (!topics.includes(old)) await resetPolicy(old, ctx);
    return current;
  },

  async delete(_current, properties, ctx) {
    for (const topic of topicsOf(properties)) await resetPolicy(topic, ctx);
  },
};
