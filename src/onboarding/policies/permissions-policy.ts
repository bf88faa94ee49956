/**
 * The role's permissions: exactly what the connection's workflow needs and nothing else. No delete
 * (but of verify's own probe objects under `<destination prefix>.bucketbridge-verify/`), no
 * wildcard action, and `Resource: "*"` only for s3:ListAllMyBuckets (which has no narrower
 * resource) when the connection explicitly allows it.
 */
import type { OnboardingContext } from '../onboarding-context.js';
import {
  bucketArn,
  objectsArn,
  POLICY_VERSION,
  type PolicyCondition,
  type PolicyDocument,
  type PolicyStatement,
  probeObjectsArn,
} from './policy-document.js';

/** The queue actions a live connection needs on the customer's own queue (sqs mode). */
export const QUEUE_CONSUMER_ACTIONS = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];

/**
 * The condition that limits s3:ListBucket to the prefix: the prefix itself and anything below it.
 * None for an empty prefix (the whole bucket), since a listing without a prefix carries no
 * `s3:prefix` key and a StringLike on a missing key never matches.
 */
export function listPrefixCondition(policyPrefix: string): PolicyCondition | undefined {
  if (policyPrefix === '') return undefined;
  return { StringLike: { 's3:prefix': [policyPrefix, `${policyPrefix}*`] } };
}

export function buildPermissionsPolicy(context: OnboardingContext): PolicyDocument {
  const { partition, source, destination } = context;
  const sourceBucketArn = bucketArn(partition, source.bucket);
  const destinationBucketArn = bucketArn(partition, destination.bucket);
  const statements: PolicyStatement[] = [];

  const listCondition = listPrefixCondition(source.policyPrefix);
  statements.push({
    Sid: 'ListSourcePrefix',
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: sourceBucketArn,
    ...(listCondition ? { Condition: listCondition } : {}),
  });
  statements.push({
    Sid: 'ReadSourceObjects',
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: objectsArn(partition, source.bucket, source.policyPrefix),
  });
  statements.push({
    Sid: 'WriteDestinationObjects',
    Effect: 'Allow',
    Action: 's3:PutObject',
    Resource: objectsArn(partition, destination.bucket, destination.policyPrefix),
  });
  // verify (and run's periodic verify) writes a probe object to prove it may write, then removes it.
  statements.push({
    Sid: 'CleanUpVerifyProbes',
    Effect: 'Allow',
    Action: 's3:DeleteObject',
    Resource: probeObjectsArn(partition, destination.bucket, destination.policyPrefix),
  });
  if (destination.acl !== undefined) {
    // Writing an object with a canned ACL needs s3:PutObjectAcl too; the condition keeps the role
    // from setting any other ACL (public-read, say) on what it writes.
    statements.push({
      Sid: 'SetDestinationObjectAcl',
      Effect: 'Allow',
      Action: 's3:PutObjectAcl',
      Resource: objectsArn(partition, destination.bucket, destination.policyPrefix),
      Condition: { StringEquals: { 's3:x-amz-acl': destination.acl } },
    });
  }
  statements.push({
    Sid: 'LocateBuckets',
    Effect: 'Allow',
    Action: 's3:GetBucketLocation',
    Resource:
      sourceBucketArn === destinationBucketArn ? sourceBucketArn : [sourceBucketArn, destinationBucketArn],
  });
  // verify reads which KMS key (if any) protects new source objects by default (SSE-KMS).
  statements.push({
    Sid: 'CheckSourceEncryption',
    Effect: 'Allow',
    Action: 's3:GetEncryptionConfiguration',
    Resource: sourceBucketArn,
  });
  if (context.live !== undefined) {
    statements.push({
      Sid: 'CheckSourceNotification',
      Effect: 'Allow',
      Action: 's3:GetBucketNotification',
      Resource: sourceBucketArn,
    });
    if (context.live.mode === 'sns') {
      statements.push({
        Sid: 'CheckEventTopic',
        Effect: 'Allow',
        Action: 'sns:GetTopicAttributes',
        Resource: context.live.topicArn,
      });
    } else {
      statements.push({
        Sid: 'ConsumeEventQueue',
        Effect: 'Allow',
        Action: [...QUEUE_CONSUMER_ACTIONS],
        Resource: context.live.queueArn,
      });
    }
  }
  if (source.kmsKeyArn !== undefined) {
    statements.push({
      Sid: 'DecryptSourceObjects',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: source.kmsKeyArn,
    });
  }
  if (destination.kmsKeyArn !== undefined) {
    // GenerateDataKey encrypts a new output; Decrypt is needed to complete multipart uploads.
    statements.push({
      Sid: 'EncryptDestinationObjects',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: destination.kmsKeyArn,
    });
  }
  if (context.allowListAllBuckets) {
    statements.push({
      Sid: 'ListAllBuckets',
      Effect: 'Allow',
      Action: 's3:ListAllMyBuckets',
      Resource: '*',
    });
  }
  return { Version: POLICY_VERSION, Statement: statements };
}
