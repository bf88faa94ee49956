/**
 * Whether a resource policy's `Principal` names the caller, and how.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
import type { CallerIdentity } from '../core/identity.js';
import type { PolicyStatement } from '../core/types.js';
import { asList } from './wildcard.js';

/**
 * `direct`: the policy names this principal itself (its ARN, its role, its service, or everyone),
 * so the resource side alone grants access within the account. `account`: the policy names the
 * caller's account, which delegates the decision to that account's identity policies.
 */
export type PrincipalMatch = 'direct' | 'account';

const ACCOUNT_ID = /^\d{12}$/;
const ROOT_ARN = /^arn:aws:iam::(\d{12}):root$/;

function matchAwsEntry(entry: string, caller: CallerIdentity): PrincipalMatch | undefined {
  if (entry === '*') return 'direct';
  if (caller.kind === 'service') return undefined;
  if (ACCOUNT_ID.test(entry)) return entry === caller.accountId ? 'account' : undefined;
  const root = ROOT_ARN.exec(entry);
  if (root) return root[1] === caller.accountId ? 'account' : undefined;
  if (entry === caller.arn) return 'direct';
  // A role ARN matches every session of that role.
  if (caller.kind === 'assumed-role' && caller.roleArn !== undefined && entry === caller.roleArn)
    return 'direct';
  return undefined;
}

function matchMap(
  principal: Record<string, string | string[]>,
  caller: CallerIdentity,
): PrincipalMatch | undefined {
  let best: PrincipalMatch | undefined;
  for (const [type, value] of Object.entries(principal)) {
    for (const entry of asList(value)) {
      let match: PrincipalMatch | undefined;
      if (type === 'AWS') match = matchAwsEntry(entry, caller);
      else if (type === 'Service')
        match = caller.kind === 'service' && entry === caller.servicePrincipal ? 'direct' : undefined;
      // Federated and CanonicalUser principals have no callers in the sandbox.
      if (match === 'direct') return 'direct';
      best ??= match;
    }
  }
  return best;
}

/** How the statement's Principal/NotPrincipal applies to the caller; undefined when it does not. */
export function matchStatementPrincipal(
  statement: PolicyStatement,
  caller: CallerIdentity,
): PrincipalMatch | undefined {
  if (statement.Principal !== undefined) {
    if (statement.Principal === '*') return 'direct';
    return matchMap(statement.Principal, caller);
  }
  if (statement.NotPrincipal !== undefined) {
    // NotPrincipal applies to everyone it does not name; being named by account counts as named.
    return matchMap(statement.NotPrincipal, caller) === undefined ? 'direct' : undefined;
  }
  return undefined;
}
