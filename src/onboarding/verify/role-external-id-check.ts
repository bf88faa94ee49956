/**
 * `role.external-id-enforced`: the customer's role must refuse AssumeRole without the external ID
 * and with a wrong one. A role that accepts either can be used by anyone who learns its ARN and is
 * trusted (the confused-deputy problem the external ID exists to prevent).
 */
import { randomBytes } from 'node:crypto';
import { customerRoleArn, customerRoleAttempts, noRoleReason } from './role-probe.js';
import { type Check, type CheckOutcome, fail, pass, warn } from './verify-types.js';

export const roleExternalIdCheck: Check = {
  id: 'role.external-id-enforced',
  dependsOn: ['role.assume'],
  notApplicable: noRoleReason,
  async run(context): Promise<CheckOutcome> {
    const roleArn = customerRoleArn(context);
    const attempt = customerRoleAttempts(context);
    const wrongId = `bucketbridge-verify-wrong-${randomBytes(6).toString('hex')}`;
    const without = await attempt(undefined);
    const wrong = await attempt(wrongId);
    const accepted = [
      ...(without === 'accepted' ? ['with no external ID'] : []),
      ...(wrong === 'accepted' ? ['with a wrong external ID'] : []),
    ];
    if (accepted.length > 0) {
      return fail(
        `role ${roleArn} can be assumed ${accepted.join(' and ')}: unsafe to use, anyone trusted who learns the role ARN can use it`,
        `Add the condition StringEquals sts:ExternalId = ${context.connection.externalId ?? '<a unique external ID>'} ` +
          'to the sts:AssumeRole statement of the trust policy (`bucketbridge onboard --apply` or the generated template does this).',
      );
    }
    const unclear = [without, wrong].filter((a): a is { error: string } => typeof a === 'object');
    if (unclear.length > 0) {
      return warn(
        `could not tell whether ${roleArn} requires its external ID: ${unclear.map((u) => u.error).join('; ')}`,
        'Run verify again; if this persists, check the trust policy has the sts:ExternalId condition.',
      );
    }
    return pass(`role ${roleArn} refuses AssumeRole with no external ID and with a wrong one`);
  },
};
