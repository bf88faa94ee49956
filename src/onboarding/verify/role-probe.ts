/**
 * Credential providers the role checks need besides the connection's own: the chain asked for the
 * shortest session (so a duration problem does not hide a trust problem), and the caller of the
 * last hop (to try that hop without, or with a wrong, external ID).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { stsRegionFor } from '../../aws/auth-variant.js';
import { createClient } from '../../aws/client-factory.js';
import { fromConnection } from '../../aws/credentials.js';
import { awsErrorCode, messageOf } from '../../aws/errors.js';
import type { VerifyContext } from './verify-types.js';

/** The shortest session STS grants (15 minutes); every role accepts it, chained or not. */
export const SHORTEST_SESSION_SEC = 15 * 60;

/**
 * The configured role chain, asking each hop for {@link SHORTEST_SESSION_SEC}, with the current
 * external ID only: verify proves that one works, with no fallback to `previousExternalIds`.
 */
export function shortSessionChain(context: VerifyContext): AwsCredentialIdentityProvider {
  return fromConnection({
    connection: {
      ...context.connection,
      stsCredsExpirationSec: SHORTEST_SESSION_SEC,
      previousExternalIds: [],
    },
    settings: context.config.aws,
    vendorCredentials: context.vendorCredentials,
  });
}

/** Who calls AssumeRole on the last role of the chain: the vendor, or the previous hop's session. */
export function lastHopCaller(context: VerifyContext): AwsCredentialIdentityProvider {
  const arns = context.connection.assumeRoleArn;
  if (arns.length <= 1) return context.vendorCredentials;
  return fromConnection({
    connection: {
      ...context.connection,
      assumeRoleArn: arns.slice(0, -1),
      stsCredsExpirationSec: SHORTEST_SESSION_SEC,
      previousExternalIds: [],
    },
    settings: context.config.aws,
    vendorCredentials: context.vendorCredentials,
  });
}

/** The role the customer granted: the last of the chain. */
export function customerRoleArn(context: VerifyContext): string {
  return context.connection.assumeRoleArn.at(-1) ?? '';
}

/** Why role checks do not apply to a connection that assumes no role. */
export function noRoleReason(context: VerifyContext): string | undefined {
  return context.connection.assumeRoleFlag
    ? undefined
    : "assumeRoleFlag is false: the connection uses the vendor's own credentials, no role is assumed";
}

/** What AssumeRole of the customer's role answered: accepted, refused, or another error. */
export type RoleAttempt = 'accepted' | 'denied' | { error: string };

/**
 * AssumeRole of the customer's role (the last of the chain) with a given external ID (or none),
 * signed by {@link lastHopCaller}: how the role checks see what the trust policy accepts.
 */
export function customerRoleAttempts(
  context: VerifyContext,
): (externalId: string | undefined) => Promise<RoleAttempt> {
  const roleArn = customerRoleArn(context);
  const sts = createClient(STSClient, {
    settings: context.config.aws,
    region: stsRegionFor(roleArn, context.config.aws.region),
    credentials: lastHopCaller(context),
  });
  return async (externalId) => {
    try {
      await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: 'bucketbridge-verify',
          DurationSeconds: SHORTEST_SESSION_SEC,
          ...(externalId === undefined ? {} : { ExternalId: externalId }),
        }),
      );
      return 'accepted';
    } catch (error) {
      const code = awsErrorCode(error);
      if (code === 'AccessDenied' || code === 'AccessDeniedException') return 'denied';
      return { error: `${code ?? 'Error'}: ${messageOf(error)}` };
    }
  };
}
