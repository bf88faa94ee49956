/**
 * Statements for the source bucket's policy naming the role: the seed guide's step 3, limited to the
 * prefix. Within one account the role's own policy already grants this; the bucket statements make
 * the grant visible on the bucket and keep working when the bucket has a policy that denies
 * principals it does not name. Sids carry the connection name so several connections can share a
 * bucket and `--apply` can merge by Sid.
 */
import type { OnboardingContext } from '../onboarding-context.js';
import { listPrefixCondition } from './permissions-policy.js';
import { bucketArn, objectsArn, POLICY_VERSION, type PolicyDocument, sidPart } from './policy-document.js';

export function buildSourceBucketPolicy(context: OnboardingContext): PolicyDocument {
  const { partition, source } = context;
  const sid = `BucketBridge${sidPart(context.connectionName)}`;
  const principal = { AWS: context.roleArn };
  const listCondition = listPrefixCondition(source.policyPrefix);
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: `${sid}ListSourcePrefix`,
        Effect: 'Allow',
        Principal: principal,
        Action: 's3:ListBucket',
        Resource: bucketArn(partition, source.bucket),
        ...(listCondition ? { Condition: listCondition } : {}),
      },
      {
        Sid: `${sid}LocateSourceBucket`,
        Effect: 'Allow',
        Principal: principal,
        Action: 's3:GetBucketLocation',
        Resource: bucketArn(partition, source.bucket),
      },
      {
        Sid: `${sid}ReadSourceObjects`,
        Effect: 'Allow',
        Principal: principal,
        Action: 's3:GetObject',
        Resource: objectsArn(partition, source.bucket, source.policyPrefix),
      },
    ],
  };
}
