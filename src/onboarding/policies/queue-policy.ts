/**
 * Statements for the customer's own queue (live, sqs mode): S3 may send this bucket's events to
 * it, from this account only. The role reads the queue through its permissions policy.
 */
import type { OnboardingContext, SqsLiveContext } from '../onboarding-context.js';
import { bucketArn, POLICY_VERSION, type PolicyDocument, sidPart } from './policy-document.js';

export function buildQueuePolicy(context: OnboardingContext & { live: SqsLiveContext }): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: `BucketBridge${sidPart(context.connectionName)}S3SendMessage`,
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: context.live.queueArn,
        Condition: {
          ArnLike: { 'aws:SourceArn': bucketArn(context.partition, context.source.bucket) },
          StringEquals: { 'aws:SourceAccount': context.accountId },
        },
      },
    ],
  };
}
