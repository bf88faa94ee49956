/**
 * AWS::SNS::TopicPolicy: sets the Policy attribute of each listed topic; deleting it (or
 * dropping a topic from the list) gives the topic back SNS's default policy, as AWS does.
 */
import { AwsError } from '../../core/errors.js';
import { defaultTopicPolicy } from '../../sns/topic-registry.js';
import { policyAttachmentProvider } from './policy-attachment.js';
import type { ProviderContext } from './resource-provider.js';

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

export const snsTopicPolicyProvider = policyAttachmentProvider({
  listProperty: 'Topics',
  listItems: 'topic ARNs',
  set: setPolicy,
  reset: resetPolicy,
});
