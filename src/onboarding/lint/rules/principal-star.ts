import type { StatementRule } from '../lint-types.js';
import { constrainingConditions, hasEveryonePrincipal, isAllow } from '../statement-view.js';

/** Condition keys that tie an "everyone" principal down to a known account, organisation, source or network. */
export const RESTRICTING_KEYS = [
  'aws:SourceArn',
  'aws:SourceAccount',
  'aws:SourceOwner',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:SourceVpce',
  'aws:SourceVpc',
  'aws:SourceIp',
  'aws:userid',
];

/** `"Principal": "*"` with nothing narrowing who that is. */
export const principalStar: StatementRule = {
  id: 'principal-star',
  check(view) {
    if (!isAllow(view) || !hasEveryonePrincipal(view)) return undefined;
    if (RESTRICTING_KEYS.some((key) => constrainingConditions(view, key).length > 0)) return undefined;
    return {
      level: 'error',
      message: 'allows everyone ("Principal": "*") with no condition restricting who',
      why: 'anyone with an AWS account, or no account at all, can use what this statement grants',
      fix: 'name the principals (role or account ARNs), or add a condition such as aws:SourceArn/aws:SourceAccount (for a service) or aws:PrincipalOrgID',
    };
  },
};
