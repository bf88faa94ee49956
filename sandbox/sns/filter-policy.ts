/**
 * SNS subscription filter policies, for message attributes (the default scope) and message
 * bodies: exact strings and numbers, `prefix`, `suffix`, `equals-ignore-case`, `anything-but`,
 * `exists` and `numeric` ranges; keys are ANDed, the values listed for one key ORed.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
 */
import type { SnsMessageAttribute } from './notification-envelope.js';
import { invalidParameter } from './sns-runtime.js';

type Rule = unknown;
type Policy = Record<string, unknown>;

/** Parses and checks a FilterPolicy attribute value; throws InvalidParameter when malformed. */
export function parseFilterPolicy(raw: string): Policy {
  let policy: unknown;
  try {
    policy = JSON.parse(raw);
  } catch {
    throw invalidParameter('FilterPolicy: failed to parse JSON.');
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw invalidParameter('FilterPolicy: Filter policy must be a JSON object');
  }
  return policy as Policy;
}

/** Whether a message passes a subscription's filter policy. */
export function filterPolicyMatches(
  policy: Policy,
  scope: 'MessageAttributes' | 'MessageBody',
  message: string,
  attributes: Record<string, SnsMessageAttribute>,
): boolean {
  if (scope === 'MessageBody') {
    let body: unknown;
    try {
      body = JSON.parse(message);
    } catch {
      return false;
    }
    return matchObject(policy, body);
  }
  return Object.entries(policy).every(([key, rules]) => {
    const attribute = attributes[key];
    return matchValues(asRules(rules), attribute === undefined ? undefined : attributeValues(attribute));
  });
}

function attributeValues(attribute: SnsMessageAttribute): unknown[] {
  const value = attribute.StringValue ?? attribute.BinaryValue ?? '';
  if (attribute.DataType.startsWith('Number')) return [Number(value)];
  if (attribute.DataType === 'String.Array') {
    try {
      const list = JSON.parse(value) as unknown;
      return Array.isArray(list) ? list : [value];
    } catch {
      return [value];
    }
  }
  return [value];
}

function matchObject(policy: Policy, body: unknown): boolean {
  return Object.entries(policy).every(([key, rules]) => {
    const value =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
    if (typeof rules === 'object' && rules !== null && !Array.isArray(rules))
      return matchObject(rules as Policy, value);
    return matchValues(
      asRules(rules),
      value === undefined ? undefined : Array.isArray(value) ? value : [value],
    );
  });
}

function asRules(rules: unknown): Rule[] {
  return Array.isArray(rules) ? rules : [rules];
}

/** `values` undefined means the key is absent. */
function matchValues(rules: Rule[], values: unknown[] | undefined): boolean {
  return rules.some((rule) => {
    if (typeof rule === 'object' && rule !== null && 'exists' in rule) {
      return (rule as { exists: boolean }).exists === (values !== undefined);
    }
    if (values === undefined) return false;
    return values.some((v) => matchRule(rule, v));
  });
}

function matchRule(rule: Rule, value: unknown): boolean {
  if (rule === null) return value === null;
  if (typeof rule === 'string') return value === rule;
  if (typeof rule === 'number') return typeof value === 'number' ? value === rule : Number(value) === rule;
  if (typeof rule === 'boolean') return value === rule;
  if (typeof rule !== 'object') return false;
  const r = rule as Record<string, unknown>;
  const text = typeof value === 'string' ? value : undefined;
  if ('prefix' in r) return text?.startsWith(String(r.prefix)) === true;
  if ('suffix' in r) return text?.endsWith(String(r.suffix)) === true;
  if ('equals-ignore-case' in r)
    return text !== undefined && text.toLowerCase() === String(r['equals-ignore-case']).toLowerCase();
  if ('anything-but' in r) {
    const but = r['anything-but'];
    if (typeof but === 'object' && but !== null && !Array.isArray(but)) {
      return !matchRule(but, value);
    }
    return !asRules(but).some((b) => matchRule(b, value));
  }
  if ('numeric' in r) return matchNumeric(r.numeric as unknown[], value);
  return false;
}

function matchNumeric(conditions: unknown[], value: unknown): boolean {
  const n = typeof value === 'number' ? value : Number(value);
  if (Number.isNaN(n)) return false;
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = Number(conditions[i + 1]);
    const ok =
      op === '='
        ? n === bound
        : op === '<'
          ? n < bound
          : op === '<='
            ? n <= bound
            : op === '>'
              ? n > bound
              : op === '>='
                ? n >= bound
                : false;
    if (!ok) return false;
  }
  return true;
}
