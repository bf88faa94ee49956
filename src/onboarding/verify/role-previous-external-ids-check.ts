/**
 * `role.previous-external-ids`: during an external-ID rotation (`previousExternalIds` set), which
 * previous IDs the customer's role still accepts. It warns while any is configured: accepted means
 * the overlap is still open (retire once the current ID works); refused means the customer already
 * trusts only the current one and the configuration should catch up. Reported only while
 * `previousExternalIds` is set. It does not depend on
 * `role.assume`, so that when the new ID is refused it tells whether the old one still works.
 */
import { customerRoleArn, customerRoleAttempts, noRoleReason, type RoleAttempt } from './role-probe.js';
import { type Check, type CheckOutcome, warn } from './verify-types.js';

/** The IDs whose attempt answered `answer`. */
function answered(ids: readonly string[], attempts: RoleAttempt[], answer: 'accepted' | 'denied'): string[] {
  return ids.filter((_, i) => attempts[i] === answer);
}

export const rolePreviousExternalIdsCheck: Check = {
  id: 'role.previous-external-ids',
  dependsOn: [],
  onlyWhen: (context) => (context.connection.previousExternalIds ?? []).length > 0,
  notApplicable: noRoleReason,
  async run(context): Promise<CheckOutcome> {
    const roleArn = customerRoleArn(context);
    const name = context.connection.name;
    const ids = context.connection.previousExternalIds ?? [];
    const attempt = customerRoleAttempts(context);
    const attempts: RoleAttempt[] = [];
    for (const id of ids) attempts.push(await attempt(id));
    const trusted = answered(ids, attempts, 'accepted');
    const refused = answered(ids, attempts, 'denied');
    const unclear = attempts.filter((a): a is { error: string } => typeof a === 'object');
    const details = [
      ...(trusted.length > 0
        ? [
            `role ${roleArn} still trusts the previous external ID ${trusted.join(', ')} (the rotation's overlap)`,
          ]
        : []),
      ...(refused.length > 0
        ? [
            `role ${roleArn} refuses the previous external ID ${refused.join(', ')}: the trust policy no longer names it`,
          ]
        : []),
      ...unclear.map((u) => `could not tell for one previous external ID: ${u.error}`),
    ];
    const retire = `bucketbridge onboard --connection ${name} --retire-external-id`;
    return warn(
      details.join('; '),
      trusted.length > 0
        ? `Once role.assume passes with the current externalId (workers switch to it at their next credential refresh), run ${retire} ` +
            '(with --apply, or send the customer the new files), then verify with --retired-external-id for each retired ID.'
        : `If role.assume passes, the customer already trusts only the current externalId: run ${retire} to remove previousExternalIds from the configuration.`,
    );
  },
};
