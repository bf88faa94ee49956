/**
 * `role.assume`: the configured chain can be assumed with the configured external ID. Asked for the
 * shortest session, so that a session-length problem shows in `role.duration` instead.
 */
import { AssumeRoleError, messageOf } from '../../aws/errors.js';
import { customerRoleArn, noRoleReason, shortSessionChain } from './role-probe.js';
import { type Check, fail, pass } from './verify-types.js';

export const roleAssumeCheck: Check = {
  id: 'role.assume',
  dependsOn: [],
  notApplicable: noRoleReason,
  async run(context) {
    const chain = context.connection.assumeRoleArn;
    const externalId = context.connection.externalId;
    try {
      await shortSessionChain(context)();
    } catch (error) {
      const denied = error instanceof AssumeRoleError && error.reason === 'access-denied';
      const rotating = (context.connection.previousExternalIds ?? []).length > 0;
      return fail(
        messageOf(error),
        denied && rotating
          ? 'An external-ID rotation is in progress (previousExternalIds): the customer has not applied the trust policy that accepts the new externalId yet ' +
              '(workers fall back to a previous ID meanwhile; role.previous-external-ids says which still works). ' +
              "`bucketbridge onboard --apply` with their administrator, or their README's rotation step, applies it."
          : denied
            ? `In the trust policy of ${error.roleArn}, allow sts:AssumeRole to the vendor principals (${context.config.vendor.principals.join(', ')}) ` +
              `with the condition StringEquals sts:ExternalId = ${externalId ?? '<the connection externalId>'} ` +
              '(`bucketbridge onboard --apply` or the generated template does this); if the trust policy is right, ' +
              "correct the connection's externalId to the value the customer's trust policy holds."
            : 'Fix the cause named above, then run verify again.',
      );
    }
    return pass(
      `assumed ${chain.join(' then ')} with ${externalId === undefined ? 'no external ID' : 'the configured external ID'}` +
        ` (role ${customerRoleArn(context)})`,
    );
  },
};
