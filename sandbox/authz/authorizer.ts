/**
 * The sandbox's IAM policy evaluation, as AWS documents it for requests within one account and
 * across accounts:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *
 * - An explicit Deny in any applicable policy wins.
 * - Within the resource's account, either side may allow: the caller's identity policies (an
 *   account's root user may do anything there) or a resource policy naming the caller.
 * - Across accounts, both must: the caller's identity side and the resource policy.
 * - A resource policy that names only an account delegates to that account's identity policies.
 * - Role trust (`sts:AssumeRole*`) always needs the trust policy, even within the account.
 * - Service principals (`s3.amazonaws.com`) have no identity policies: only the resource's can allow.
 */

import { AwsError } from '../core/errors.js';
import type { CallerIdentity } from '../core/identity.js';
import type { AuthorizationRequest, Authorizer, CrossServiceHooks, PolicyDocument } from '../core/types.js';
import { type ConditionContext, type ConditionLookup, contextLookup } from './condition-evaluator.js';
import { evaluatePolicy, type PolicyQuery, type PolicyVerdict } from './policy-evaluator.js';

export interface AuthorizerOptions {
  /** The clock for `aws:CurrentTime` / `aws:EpochTime`; defaults to the system clock. */
  now?: () => Date;
}

/** Why a request was refused, in the words AWS's denial messages use. */
export type DenialReason =
  | 'explicit-deny-identity'
  | 'explicit-deny-resource'
  | 'explicit-deny-session'
  | 'no-identity-allow'
  | 'no-session-allow'
  | 'no-resource-allow'
  | 'trust-policy';

export type AuthorizationDecision = { allowed: true } | { allowed: false; reason: DenialReason };

/** The role inline policies the identity side needs; a narrow slice of the cross-service hooks. */
export type RolePolicySource = Pick<CrossServiceHooks, 'rolePolicies'>;

/** Global condition keys AWS derives from the caller (`aws:Principal*`) and the clock. */
export function globalConditionKeys(caller: CallerIdentity, now: Date): ConditionContext {
  const keys: ConditionContext = {
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
  };
  if (caller.kind === 'service') {
    keys['aws:PrincipalServiceName'] = caller.servicePrincipal;
    keys['aws:PrincipalIsAWSService'] = 'true';
    return keys;
  }
  keys['aws:PrincipalIsAWSService'] = 'false';
  keys['aws:PrincipalAccount'] = caller.accountId;
  if (caller.kind === 'root') {
    keys['aws:PrincipalArn'] = `arn:aws:iam::${caller.accountId}:root`;
    keys['aws:PrincipalType'] = 'Account';
    keys['aws:userid'] = caller.accountId;
  } else {
    // For a role session AWS reports the role's ARN as aws:PrincipalArn, not the session's.
    keys['aws:PrincipalArn'] = caller.roleArn;
    keys['aws:PrincipalType'] = 'AssumedRole';
    keys['aws:userid'] = caller.userId;
  }
  return keys;
}

/** Keys AWS derives from the caller and the clock: a request's own context cannot set them. */
const CALLER_DERIVED_KEYS = new Set(
  [
    'aws:CurrentTime',
    'aws:EpochTime',
    'aws:PrincipalServiceName',
    'aws:PrincipalIsAWSService',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalType',
    'aws:userid',
  ].map((k) => k.toLowerCase()),
);

function buildQuery(request: AuthorizationRequest, now: Date): PolicyQuery {
  const { caller } = request;
  const fromRequest = contextLookup(request.context ?? {});
  // Computed only when a condition asks for one of them: most requests never do.
  let derived: ConditionLookup | undefined;
  const context: ConditionLookup = (key) => {
    const lower = key.toLowerCase();
    if (CALLER_DERIVED_KEYS.has(lower)) {
      derived ??= contextLookup(globalConditionKeys(caller, now));
      return derived(key);
    }
    const values = fromRequest(key);
    if (values !== undefined) return values;
    if (lower === 'aws:securetransport') return ['false'];
    // A service acts for an account; that is its aws:SourceAccount unless the service said otherwise.
    if (lower === 'aws:sourceaccount' && caller.kind === 'service') return [caller.accountId];
    return undefined;
  };
  return { caller, action: request.action, resource: request.resource, context };
}

const sessionPolicies = new Map<string, PolicyDocument>();

/** Session policies were validated when STS issued the session; parsed once and kept. */
function sessionVerdict(text: string, query: PolicyQuery): PolicyVerdict {
  let document = sessionPolicies.get(text);
  if (!document) {
    document = JSON.parse(text) as PolicyDocument;
    if (sessionPolicies.size > 1000) sessionPolicies.clear();
    sessionPolicies.set(text, document);
  }
  return evaluatePolicy(document, query, 'identity');
}

const NONE: PolicyVerdict = { deny: false, allowDirect: false, allowAccount: false };

/** Evaluates a request without throwing; the authorizer and tests share it. */
export function evaluateAuthorization(
  roles: RolePolicySource,
  request: AuthorizationRequest,
  now: Date = new Date(),
): AuthorizationDecision {
  const { caller } = request;
  const query = buildQuery(request, now);

  let identityAllows = false;
  let identityDenies = false;
  if (caller.kind === 'root') {
    identityAllows = true;
  } else if (caller.kind === 'assumed-role' && caller.roleArn !== undefined) {
    for (const policy of roles.rolePolicies(caller.roleArn)) {
      const verdict = evaluatePolicy(policy, query, 'identity');
      identityDenies ||= verdict.deny;
      identityAllows ||= verdict.allowDirect;
    }
  }
  const resource = request.resourcePolicy ? evaluatePolicy(request.resourcePolicy, query, 'resource') : NONE;
  const session =
    caller.sessionPolicy === undefined ? undefined : sessionVerdict(caller.sessionPolicy, query);

  if (identityDenies) return { allowed: false, reason: 'explicit-deny-identity' };
  if (session?.deny) return { allowed: false, reason: 'explicit-deny-session' };
  if (resource.deny) return { allowed: false, reason: 'explicit-deny-resource' };
  // A session policy caps what the role's own policies grant (resource policies naming the
  // session itself are not capped by it; the sandbox applies the cap to the identity side only).
  if (session && identityAllows && !session.allowDirect) {
    const crossAccount = caller.accountId !== request.resourceAccountId;
    if (crossAccount || !resource.allowDirect) return { allowed: false, reason: 'no-session-allow' };
  }

  const resourceAllowsWithIdentity = resource.allowDirect || (resource.allowAccount && identityAllows);
  if (request.resourcePolicyGoverns) return keyPolicyDecision(request, resource, identityAllows);
  if (/^sts:AssumeRole/i.test(request.action)) {
    if (caller.kind === 'service' || caller.accountId === request.resourceAccountId) {
      return resourceAllowsWithIdentity ? { allowed: true } : { allowed: false, reason: 'trust-policy' };
    }
    return identityAllows && resourceAllowsWithIdentity
      ? { allowed: true }
      : { allowed: false, reason: 'trust-policy' };
  }
  if (caller.kind === 'service') {
    return resource.allowDirect ? { allowed: true } : { allowed: false, reason: 'no-resource-allow' };
  }
  if (caller.accountId === request.resourceAccountId) {
    return identityAllows || resource.allowDirect
      ? { allowed: true }
      : { allowed: false, reason: 'no-identity-allow' };
  }
  if (!identityAllows) return { allowed: false, reason: 'no-identity-allow' };
  return resource.allowDirect || resource.allowAccount
    ? { allowed: true }
    : { allowed: false, reason: 'no-resource-allow' };
}

/**
 * KMS: the key policy must allow the caller itself, or name its account and the caller's IAM
 * policies allow too; across accounts both sides are always needed.
 * https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html
 */
function keyPolicyDecision(
  request: AuthorizationRequest,
  keyPolicy: PolicyVerdict,
  identityAllows: boolean,
): AuthorizationDecision {
  const { caller } = request;
  if (!keyPolicy.allowDirect && !keyPolicy.allowAccount)
    return { allowed: false, reason: 'no-resource-allow' };
  const sameAccount = caller.kind === 'service' || caller.accountId === request.resourceAccountId;
  if (sameAccount && keyPolicy.allowDirect) return { allowed: true };
  return identityAllows ? { allowed: true } : { allowed: false, reason: 'no-identity-allow' };
}

/**
 * AWS's denial message. S3 quotes the resource ARN; STS's trust-policy refusal carries no reason.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 */
export function denialMessage(request: AuthorizationRequest, reason: DenialReason): string {
  const resource = request.action.toLowerCase().startsWith('s3:')
    ? `"${request.resource}"`
    : request.resource;
  const head = `User: ${request.caller.arn} is not authorized to perform: ${request.action} on resource: ${resource}`;
  switch (reason) {
    case 'trust-policy':
      return head;
    case 'explicit-deny-identity':
      return `${head} with an explicit deny in an identity-based policy`;
    case 'explicit-deny-resource':
      return `${head} with an explicit deny in a resource-based policy`;
    case 'explicit-deny-session':
      return `${head} with an explicit deny in a session policy`;
    case 'no-session-allow':
      return `${head} because no session policy allows the ${request.action} action`;
    case 'no-identity-allow':
      return `${head} because no identity-based policy allows the ${request.action} action`;
    case 'no-resource-allow':
      return `${head} because no resource-based policy allows the ${request.action} action`;
  }
}

/** Builds the authorizer every service calls before acting for a caller. */
export function createAuthorizer(hooks: RolePolicySource, options: AuthorizerOptions = {}): Authorizer {
  const now = options.now ?? (() => new Date());
  return {
    authorize(request) {
      const decision = evaluateAuthorization(hooks, request, now());
      if (!decision.allowed) throw new AwsError('AccessDenied', denialMessage(request, decision.reason), 403);
    },
    isAllowed(request) {
      return evaluateAuthorization(hooks, request, now()).allowed;
    },
  };
}
