/** AWS::SNS::Topic: a standard topic (TopicName, DisplayName, Tags). Ref gives the topic ARN. */
import { AwsError } from '../../core/errors.js';
import { asArray } from '../../protocols/xml.js';
import {
  generatedName,
  type ProviderContext,
  type ResourceProperties,
  type ResourceProvider,
  stringProperty,
} from './resource-provider.js';

function topicArnOf(name: string, ctx: ProviderContext): string {
  return `arn:aws:sns:${ctx.region}:${ctx.accountId}:${name}`;
}

async function topicExists(arn: string, ctx: ProviderContext): Promise<boolean> {
  try {
    await ctx.call('sns', 'GetTopicAttributes', { TopicArn: arn });
    return true;
  } catch (error) {
    if (error instanceof AwsError && error.code === 'NotFound') return false;
    throw error;
  }
}

function createParams(name: string, properties: ResourceProperties): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = { Name: name };
  const displayName = stringProperty(properties, 'DisplayName');
  if (displayName !== undefined) {
    params['Attributes.entry.1.key'] = 'DisplayName';
    params['Attributes.entry.1.value'] = displayName;
  }
  asArray(properties.Tags as ResourceProperties[] | undefined).forEach((tag, i) => {
    params[`Tags.member.${i + 1}.Key`] = String(tag.Key);
    params[`Tags.member.${i + 1}.Value`] = String(tag.Value ?? '');
  });
  return params;
}

export const snsTopicProvider: ResourceProvider = {
  replaceOn: ['TopicName', 'FifoTopic'],
  required: [],

  async create(properties, ctx) {
    const named = stringProperty(properties, 'TopicName');
    const name = named ?? generatedName(ctx, 256);
    // CreateTopic is idempotent, but CloudFormation refuses to adopt a topic it did not create.
    if (named !== undefined && (await topicExists(topicArnOf(named, ctx), ctx))) {
      throw new AwsError(
        'AlreadyExists',
        `Resource of type 'AWS::SNS::Topic' with identifier '${topicArnOf(named, ctx)}' already exists.`,
      );
    }
    const result = await ctx.call('sns', 'CreateTopic', createParams(name, properties));
    const arn = String(result.TopicArn);
    return { physicalId: arn, attributes: { TopicArn: arn, TopicName: name } };
  },

  async update(current, previous, properties, ctx) {
    const displayName = stringProperty(properties, 'DisplayName') ?? '';
    if (displayName !== (stringProperty(previous, 'DisplayName') ?? '')) {
      await ctx.call('sns', 'SetTopicAttributes', {
        TopicArn: current.physicalId,
        AttributeName: 'DisplayName',
        AttributeValue: displayName,
      });
    }
    return current;
  },

  async delete(current, _properties, ctx) {
    await ctx.call('sns', 'DeleteTopic', { TopicArn: current.physicalId });
  },
};
