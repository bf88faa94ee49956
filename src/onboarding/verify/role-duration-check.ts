/**
 * `role.duration`: STS grants the session length the connection asks for (stsCredsExpirationTime).
 * Two rules can refuse it: the role's MaxSessionDuration, and the 1h cap on chained sessions.
 */

import { fromConnection } from '../../aws/credentials.js';
import { AssumeRoleError, messageOf } from '../../aws/errors.js';
import { formatDurationSec } from '../../config/duration.js';
import { noRoleReason } from './role-probe.js';
import { type Check, fail, pass } from './verify-types.js';

export const roleDurationCheck: Check = {
  id: 'role.duration',
  dependsOn: ['role.assume'],
  notApplicable: noRoleReason,
  async run(context) {
    const duration = formatDurationSec(context.connection.stsCredsExpirationSec);
    try {
      // A fresh provider: the connection's own one may be shared and cached by other checks.
      await fromConnection({
        connection: context.connection,
        settings: context.config.aws,
        vendorCredentials: context.vendorCredentials,
      })();
    } catch (error) {
      const reason = error instanceof AssumeRoleError ? error.reason : 'other';
      const remediation =
        reason === 'duration-above-chaining-limit'
          ? 'Set stsCredsExpirationTime to 1h or less: AWS caps a session obtained with the credentials of another assumed role (role chaining) at 1h.'
          : reason === 'duration-above-role-maximum'
            ? `Raise the role's MaxSessionDuration to at least ${duration} (IAM allows up to 12h; the generated template sets it), or lower stsCredsExpirationTime.`
            : 'Fix the cause named above, then run verify again.';
      return fail(messageOf(error), remediation);
    }
    return pass(`STS granted the configured session length stsCredsExpirationTime ${duration}`);
  },
};
