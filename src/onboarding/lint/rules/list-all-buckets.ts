import type { StatementRule } from '../lint-types.js';
import { actionsNamed, isAllow } from '../statement-view.js';

/** s3:ListAllMyBuckets: not dangerous, but not needed either. */
export const listAllBuckets: StatementRule = {
  id: 'list-all-buckets',
  check(view) {
    if (!isAllow(view) || actionsNamed(view, ['s3:ListAllMyBuckets']).length === 0) return undefined;
    return {
      level: 'warning',
      message: 'allows s3:ListAllMyBuckets',
      why: 'it reveals the name of every bucket in the account; a connection names its buckets, so it is not needed',
      fix: 'remove the statement (bucketbridge adds it only with onboarding.allowListAllBuckets: true)',
    };
  },
};
