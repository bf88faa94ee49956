import type { StatementRule, StatementView } from '../lint-types.js';
import { isAllow } from '../statement-view.js';

/**
 * Actions that accept no narrower resource than `*` (IAM's "wildcard-only" actions) among those
 * cross-account integrations meet; `Resource: "*"` is the only way to grant them.
 */
export const WILDCARD_ONLY_ACTIONS = [
  's3:ListAllMyBuckets',
  's3:ListAccessPoints',
  's3:ListJobs',
  's3:CreateJob',
  's3:ListStorageLensConfigurations',
  'sts:GetCallerIdentity',
  'sts:GetSessionToken',
  'sts:DecodeAuthorizationMessage',
  'sns:ListTopics',
  'sns:ListSubscriptions',
  'sqs:ListQueues',
  'kms:ListKeys',
  'kms:ListAliases',
  'kms:GenerateRandom',
  'kms:CreateKey',
];

/**
 * A statement of a KMS key policy: it names a principal (a resource-based policy) and grants only
 * `kms:` actions. In a key policy `"Resource": "*"` means the key the policy is attached to, and AWS
 * documents it as the value to use, so it reaches nothing else.
 */
function isKeyPolicyStatement(view: StatementView): boolean {
  return (
    view.statement.Principal !== undefined &&
    view.actions.length > 0 &&
    view.actions.every((action) => action.toLowerCase().startsWith('kms:'))
  );
}

/** `"Resource": "*"` on actions that could name their resources. */
export const resourceStar: StatementRule = {
  id: 'resource-star',
  check(view) {
    if (!isAllow(view) || !view.resources.includes('*')) return undefined;
    if (isKeyPolicyStatement(view)) return undefined;
    // A pattern such as s3:List* is narrowable: it covers actions that take a resource.
    const narrowable = view.actions.filter(
      (action) => !WILDCARD_ONLY_ACTIONS.some((only) => only.toLowerCase() === action.toLowerCase()),
    );
    if (narrowable.length === 0) return undefined;
    return {
      level: 'error',
      message: `allows ${narrowable.join(', ')} on every resource ("Resource": "*")`,
      why: 'the grant reaches every bucket, object, topic or queue the account has or will have, not just the ones the workflow uses',
      fix: 'name the resources, e.g. "arn:aws:s3:::my-bucket" for bucket actions and "arn:aws:s3:::my-bucket/prefix/*" for object actions',
    };
  },
};
