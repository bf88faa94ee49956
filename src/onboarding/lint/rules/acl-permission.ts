import type { StatementRule } from '../lint-types.js';
import { actionsNamed, isAllow } from '../statement-view.js';

export const ACL_ACTIONS = ['s3:PutObjectAcl', 's3:PutObjectVersionAcl', 's3:PutBucketAcl'];

/**
 * ACL permissions. Whether the bucket accepts ACLs is not in the policy: with `--acls-disabled`
 * (Object Ownership "bucket owner enforced") they are an error, otherwise a warning.
 */
export const aclPermission: StatementRule = {
  id: 'acl-permission',
  check(view, options) {
    if (!isAllow(view)) return undefined;
    const acl = actionsNamed(view, ACL_ACTIONS);
    if (acl.length === 0) return undefined;
    if (options.aclsDisabled) {
      return {
        level: 'error',
        message: `allows ${acl.join(', ')} but the buckets have ACLs disabled`,
        why: 'with Object Ownership "bucket owner enforced" S3 rejects every ACL except bucket-owner-full-control (AccessControlListNotSupported); the permission only invites failing requests',
        fix: `remove ${acl.join(', ')} and do not configure an ACL for the destination`,
      };
    }
    return {
      level: 'warning',
      message: `allows ${acl.join(', ')}`,
      why: 'ACLs are disabled on buckets created since April 2023 (Object Ownership "bucket owner enforced"), where ACL requests fail; where they are enabled, the grantee can change who may read objects',
      fix: `remove ${acl.join(', ')} unless the destination bucket needs ACLs; if it does, limit it with a condition on s3:x-amz-acl (run with --acls-disabled to make this an error)`,
    };
  },
};
