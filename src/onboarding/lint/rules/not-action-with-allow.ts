import type { StatementRule } from '../lint-types.js';
import { isAllow } from '../statement-view.js';

/** NotAction, NotResource or NotPrincipal in an Allow statement. */
export const notActionWithAllow: StatementRule = {
  id: 'not-action-with-allow',
  check(view) {
    if (!isAllow(view)) return undefined;
    const elements = (['NotAction', 'NotResource', 'NotPrincipal'] as const).filter(
      (e) => view.statement[e] !== undefined,
    );
    if (elements.length === 0) return undefined;
    return {
      level: 'error',
      message: `uses ${elements.join(' and ')} with "Effect": "Allow"`,
      why: 'it allows everything except what is listed, including every action and resource AWS adds later',
      fix: `list what is allowed with ${elements.map((e) => e.slice(3)).join(' and ')} instead; keep Not* elements for Deny statements`,
    };
  },
};
