import type { StatementRule } from '../lint-types.js';
import { actionsNamed, constrainingConditions, isAllow } from '../statement-view.js';

/** s3:ListBucket with no s3:prefix condition: every key name in the bucket is visible. */
export const listWithoutPrefix: StatementRule = {
  id: 'list-without-prefix',
  check(view) {
    if (!isAllow(view) || actionsNamed(view, ['s3:ListBucket']).length === 0) return undefined;
    if (constrainingConditions(view, 's3:prefix').length > 0) return undefined;
    return {
      level: 'warning',
      message: 'allows s3:ListBucket on the whole bucket (no s3:prefix condition)',
      why: 'the grantee sees every key name in the bucket, which often reveals customers, dates or file names outside the shared folder',
      fix: 'add "Condition": {"StringLike": {"s3:prefix": ["shared/", "shared/*"]}}, unless the whole bucket is meant to be shared',
    };
  },
};
