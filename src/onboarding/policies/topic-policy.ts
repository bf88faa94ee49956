/**
 * The customer's SNS topic policy (live, sns mode): S3 may publish only for this bucket in this
 * account, and the vendor's account may subscribe only SQS queues of its own. Nothing else: unlike
 * the seed guide's policy, nobody outside the account may delete the topic, change its attributes
 * or its permissions. The account's own administrators keep their access through IAM.
 */
import type { OnboardingContext, SnsLiveContext } from '../onboarding-context.js';
import { bucketArn, POLICY_VERSION, type PolicyDocument, sidPart } from './policy-document.js';

export function buildTopicPolicy(context: OnboardingContext & { live: SnsLiveContext }): PolicyDocument {
  const { partition, live } = context;
  const sid = `BucketBridge${sidPart(context.connectionName)}`;
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: `${sid}S3Publish`,
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: live.topicArn,
        Condition: {
          ArnLike: { 'aws:SourceArn': bucketArn(partition, context.source.bucket) },
          StringEquals: { 'aws:SourceAccount': context.accountId },
        },
      },
      {
        Sid: `${sid}VendorSubscribe`,
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${context.vendorAccountId}:root` },
        Action: 'sns:Subscribe',
        Resource: live.topicArn,
        // Only the vendor's own queues may receive the events.
        Condition: {
          StringEquals: { 'sns:Protocol': 'sqs' },
          StringLike: { 'sns:Endpoint': `arn:${partition}:sqs:*:${context.vendorAccountId}:*` },
        },
      },
    ],
  };
}
