/**
 * Evaluates a statement's `Condition` block against a request context, with IAM's semantics:
 * every operator block and every key in it must hold (AND); the values listed for one key are
 * alternatives (OR); negated operators hold when no listed value matches; `...IfExists` holds when
 * the key is absent; `ForAnyValue:` / `ForAllValues:` compare multi-valued keys as sets.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import { BlockList, isIP } from 'node:net';
import type { PolicyStatement } from '../core/types.js';
import { asList, matchWildcard } from './wildcard.js';

/** Condition keys of one request; names are matched case-insensitively, as IAM does. */
export type ConditionContext = Record<string, string | string[] | boolean | number | undefined>;

type ConditionBlock = NonNullable<PolicyStatement['Condition']>;
type Comparator = (contextValue: string, policyValue: string) => boolean;

interface Operator {
  compare: Comparator;
  /** Negated operators (StringNotEquals...) hold when the value matches none of the listed ones. */
  negated: boolean;
}

const OPERATORS: Record<string, Operator> = {
  stringequals: { compare: (c, p) => c === p, negated: false },
  stringnotequals: { compare: (c, p) => c === p, negated: true },
  stringequalsignorecase: { compare: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: false },
  stringnotequalsignorecase: { compare: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: true },
  stringlike: { compare: (c, p) => matchWildcard(p, c), negated: false },
  stringnotlike: { compare: (c, p) => matchWildcard(p, c), negated: true },
  // IAM documents ArnEquals and ArnLike as identical: both take wildcards within each ARN part.
  arnequals: { compare: (c, p) => matchArn(p, c), negated: false },
  arnlike: { compare: (c, p) => matchArn(p, c), negated: false },
  arnnotequals: { compare: (c, p) => matchArn(p, c), negated: true },
  arnnotlike: { compare: (c, p) => matchArn(p, c), negated: true },
  bool: { compare: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: false },
  numericequals: { compare: numeric((c, p) => c === p), negated: false },
  numericnotequals: { compare: numeric((c, p) => c === p), negated: true },
  numericlessthan: { compare: numeric((c, p) => c < p), negated: false },
  numericlessthanequals: { compare: numeric((c, p) => c <= p), negated: false },
  numericgreaterthan: { compare: numeric((c, p) => c > p), negated: false },
  numericgreaterthanequals: { compare: numeric((c, p) => c >= p), negated: false },
  dateequals: { compare: date((c, p) => c === p), negated: false },
  datenotequals: { compare: date((c, p) => c === p), negated: true },
  datelessthan: { compare: date((c, p) => c < p), negated: false },
  datelessthanequals: { compare: date((c, p) => c <= p), negated: false },
  dategreaterthan: { compare: date((c, p) => c > p), negated: false },
  dategreaterthanequals: { compare: date((c, p) => c >= p), negated: false },
  ipaddress: { compare: (c, p) => inCidr(c, p), negated: false },
  notipaddress: { compare: (c, p) => inCidr(c, p), negated: true },
  binaryequals: { compare: (c, p) => c === p, negated: false },
};

/** Whether an address lies in a CIDR block (or equals a bare address), IPv4 or IPv6. */
function inCidr(address: string, cidr: string): boolean {
  const [network = '', bitsText] = cidr.split('/');
  const family = isIP(network);
  if (family === 0 || isIP(address) === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const bits = bitsText === undefined ? (family === 4 ? 32 : 128) : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) return false;
  const block = new BlockList();
  try {
    block.addSubnet(network, bits, type);
    return block.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}

/** The operator names this evaluator understands (without prefixes or `IfExists`), lower-cased. */
export const KNOWN_CONDITION_OPERATORS: ReadonlySet<string> = new Set([...Object.keys(OPERATORS), 'null']);

function numeric(test: (c: number, p: number) => boolean): Comparator {
  return (c, p) => {
    const cn = Number(c);
    const pn = Number(p);
    return c.trim() !== '' && p.trim() !== '' && Number.isFinite(cn) && Number.isFinite(pn) && test(cn, pn);
  };
}

function parseDate(value: string): number {
  // IAM accepts ISO 8601 dates and epoch seconds.
  return /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
}

function date(test: (c: number, p: number) => boolean): Comparator {
  return (c, p) => {
    const cd = parseDate(c);
    const pd = parseDate(p);
    return !Number.isNaN(cd) && !Number.isNaN(pd) && test(cd, pd);
  };
}

/** ARNs are compared part by part (six colon-separated parts; the last keeps its colons). */
function matchArn(pattern: string, value: string): boolean {
  const pp = splitArn(pattern);
  const vp = splitArn(value);
  if (!pp || !vp) return false;
  return pp.every((part, i) => matchWildcard(part, vp[i] ?? ''));
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Answers a condition key's values (names case-insensitive), or undefined when the key is absent. */
export type ConditionLookup = (key: string) => string[] | undefined;

function toValues(value: string | string[] | boolean | number | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** A lookup over a plain context object, matching key names case-insensitively as IAM does. */
export function contextLookup(context: ConditionContext): ConditionLookup {
  return (key) => {
    // The exact spelling is the common case; only a miss pays for the case-insensitive scan.
    const exact = context[key];
    if (exact !== undefined) return toValues(exact);
    const wanted = key.toLowerCase();
    for (const name in context) {
      if (name.toLowerCase() === wanted && context[name] !== undefined) return toValues(context[name]);
    }
    return undefined;
  };
}

/** Parses `ForAnyValue:StringLikeIfExists` into its parts. */
function parseOperatorName(name: string): {
  set?: 'any' | 'all';
  base: string;
  ifExists: boolean;
} {
  let rest = name.toLowerCase();
  let set: 'any' | 'all' | undefined;
  if (rest.startsWith('foranyvalue:')) {
    set = 'any';
    rest = rest.slice('foranyvalue:'.length);
  } else if (rest.startsWith('forallvalues:')) {
    set = 'all';
    rest = rest.slice('forallvalues:'.length);
  }
  const ifExists = rest.endsWith('ifexists');
  const base = ifExists ? rest.slice(0, -'ifexists'.length) : rest;
  return set ? { set, base, ifExists } : { base, ifExists };
}

function evaluateKey(
  operatorName: string,
  contextValues: string[] | undefined,
  policyValues: string[],
): boolean {
  const { set, base, ifExists } = parseOperatorName(operatorName);
  if (base === 'null') {
    // `Null: true` asks that the key be absent; `Null: false` that it be present.
    const wantsAbsent = policyValues.some((v) => v.toLowerCase() === 'true');
    return wantsAbsent === (contextValues === undefined);
  }
  const operator = OPERATORS[base];
  // An operator IAM does not know can never be satisfied; policy validation rejects it upstream.
  if (!operator) return false;
  const matchesOne = (value: string): boolean => {
    const any = policyValues.some((p) => operator.compare(value, p));
    return operator.negated ? !any : any;
  };
  if (contextValues === undefined) {
    if (ifExists) return true;
    if (set === 'all') return true;
    if (set === 'any') return false;
    // A negated operator on a missing key holds: the (absent) value equals none of those listed.
    return operator.negated;
  }
  if (set === 'all') return contextValues.every(matchesOne);
  if (set === 'any') return contextValues.some(matchesOne);
  // A single-valued operator on a multi-valued key: positive holds if any value matches, negated
  // holds only if no value matches any listed value.
  if (operator.negated) return contextValues.every(matchesOne);
  return contextValues.some(matchesOne);
}

/** True when every condition in the block holds for the context (an absent block always holds). */
export function evaluateConditions(
  condition: ConditionBlock | undefined,
  context: ConditionContext | ConditionLookup,
): boolean {
  if (!condition) return true;
  const lookup = typeof context === 'function' ? context : contextLookup(context);
  for (const [operatorName, keys] of Object.entries(condition)) {
    for (const [key, value] of Object.entries(keys)) {
      const policyValues = asList(value as string | string[] | boolean | number).map(String);
      if (!evaluateKey(operatorName, lookup(key), policyValues)) return false;
    }
  }
  return true;
}
