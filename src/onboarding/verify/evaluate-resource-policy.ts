/**
 * A small evaluator of one resource policy for one request, enough to answer "may the vendor's
 * account subscribe to this topic?": principals (account IDs, ARNs, `*`), actions and resources with
 * IAM wildcards, Allow/Deny with Deny winning, and the string and ARN condition operators (with
 * `IfExists`). A condition it cannot evaluate makes its statement not apply, and is reported.
 */

/** The request to evaluate. */
export interface PolicyRequest {
  /** e.g. `sns:Subscribe` (compared case-insensitively, as IAM does). */
  action: string;
  resource: string;
  /** The caller's account; a statement naming it, its root, or any principal ARN in it applies. */
  principalAccount: string;
  /** Condition keys the request carries, e.g. `sns:Protocol`; compared case-insensitively. */
  context: Record<string, string>;
}

export interface PolicyVerdict {
  decision: 'allowed' | 'denied' | 'implicit-deny';
  /** The Sid (or `statement N`) of the deciding statement. */
  statement?: string;
  /** Conditions that could not be evaluated (their statements were not applied). */
  unevaluated: string[];
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => String(v));

/** IAM's wildcards: `*` any run of characters, `?` one character. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function principalMatches(principal: unknown, account: string): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  const aws = list((principal as { AWS?: unknown }).AWS);
  return aws.some(
    (p) => p === '*' || p === account || new RegExp(`^arn:[a-z-]+:(iam|sts)::${account}:`).test(p),
  );
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  stringequals: (p, v) => p === v,
  stringnotequals: (p, v) => p !== v,
  stringequalsignorecase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  stringlike: (p, v) => wildcard(p, v, false),
  stringnotlike: (p, v) => !wildcard(p, v, false),
  arnequals: (p, v) => wildcard(p, v, false),
  arnlike: (p, v) => wildcard(p, v, false),
  arnnotequals: (p, v) => !wildcard(p, v, false),
  arnnotlike: (p, v) => !wildcard(p, v, false),
};

/** True, false, or the text of a condition this evaluator cannot judge. */
function conditionsHold(statement: Statement, request: PolicyRequest): boolean | string {
  const context = new Map(Object.entries(request.context).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [rawOperator, keys] of Object.entries(statement.Condition ?? {})) {
    const ifExists = /IfExists$/i.test(rawOperator);
    const name = rawOperator.replace(/IfExists$/i, '').toLowerCase();
    const operator = OPERATORS[name];
    const negated = name.includes('not');
    for (const [key, patterns] of Object.entries(keys)) {
      if (operator === undefined) return `${rawOperator} on ${key}`;
      const value = context.get(key.toLowerCase());
      if (value === undefined) {
        // IAM: a negated operator, or IfExists, holds when the key is absent. Any other operator
        // would not match here, but the real request may carry the key: say so rather than guess.
        if (ifExists || negated) continue;
        return `${rawOperator} on ${key}`;
      }
      const results = list(patterns).map((p) => operator(p, value));
      // A negated operator holds when the value matches none of the patterns; others when it matches one.
      if (negated ? !results.every(Boolean) : !results.some(Boolean)) return false;
    }
  }
  return true;
}

function applies(statement: Statement, request: PolicyRequest): boolean {
  const principal =
    statement.Principal !== undefined
      ? principalMatches(statement.Principal, request.principalAccount)
      : statement.NotPrincipal !== undefined &&
        !principalMatches(statement.NotPrincipal, request.principalAccount);
  const action =
    statement.Action !== undefined
      ? list(statement.Action).some((a) => wildcard(a, request.action, true))
      : list(statement.NotAction).every((a) => !wildcard(a, request.action, true));
  const resource =
    statement.Resource !== undefined
      ? list(statement.Resource).some((r) => wildcard(r, request.resource, false))
      : list(statement.NotResource).every((r) => !wildcard(r, request.resource, false));
  return principal && action && resource;
}

/** Evaluates a policy document (parsed JSON) for the request. */
export function evaluateResourcePolicy(policy: unknown, request: PolicyRequest): PolicyVerdict {
  const raw = (policy as { Statement?: Statement | Statement[] } | null)?.Statement;
  const statements: Statement[] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const unevaluated: string[] = [];
  let allow: string | undefined;
  for (const [index, statement] of statements.entries()) {
    if (!applies(statement, request)) continue;
    const name = statement.Sid || `statement ${index}`;
    const held = conditionsHold(statement, request);
    if (typeof held === 'string') {
      unevaluated.push(`${name}: ${held}`);
      continue;
    }
    if (!held) continue;
    if (statement.Effect === 'Deny') return { decision: 'denied', statement: name, unevaluated };
    if (statement.Effect === 'Allow') allow ??= name;
  }
  return allow === undefined
    ? { decision: 'implicit-deny', unevaluated }
    : { decision: 'allowed', statement: allow, unevaluated };
}
