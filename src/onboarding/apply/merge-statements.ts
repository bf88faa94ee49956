/**
 * Merges our statements into a resource policy the customer already has (bucket, topic or queue
 * policy): every existing statement is kept as it is, a statement with one of our Sids is replaced
 * in place (a previous run's), and new ones are appended. Running it twice changes nothing.
 */
import type { PolicyDocument, PolicyStatement } from '../policies/policy-document.js';

export interface StatementMerge {
  document: PolicyDocument;
  /** Sids appended. */
  added: string[];
  /** Sids that existed with different content and were replaced. */
  replaced: string[];
}

/** Statement equality that ignores key order. */
function sameStatement(a: PolicyStatement, b: PolicyStatement): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted, for comparing documents whatever order their keys were written in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/**
 * `existing` undefined means the resource has no policy yet. Our statements must all have a Sid
 * (the builders guarantee it).
 */
export function mergeStatements(existing: PolicyDocument | undefined, ours: PolicyDocument): StatementMerge {
  const statements = [...(existing?.Statement ?? [])];
  const added: string[] = [];
  const replaced: string[] = [];
  for (const statement of ours.Statement) {
    const sid = statement.Sid ?? '';
    const at = statements.findIndex((s) => s.Sid === sid);
    if (at === -1) {
      statements.push(statement);
      added.push(sid);
    } else if (!sameStatement(statements[at]!, statement)) {
      statements[at] = statement;
      replaced.push(sid);
    }
  }
  const document: PolicyDocument =
    existing === undefined
      ? { ...ours, Statement: statements }
      : { ...existing, Version: existing.Version ?? ours.Version, Statement: statements };
  return { document, added, replaced };
}
