import type { StatementRule } from '../lint-types.js';
import { isAllow } from '../statement-view.js';

/** `"Action": "s3:*"` and the like in an Allow statement. */
export const wildcardAction: StatementRule = {
  id: 'wildcard-action',
  check(view) {
    if (!isAllow(view)) return undefined;
    const wild = view.actions.filter((a) => a.includes('*') || a.includes('?'));
    if (wild.length === 0) return undefined;
    return {
      level: 'error',
      message: `allows wildcard action${wild.length > 1 ? 's' : ''} ${wild.join(', ')}`,
      why: 'a pattern grants every action that matches it, today and in the future, including deletes and policy changes the grantee never needs',
      fix: 'list the exact actions the workflow needs, e.g. "s3:GetObject" instead of "s3:*" or "s3:Get*"',
    };
  },
};
