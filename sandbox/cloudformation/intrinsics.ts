/**
 * Resolves CloudFormation's intrinsic functions (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select,
 * Fn::Split, Fn::If/Equals/Not/And/Or, Fn::Base64, Fn::GetAZs, Fn::ImportValue) against a stack's
 * parameters, pseudo parameters, resources and conditions, and finds which resources a value
 * refers to (for the creation order).
 */
import { AwsError } from '../core/errors.js';
import type { TemplateValue } from './template-parser.js';

/** `Ref: AWS::NoValue`: the property is removed, as if it had not been written. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** A resolved value: like a template value, but a parameter of list type stays a list. */
export type ResolvedValue =
  | string
  | number
  | boolean
  | null
  | ResolvedValue[]
  | { [key: string]: ResolvedValue };

export interface ResolutionEnvironment {
  /** Parameter values (list parameters as arrays) and pseudo parameters (`AWS::Region`...). */
  refs: Record<string, string | string[]>;
  /** Resources already created: their Ref value (physical id) and attributes. */
  resources: Record<string, { ref: string; attributes: Record<string, string> }>;
  /** Every condition's value. */
  conditions: Record<string, boolean>;
  /** Exported outputs of other stacks, by export name (Fn::ImportValue). */
  exports?: Record<string, string>;
  /** The region, for Fn::GetAZs. */
  region: string;
  /** The template's Mappings, for Fn::FindInMap. */
  mappings?: Record<string, Record<string, Record<string, TemplateValue>>>;
}

function templateError(message: string): AwsError {
  return new AwsError('ValidationError', `Template error: ${message}`);
}

function isObject(value: unknown): value is Record<string, TemplateValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The single intrinsic-function key of an object, when it is one (`{ "Fn::Sub": ... }`). */
export function functionOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

function refValue(name: string, env: ResolutionEnvironment): string | string[] | typeof NO_VALUE {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (Object.hasOwn(env.refs, name)) return env.refs[name]!;
  const resource = env.resources[name];
  if (resource) return resource.ref;
  throw templateError(`Unresolved resource dependencies [${name}] in the Resources block of the template`);
}

function getAtt(resourceId: string, attribute: string, env: ResolutionEnvironment): string {
  const resource = env.resources[resourceId];
  if (!resource) {
    throw templateError(
      `Unresolved resource dependencies [${resourceId}] in the Resources block of the template`,
    );
  }
  const value = resource.attributes[attribute];
  if (value === undefined) {
    throw templateError(`resource ${resourceId} does not support attribute type ${attribute} in Fn::GetAtt`);
  }
  return value;
}

/** `${Name}`, `${Resource.Attribute}` and `${!Literal}` in a Fn::Sub string. */
function substitute(
  text: string,
  variables: Record<string, ResolvedValue>,
  env: ResolutionEnvironment,
): string {
  return text.replace(/\$\{([^}]*)\}/g, (_match, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    if (Object.hasOwn(variables, name)) return scalarString(variables[name]!, 'Fn::Sub');
    if (name.includes('.') && !Object.hasOwn(env.refs, name)) {
      const dot = name.indexOf('.');
      return getAtt(name.slice(0, dot), name.slice(dot + 1), env);
    }
    const value = refValue(name, env);
    if (value === NO_VALUE || Array.isArray(value)) {
      throw templateError(`Fn::Sub variable ${name} must resolve to a string`);
    }
    return value;
  });
}

function scalarString(value: ResolvedValue | typeof NO_VALUE, fn: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw templateError(`every value of ${fn} must resolve to a string`);
}

function args(value: TemplateValue, fn: string, count?: number): TemplateValue[] {
  if (!Array.isArray(value) || (count !== undefined && value.length !== count)) {
    throw templateError(`${fn} needs a list${count === undefined ? '' : ` of ${count} elements`}`);
  }
  return value;
}

/** Evaluates a condition expression (Fn::Equals/Not/And/Or/If, `Condition: Name`) to a boolean. */
export function evaluateCondition(value: TemplateValue, env: ResolutionEnvironment): boolean {
  const resolved = resolveValue(value, env);
  if (typeof resolved !== 'boolean')
    throw templateError('a condition must be Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition');
  return resolved;
}

function conditionNamed(name: TemplateValue, env: ResolutionEnvironment): boolean {
  if (typeof name !== 'string' || !Object.hasOwn(env.conditions, name)) {
    throw templateError(`Unresolved condition dependency ${String(name)}`);
  }
  return env.conditions[name]!;
}

/** Resolves every intrinsic function in a value. NO_VALUE removes a member from its object or list. */
export function resolveValue(
  value: TemplateValue,
  env: ResolutionEnvironment,
): ResolvedValue | typeof NO_VALUE {
  if (Array.isArray(value)) {
    const out: ResolvedValue[] = [];
    for (const item of value) {
      const resolved = resolveValue(item, env);
      if (resolved !== NO_VALUE) out.push(resolved);
    }
    return out;
  }
  if (!isObject(value)) return value;
  const fn = functionOf(value);
  if (fn === undefined) {
    const out: Record<string, ResolvedValue> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolveValue(item, env);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }
  const arg = value[fn]!;
  switch (fn) {
    case 'Ref': {
      if (typeof arg !== 'string') throw templateError('Ref needs a string');
      return refValue(arg, env);
    }
    case 'Condition':
      return conditionNamed(arg, env);
    case 'Fn::GetAtt': {
      const parts = typeof arg === 'string' ? arg.split(/\.(.*)/s, 2) : args(arg, fn, 2);
      const [resourceId, attribute] = parts.map((p) =>
        scalarString(resolveValue(p as TemplateValue, env), fn),
      );
      return getAtt(resourceId!, attribute!, env);
    }
    case 'Fn::Sub': {
      if (typeof arg === 'string') return substitute(arg, {}, env);
      const [text, vars] = args(arg, fn, 2);
      if (typeof text !== 'string' || !isObject(vars))
        throw templateError('Fn::Sub needs a string and a mapping');
      const variables: Record<string, ResolvedValue> = {};
      for (const [k, v] of Object.entries(vars)) {
        const resolved = resolveValue(v, env);
        if (resolved !== NO_VALUE) variables[k] = resolved;
      }
      return substitute(text, variables, env);
    }
    case 'Fn::Join': {
      const [delimiter, list] = args(arg, fn, 2);
      if (typeof delimiter !== 'string') throw templateError('Fn::Join needs a string delimiter');
      const items = resolveValue(list!, env);
      if (!Array.isArray(items)) throw templateError('Fn::Join needs a list of values');
      return items.map((item) => scalarString(item, fn)).join(delimiter);
    }
    case 'Fn::Select': {
      const [index, list] = args(arg, fn, 2);
      const i = Number(scalarString(resolveValue(index!, env), fn));
      const items = resolveValue(list!, env);
      if (!Array.isArray(items)) throw templateError('Fn::Select needs a list');
      if (!Number.isInteger(i) || i < 0 || i >= items.length) {
        throw templateError(`Fn::Select cannot select nonexistent value at index ${String(index)}`);
      }
      return items[i]!;
    }
    case 'Fn::Split': {
      const [delimiter, text] = args(arg, fn, 2);
      if (typeof delimiter !== 'string') throw templateError('Fn::Split needs a string delimiter');
      return scalarString(resolveValue(text!, env), fn).split(delimiter);
    }
    case 'Fn::FindInMap': {
      const [map, top, second] = args(arg, fn, 3).map((item) => scalarString(resolveValue(item, env), fn));
      const value = env.mappings?.[map!]?.[top!]?.[second!];
      if (value === undefined) {
        throw templateError(`Unable to get mapping for ${map}::${top}::${second}`);
      }
      return resolveValue(value, env);
    }
    case 'Fn::Base64':
      return Buffer.from(scalarString(resolveValue(arg, env), fn), 'utf8').toString('base64');
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((zone) => `${env.region}${zone}`);
    case 'Fn::ImportValue': {
      const name = scalarString(resolveValue(arg, env), fn);
      const exported = env.exports?.[name];
      if (exported === undefined) throw new AwsError('ValidationError', `No export named ${name} found.`);
      return exported;
    }
    case 'Fn::Equals': {
      const [a, b] = args(arg, fn, 2).map((item) => resolveValue(item, env));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not': {
      const [inner] = args(arg, fn, 1);
      return !evaluateCondition(inner!, env);
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const items = args(arg, fn);
      if (items.length < 2 || items.length > 10) throw templateError(`${fn} needs 2 to 10 conditions`);
      const values = items.map((item) => evaluateCondition(item, env));
      return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
    }
    case 'Fn::If': {
      const [name, whenTrue, whenFalse] = args(arg, fn, 3);
      return resolveValue(conditionNamed(name!, env) ? whenTrue! : whenFalse!, env);
    }
    default:
      throw templateError(`Unsupported intrinsic function ${fn}`);
  }
}

/**
 * The resources a value refers to through Ref, Fn::GetAtt and Fn::Sub, among `resourceIds`
 * (parameters and pseudo parameters are not dependencies).
 */
export function referencedResources(value: TemplateValue, resourceIds: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  const visit = (v: TemplateValue): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    if (!isObject(v)) return;
    const fn = functionOf(v);
    const arg = fn ? v[fn] : undefined;
    if (fn === 'Ref' && typeof arg === 'string' && resourceIds.has(arg)) found.add(arg);
    if (fn === 'Fn::GetAtt') {
      const id = typeof arg === 'string' ? arg.split('.')[0] : Array.isArray(arg) ? arg[0] : undefined;
      if (typeof id === 'string' && resourceIds.has(id)) found.add(id);
    }
    if (fn === 'Fn::Sub') {
      const text = typeof arg === 'string' ? arg : Array.isArray(arg) ? arg[0] : undefined;
      const local = Array.isArray(arg) && isObject(arg[1]) ? new Set(Object.keys(arg[1])) : new Set<string>();
      if (typeof text === 'string') {
        for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const name = m[1]!.trim().split('.')[0]!;
          if (!local.has(m[1]!.trim()) && resourceIds.has(name)) found.add(name);
        }
      }
    }
    Object.values(v).forEach(visit);
  };
  visit(value);
  return found;
}
