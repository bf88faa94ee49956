import type { StatementRule } from '../lint-types.js';
import { actionPatternCovers, constrainingConditions, isAllow, principalValues } from '../statement-view.js';

/** A trust policy statement letting AWS principals assume the role without an external ID. */
export const trustWithoutExternalId: StatementRule = {
  id: 'trust-without-external-id',
  check(view) {
    if (!isAllow(view)) return undefined;
    if (!view.actions.some((a) => actionPatternCovers(a, 'sts:AssumeRole'))) return undefined;
    const principals = principalValues(view.statement.Principal, 'AWS');
    if (principals.length === 0) return undefined;
    if (constrainingConditions(view, 'sts:ExternalId').length > 0) return undefined;
    return {
      level: 'error',
      message: `lets ${principals.join(', ')} assume the role without an external ID (no sts:ExternalId condition)`,
      why: "a vendor serving many customers can be tricked into using your role for someone else's job (the confused deputy): anyone who learns the role ARN can give it to the vendor as theirs",
      fix: 'add "Condition": {"StringEquals": {"sts:ExternalId": "<the external ID the vendor gave you>"}}',
    };
  },
};
