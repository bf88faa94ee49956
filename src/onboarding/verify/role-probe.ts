/**
 * Credential providers the role checks need besides the connection's own: the chain asked for the
 * shortest session (so a duration problem does not hide a trust problem), and the caller of the
 * last hop (to try that hop without, or with a wrong, external ID).
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { fromConnection } from '../../aws/credentials.js';
import type { VerifyContext } from './verify-types.js';

/** The shortest session STS grants (15 minutes); every role accepts it, chained or not. */
export const SHORTEST_SESSION_SEC = 15 * 60;

/** The configured role chain, asking each hop for {@link SHORTEST_SESSION_SEC}. */
export function shortSessionChain(context: VerifyContext): AwsCredentialIdentityProvider {
  return fromConnection({
    connection: { ...context.connection, stsCredsExpirationSec: SHORTEST_SESSION_SEC },
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
