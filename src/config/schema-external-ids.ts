/**
 * `connections[].previousExternalIds`: the external IDs a connection used before its last
 * `onboard --rotate-external-id`, still accepted by the customer's trust policy until
 * `onboard --retire-external-id` removes them. Each has the same shape as `externalId`; the rules
 * that involve the current ID (no duplicate, not the current one, only with one) are located here
 * too and hooked into the cross-field rules.
 */
import { z } from 'zod';
import { describeValue } from './describe-value.js';
import type { RawProblem } from './raw-problem.js';
import { externalIdSchema } from './schema-primitives.js';

export const previousExternalIdsSchema = z
  .array(externalIdSchema)
  .optional()
  .describe(
    'External IDs replaced by `onboard --rotate-external-id`, still trusted (and tried by workers when the current one is refused) until `onboard --retire-external-id` removes them. Written by onboard; no duplicates, never the current `externalId`.',
  );

/** The problems of one connection's `previousExternalIds` that the list's own schema cannot see. */
export function previousExternalIdsProblems(
  connection: Record<string, unknown>,
  index: number,
): RawProblem[] {
  const previous = connection.previousExternalIds;
  if (!Array.isArray(previous)) return [];
  const at = (...rest: (string | number)[]) => ['connections', index, ...rest];
  const current = connection.externalId;
  if (current === undefined && previous.length > 0) {
    return [
      {
        path: at('previousExternalIds'),
        expected: 'previousExternalIds only with an externalId (the ID they were rotated to)',
        found: 'no externalId key',
        hint: 'set externalId to the current external ID, or remove previousExternalIds',
        at: 'key',
      },
    ];
  }
  const problems: RawProblem[] = [];
  const firstIndex = new Map<unknown, number>();
  previous.forEach((id, i) => {
    if (typeof id !== 'string') return;
    if (id === current) {
      problems.push({
        path: at('previousExternalIds', i),
        expected: 'an external ID other than the current externalId',
        found: describeValue(id),
        hint: 'the current externalId is always trusted; remove it from previousExternalIds',
      });
      return;
    }
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, i);
    else {
      problems.push({
        path: at('previousExternalIds', i),
        expected: 'an external ID not listed twice',
        found: describeValue(id),
        hint: `previousExternalIds[${first}] already holds it; remove this one`,
      });
    }
  });
  return problems;
}
