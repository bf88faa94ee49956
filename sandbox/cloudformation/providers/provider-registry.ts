/** The resource types the sandbox's CloudFormation can create, by type name. */
import { iamRoleProvider } from './iam-role.js';
import type { ResourceProvider } from './resource-provider.js';
import { snsTopicProvider } from './sns-topic.js';
import { snsTopicPolicyProvider } from './sns-topic-policy.js';
import { sqsQueueProvider } from './sqs-queue.js';
import { sqsQueuePolicyProvider } from './sqs-queue-policy.js';

export const RESOURCE_PROVIDERS: Readonly<Record<string, ResourceProvider>> = {
  'AWS::IAM::Role': iamRoleProvider,
  'AWS::SNS::Topic': snsTopicProvider,
  'AWS::SNS::TopicPolicy': snsTopicPolicyProvider,
  'AWS::SQS::Queue': sqsQueueProvider,
  'AWS::SQS::QueuePolicy': sqsQueuePolicyProvider,
};
