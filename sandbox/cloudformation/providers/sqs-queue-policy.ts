/**
 * AWS::SQS::QueuePolicy: sets the Policy attribute of each listed queue (by URL); deleting it
 * (or dropping a queue from the list) removes the policy, as AWS does.
 */
import { AwsError } from '../../core/errors.js';
import { policyAttachmentProvider } from './policy-attachment.js';
import type { ProviderContext } from './resource-provider.js';

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

export const sqsQueuePolicyProvider = policyAttachmentProvider({
  listProperty: 'Queues',
  listItems: 'queue URLs',
  set: setPolicy,
  reset: (queueUrl, ctx) => setPolicy(queueUrl, '', ctx),
});
