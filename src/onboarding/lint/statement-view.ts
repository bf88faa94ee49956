/** Helpers rules share to read statements the way IAM does (case-insensitive actions and keys). */
import type { PolicyPrincipal, PolicyStatement } from '../policies/policy-document.js';
import type { StatementView } from './lint-types.js';

function list(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export function viewStatement(statement: PolicyStatement, index: number): StatementView {
  return { index, statement, actions: list(statement.Action), resources: list(statement.Resource) };
}

export function isAllow(view: StatementView): boolean {
  return view.statement.Effect === 'Allow';
}

/** The actions of the statement that equal one of `names` (case-insensitive), as written. */
export function actionsNamed(view: StatementView, names: readonly string[]): string[] {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  return view.actions.filter((a) => wanted.has(a.toLowerCase()));
}

/** True when an action pattern (`sts:*`, `*`, `sts:Assume*`) covers the action `name`. */
export function actionPatternCovers(pattern: string, name: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .toLowerCase()
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return regex.test(name.toLowerCase());
}

/** Every principal value of a kind (`AWS`, `Service`...), or ['*'] for `Principal: "*"`. */
export function principalValues(principal: PolicyPrincipal | undefined, kind: string): string[] {
  if (principal === undefined) return [];
  if (principal === '*') return ['*'];
  const entry = Object.entries(principal).find(([k]) => k.toLowerCase() === kind.toLowerCase());
  return entry ? list(entry[1]) : [];
}

/** True when the statement names everyone as principal (`"*"` or `{"AWS": "*"}`). */
export function hasEveryonePrincipal(view: StatementView): boolean {
  return principalValues(view.statement.Principal, 'AWS').includes('*');
}

/**
 * The condition entries on a key (case-insensitive) that actually constrain it: an `...IfExists`
 * operator or `Null` lets a request without the key through, and a bare `*` value matches anything.
 */
export function constrainingConditions(
  view: StatementView,
  key: string,
): { operator: string; values: string[] }[] {
  const found: { operator: string; values: string[] }[] = [];
  for (const [operator, entries] of Object.entries(view.statement.Condition ?? {})) {
    if (/IfExists$/i.test(operator) || /^Null$/i.test(operator)) continue;
    for (const [conditionKey, value] of Object.entries(entries ?? {})) {
      if (conditionKey.toLowerCase() !== key.toLowerCase()) continue;
      const values = list(value);
      if (values.length > 0 && !values.includes('*')) found.push({ operator, values });
    }
  }
  return found;
}

/** The label a finding uses for a statement: `Statement[2]` or `Statement[2] (Sid Foo)`. */
export function statementLabel(index: number, sid?: string): string {
  return sid ? `Statement[${index}] (Sid ${sid})` : `Statement[${index}]`;
}
