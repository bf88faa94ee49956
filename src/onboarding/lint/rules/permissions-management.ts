import type { StatementRule } from '../lint-types.js';
import { actionsNamed, isAllow } from '../statement-view.js';

/** Actions that change who may access a resource. */
export const ACCESS_CHANGING_ACTIONS = [
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketOwnershipControls',
  'sns:SetTopicAttributes',
  'sns:AddPermission',
  'sns:RemovePermission',
  'sqs:SetQueueAttributes',
  'sqs:AddPermission',
  'sqs:RemovePermission',
  'kms:PutKeyPolicy',
  'kms:CreateGrant',
  'iam:PutRolePolicy',
  'iam:AttachRolePolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:CreatePolicyVersion',
];

/** Grants that let the grantee rewrite access itself. */
export const permissionsManagement: StatementRule = {
  id: 'permissions-management',
  check(view) {
    if (!isAllow(view)) return undefined;
    const found = actionsNamed(view, ACCESS_CHANGING_ACTIONS);
    if (found.length === 0) return undefined;
    return {
      level: 'error',
      message: `allows ${found.join(', ')}, which change who has access`,
      why: 'whoever holds this permission can grant themselves or anyone else more access; the workflow only reads and writes objects',
      fix: `remove ${found.join(', ')}; the resource owner manages policies`,
    };
  },
};
