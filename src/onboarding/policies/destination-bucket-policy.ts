/**
 * Statements for the destination bucket's policy naming the role: write under the prefix (and set
 * the configured canned ACL, when there is one), remove verify's probe objects, and find the
 * bucket's region. Nothing else: no read, no list, no other delete.
 */
import type { OnboardingContext } from '../onboarding-context.js';
import {
  bucketArn,
  objectsArn,
  POLICY_VERSION,
  type PolicyDocument,
  type PolicyStatement,
  probeObjectsArn,
  sidPart,
} from './policy-document.js';

export function buildDestinationBucketPolicy(context: OnboardingContext): PolicyDocument {
  const { partition, destination } = context;
  const sid = `BucketBridge${sidPart(context.connectionName)}`;
  const principal = { AWS: context.roleArn };
  const objects = objectsArn(partition, destination.bucket, destination.policyPrefix);
  const statements: PolicyStatement[] = [
    {
      Sid: `${sid}WriteDestinationObjects`,
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:PutObject',
      Resource: objects,
    },
    {
      Sid: `${sid}CleanUpVerifyProbes`,
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:DeleteObject',
      Resource: probeObjectsArn(partition, destination.bucket, destination.policyPrefix),
    },
  ];
  if (destination.acl !== undefined) {
    statements.push({
      Sid: `${sid}SetDestinationObjectAcl`,
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:PutObjectAcl',
      Resource: objects,
      Condition: { StringEquals: { 's3:x-amz-acl': destination.acl } },
    });
  }
  statements.push({
    Sid: `${sid}LocateDestinationBucket`,
    Effect: 'Allow',
    Principal: principal,
    Action: 's3:GetBucketLocation',
    Resource: bucketArn(partition, destination.bucket),
  });
  return { Version: POLICY_VERSION, Statement: statements };
}
