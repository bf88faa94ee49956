/**
 * The identifiers S3 shows for accounts and principals. The sandbox has no canonical user IDs or
 * IAM unique IDs, so they are derived from the account ID / ARN: stable, and shaped like AWS's.
 */
import { createHash } from 'node:crypto';
import type { CallerIdentity } from '../core/identity.js';

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The 64-hex-digit canonical user ID of an account (Owner/ID in listings and ACLs). */
export function canonicalUserId(accountId: string): string {
  return digest(`canonical:${accountId}`);
}

/** The short owner ID that event notifications carry in `ownerIdentity.principalId`. */
export function ownerPrincipalId(accountId: string): string {
  return `A${digest(`owner:${accountId}`).slice(0, 13).toUpperCase()}`;
}

/** The `userIdentity.principalId` of an event: `AWS:<account>` for a root user, `AWS:AROA…:<session>` for a role session. */
export function eventPrincipalId(caller: CallerIdentity): string {
  if (caller.kind === 'assumed-role' && caller.roleArn) {
    const roleId = `AROA${digest(`role:${caller.roleArn}`).slice(0, 17).toUpperCase()}`;
    return `AWS:${roleId}:${caller.sessionName ?? ''}`;
  }
  return `AWS:${caller.accountId}`;
}
