/**
 * Parses and checks a policy document the way IAM does before storing it, with IAM's
 * `MalformedPolicyDocument` messages. Services with resource policies (S3, SNS, SQS) may use it
 * too and map `PolicyDocumentError` to their own error code.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import type { PolicyDocument, PolicyStatement } from '../core/types.js';
import { KNOWN_CONDITION_OPERATORS } from './condition-evaluator.js';
import { asList } from './wildcard.js';

/** A policy IAM would refuse; `message` is IAM's own text. */
export class PolicyDocumentError extends Error {
  override readonly name = 'PolicyDocumentError';
}

/**
 * `identity`: attached to a role (no Principal, Resource required). `trust`: a role's assume-role
 * policy (Principal required, no Resource). `resource`: a bucket/topic/queue policy (both).
 */
export type PolicyKind = 'identity' | 'trust' | 'resource';

export interface ParsePolicyOptions {
  /**
   * Whether an IAM principal ARN in the policy names an existing principal; IAM refuses trust
   * policies naming a role that does not exist. Default: every principal exists.
   */
  principalExists?: (arn: string) => boolean;
}

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
/** What a trust policy may allow or deny (IAM refuses any other action there). */
const TRUST_ACTIONS = new Set(
  [
    'sts:AssumeRole',
    'sts:AssumeRoleWithSAML',
    'sts:AssumeRoleWithWebIdentity',
    'sts:DecodeAuthorizationMessage',
    'sts:GetAccessKeyInfo',
    'sts:GetCallerIdentity',
    'sts:GetFederationToken',
    'sts:GetServiceBearerToken',
    'sts:GetSessionToken',
    'sts:SetSourceIdentity',
    'sts:TagSession',
  ].map((a) => a.toLowerCase()),
);
const TRUST_ACTIONS_MESSAGE =
  'Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity';
const CONDITION_KEY = /^[A-Za-z0-9-]+:[^\s]+$/;
const VENDOR_MESSAGE = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
const SYNTAX = 'Syntax errors in policy.';

function isStringOrList(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
}

function fail(message: string): never {
  throw new PolicyDocumentError(message);
}

function checkPrincipal(value: unknown, options: ParsePolicyOptions): void {
  if (value === '*') return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(SYNTAX);
  for (const [type, entries] of Object.entries(value)) {
    if (!isStringOrList(entries)) fail(SYNTAX);
    for (const entry of asList(entries)) {
      const invalid = () => fail(`Invalid principal in policy: "${type}":"${entry}"`);
      if (type === 'AWS') {
        if (entry === '*' || /^\d{12}$/.test(entry)) continue;
        if (
          !/^arn:aws(-cn|-us-gov)?:(iam|sts)::\d{12}:(root|role\/.+|user\/.+|assumed-role\/[^/]+\/.+)$/.test(
            entry,
          )
        )
          invalid();
        if (options.principalExists && !options.principalExists(entry)) invalid();
      } else if (type === 'Service') {
        if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/.test(entry)) invalid();
      } else if (type !== 'Federated' && type !== 'CanonicalUser') {
        fail(SYNTAX);
      }
    }
  }
}

function checkCondition(condition: unknown): void {
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) fail(SYNTAX);
  for (const [operator, keys] of Object.entries(condition)) {
    const base = operator
      .toLowerCase()
      .replace(/^(foranyvalue|forallvalues):/, '')
      .replace(/ifexists$/, '');
    if (!KNOWN_CONDITION_OPERATORS.has(base)) fail(SYNTAX);
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) fail(SYNTAX);
    for (const [key, values] of Object.entries(keys)) {
      if (!CONDITION_KEY.test(key)) fail(VENDOR_MESSAGE);
      const list = Array.isArray(values) ? values : [values];
      if (!list.every((v) => ['string', 'boolean', 'number'].includes(typeof v))) fail(SYNTAX);
    }
  }
}

function checkAction(action: string): void {
  const parts = action.split(':');
  if (parts.length === 1 && action !== '*') fail(VENDOR_MESSAGE);
  if (parts.length > 2) fail('Actions/Condition can contain only one colon.');
  const vendor = parts[0]!;
  if (vendor !== '*' && /[^a-zA-Z0-9.-]/.test(vendor)) fail(`Vendor ${vendor} is not valid`);
}

function checkStatement(raw: unknown, kind: PolicyKind, options: ParsePolicyOptions): PolicyStatement {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(SYNTAX);
  const statement = raw as Record<string, unknown>;
  for (const field of Object.keys(statement)) {
    if (!STATEMENT_FIELDS.has(field)) fail(SYNTAX);
  }
  if (typeof statement.Effect !== 'string' || !['allow', 'deny'].includes(statement.Effect.toLowerCase())) {
    fail(SYNTAX);
  }
  // IAM's older parser, which still runs, wants the exact case.
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') fail('The policy failed legacy parsing');
  if (statement.Sid !== undefined && typeof statement.Sid !== 'string') fail(SYNTAX);

  const hasPrincipal = statement.Principal !== undefined || statement.NotPrincipal !== undefined;
  if (kind === 'identity' && hasPrincipal) fail('Policy document should not specify a principal.');
  if (kind !== 'identity' && !hasPrincipal) fail('Missing required field Principal');
  if (statement.Principal !== undefined) checkPrincipal(statement.Principal, options);
  if (statement.NotPrincipal !== undefined) checkPrincipal(statement.NotPrincipal, options);

  const actions = statement.Action ?? statement.NotAction;
  if (actions === undefined) fail('Policy statement must contain actions.');
  if (statement.Action !== undefined && statement.NotAction !== undefined) fail(SYNTAX);
  if (!isStringOrList(actions)) fail(SYNTAX);
  if (asList(actions).length === 0) fail('Policy statement must contain actions.');
  for (const action of asList(actions)) checkAction(action);
  if (kind === 'trust' && !asList(actions).every((a) => TRUST_ACTIONS.has(a.toLowerCase()))) {
    fail(TRUST_ACTIONS_MESSAGE);
  }

  const resources = statement.Resource ?? statement.NotResource;
  if (kind === 'trust' && resources !== undefined) {
    fail(`Has prohibited field ${statement.Resource !== undefined ? 'Resource' : 'NotResource'}`);
  }
  if (kind !== 'trust') {
    if (resources === undefined) fail('Policy statement must contain resources.');
    if (statement.Resource !== undefined && statement.NotResource !== undefined) fail(SYNTAX);
    if (!isStringOrList(resources)) fail(SYNTAX);
    for (const resource of asList(resources)) {
      if (resource !== '*' && !resource.startsWith('arn:'))
        fail(`Resource ${resource} must be in ARN format or "*".`);
    }
  }
  if (statement.Condition !== undefined) checkCondition(statement.Condition);
  return statement as unknown as PolicyStatement;
}

/** Parses a policy's JSON text; throws PolicyDocumentError with IAM's message when it is malformed. */
export function parsePolicyDocument(
  text: string,
  kind: PolicyKind,
  options: ParsePolicyOptions = {},
): PolicyDocument {
  // IAM words unparseable JSON differently for trust policies than for permission policies.
  const invalidJson = kind === 'identity' ? SYNTAX : 'This policy contains invalid Json';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(invalidJson);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(invalidJson);
  const document = parsed as Record<string, unknown>;
  for (const field of Object.keys(document)) {
    if (field !== 'Version' && field !== 'Id' && field !== 'Statement') fail(SYNTAX);
  }
  if (
    document.Version !== undefined &&
    (typeof document.Version !== 'string' || !VERSIONS.has(document.Version))
  ) {
    fail(SYNTAX);
  }
  if (document.Statement === undefined) fail(SYNTAX);
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  if (statements.length === 0) fail(SYNTAX);
  for (const statement of statements) checkStatement(statement, kind, options);
  const sids = statements
    .map((st) => (st as { Sid?: unknown }).Sid)
    .filter((sid) => typeof sid === 'string' && sid !== '');
  if (new Set(sids).size !== sids.length) fail('Statement IDs (SID) in a single policy must be unique.');
  return document as unknown as PolicyDocument;
}

/** The length IAM counts against its policy-size quotas: the document without whitespace. */
export function policySize(text: string): number {
  return text.replace(/\s+/g, '').length;
}
