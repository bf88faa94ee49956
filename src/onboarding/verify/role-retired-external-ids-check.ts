/**
 * `role.retired-external-ids`: after `onboard --retire-external-id`, the customer's role refuses
 * each retired external ID (named with `verify --retired-external-id`; the configuration no longer
 * holds them); reported only when one is named. Depends on `role.assume`, so a refusal means the trust policy, not a missing role.
 */
import { customerRoleArn, customerRoleAttempts, noRoleReason, type RoleAttempt } from './role-probe.js';
import { type Check, type CheckOutcome, fail, pass, warn } from './verify-types.js';

export const roleRetiredExternalIdsCheck: Check = {
  id: 'role.retired-external-ids',
  dependsOn: ['role.assume'],
  onlyWhen: (context) => (context.retiredExternalIds ?? []).length > 0,
  notApplicable: noRoleReason,
  async run(context): Promise<CheckOutcome> {
    const roleArn = customerRoleArn(context);
    const ids = context.retiredExternalIds ?? [];
    const attempt = customerRoleAttempts(context);
    const attempts: RoleAttempt[] = [];
    for (const id of ids) attempts.push(await attempt(id));
    const accepted = ids.filter((_, i) => attempts[i] === 'accepted');
    if (accepted.length > 0) {
      return fail(
        `role ${roleArn} still accepts the retired external ID ${accepted.join(', ')}`,
        `Apply the trust policy onboard --retire-external-id wrote (it names only ${context.connection.externalId ?? 'the current externalId'}): ` +
          `bucketbridge onboard --connection ${context.connection.name} --apply with the customer's administrator, or the customer updates the stack, runs terraform apply or aws iam update-assume-role-policy as its README says.`,
      );
    }
    const unclear = attempts.filter((a): a is { error: string } => typeof a === 'object');
    if (unclear.length > 0) {
      return warn(
        `could not tell whether ${roleArn} refuses every retired external ID: ${unclear.map((u) => u.error).join('; ')}`,
        'Run verify again.',
      );
    }
    return pass(`role ${roleArn} refuses the retired external ID ${ids.join(', ')}`);
  },
};
