/**
 * `identity`: the connection's credentials are the customer's: GetCallerIdentity names the
 * customer's account (connection.accountId) and, with a role, the assumed-role session of it.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsErrorCode, messageOf } from '../../aws/errors.js';
import { customerRoleArn } from './role-probe.js';
import { type Check, fail, pass } from './verify-types.js';

/** `arn:aws:iam::123:role/path/Name` → `Name` (assumed-role ARNs carry the name without the path). */
function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

export const identityCheck: Check = {
  id: 'identity',
  dependsOn: ['role.assume', 'role.duration'],
  async run(context) {
    const { connection } = context;
    let arn: string;
    let account: string;
    try {
      const answer = await context.access
        .client(STSClient, context.config.aws.region)
        .send(new GetCallerIdentityCommand({}));
      arn = answer.Arn ?? '';
      account = answer.Account ?? '';
    } catch (error) {
      return fail(
        `GetCallerIdentity failed: ${awsErrorCode(error) ?? 'Error'}: ${messageOf(error)}`,
        "Check the vendor's credentials and the aws.endpoint/aws.region settings.",
      );
    }
    if (account !== connection.accountId) {
      return fail(
        `the credentials belong to account ${account} (${arn}), not the customer's account ${connection.accountId}`,
        connection.assumeRoleFlag
          ? `Set assumeRoleArn to the role in account ${connection.accountId}, or correct accountId.`
          : `Set assumeRoleFlag: true and assumeRoleArn to the customer's role, or correct accountId.`,
      );
    }
    if (connection.assumeRoleFlag) {
      const expected = `:assumed-role/${roleNameOf(customerRoleArn(context))}/`;
      if (!arn.includes(expected)) {
        return fail(
          `the caller is ${arn}, not a session of ${customerRoleArn(context)}`,
          'Check assumeRoleArn: its last role must be the one the customer created.',
        );
      }
    }
    return pass(`caller ${arn} in the customer's account ${account}`);
  },
};
