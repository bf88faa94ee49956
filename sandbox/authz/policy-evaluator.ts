/**
 * Evaluates one policy document for one request: which of its statements apply, and with which
 * effect. Identity policies ignore principals (they are attached to the caller); resource
 * policies (bucket, topic, queue, role trust) apply only the statements that name the caller.
 */
import type { CallerIdentity } from '../core/identity.js';
import type { PolicyDocument, PolicyStatement } from '../core/types.js';
import { type ConditionLookup, evaluateConditions } from './condition-evaluator.js';
import { matchStatementPrincipal, type PrincipalMatch } from './principal-matcher.js';
import { asList, matchWildcard } from './wildcard.js';

export interface PolicyQuery {
  caller: CallerIdentity;
  action: string;
  resource: string;
  /** The request's condition keys, global ones included. */
  context: ConditionLookup;
}

/** What one policy says about a request; several flags may be set at once. */
export interface PolicyVerdict {
  /** A matching Deny statement. */
  deny: boolean;
  /** A matching Allow statement that names the caller itself (or, for identity policies, any). */
  allowDirect: boolean;
  /** A matching Allow statement that names only the caller's account (delegation). */
  allowAccount: boolean;
}

function matchesAction(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) {
    return asList(statement.Action).some((p) => matchWildcard(p, action, { ignoreCase: true }));
  }
  if (statement.NotAction !== undefined) {
    return !asList(statement.NotAction).some((p) => matchWildcard(p, action, { ignoreCase: true }));
  }
  return false;
}

function matchesResource(statement: PolicyStatement, resource: string): boolean {
  if (statement.Resource !== undefined)
    return asList(statement.Resource).some((p) => matchWildcard(p, resource));
  if (statement.NotResource !== undefined) {
    return !asList(statement.NotResource).some((p) => matchWildcard(p, resource));
  }
  // Trust policies carry no Resource: the role they are attached to is the resource.
  return true;
}

export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  return asList(document.Statement);
}

/** Evaluates a policy document; `kind` says whether statements must name the caller as principal. */
export function evaluatePolicy(
  document: PolicyDocument,
  query: PolicyQuery,
  kind: 'identity' | 'resource',
): PolicyVerdict {
  const verdict: PolicyVerdict = { deny: false, allowDirect: false, allowAccount: false };
  for (const statement of statementsOf(document)) {
    let principal: PrincipalMatch | undefined = 'direct';
    if (kind === 'resource') {
      principal = matchStatementPrincipal(statement, query.caller);
      if (principal === undefined) continue;
    }
    if (!matchesAction(statement, query.action)) continue;
    if (!matchesResource(statement, query.resource)) continue;
    if (!evaluateConditions(statement.Condition, query.context)) continue;
    if (statement.Effect === 'Deny') verdict.deny = true;
    else if (statement.Effect === 'Allow') {
      if (principal === 'direct') verdict.allowDirect = true;
      else verdict.allowAccount = true;
    }
  }
  return verdict;
}
