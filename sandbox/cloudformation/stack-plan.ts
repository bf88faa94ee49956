/**
 * Everything about a template that can be known before any resource exists: that its
 * references resolve, its resource types are supported, the capabilities it needs, the
 * condition values, and the order resources are created in (Ref, Fn::GetAtt, Fn::Sub, DependsOn).
 */
import { AwsError } from '../core/errors.js';
import {
  evaluateCondition,
  functionOf,
  type ResolutionEnvironment,
  referencedResources,
} from './intrinsics.js';
import { refValueOf } from './parameters.js';
import { RESOURCE_PROVIDERS } from './providers/provider-registry.js';
import type { Template, TemplateValue } from './template-parser.js';

export const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::Region',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::Partition',
  'AWS::URLSuffix',
  'AWS::NoValue',
  'AWS::NotificationARNs',
];

/** The intrinsic functions `resolveValue` implements. */
const SUPPORTED_FUNCTIONS = new Set([
  'Ref',
  'Condition',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Base64',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::FindInMap',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::If',
]);

function formatError(message: string): AwsError {
  return new AwsError('ValidationError', `Template format error: ${message}`);
}

/** Checks Ref targets, DependsOn targets, Conditions and resource types; throws ValidationError. */
export function validateTemplate(template: Template): void {
  const resourceIds = new Set(Object.keys(template.Resources));
  const unrecognised = [
    ...new Set(
      Object.values(template.Resources)
        .map((r) => r.Type)
        .filter((t) => !RESOURCE_PROVIDERS[t]),
    ),
  ];
  if (unrecognised.length > 0) {
    throw formatError(`Unrecognized resource types: [${unrecognised.join(', ')}]`);
  }
  const known = new Set([...Object.keys(template.Parameters), ...PSEUDO_PARAMETERS, ...resourceIds]);
  const unresolved = new Set<string>();
  const visit = (value: TemplateValue): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const fn = functionOf(value);
    const arg = fn ? value[fn] : undefined;
    if (fn !== undefined && !SUPPORTED_FUNCTIONS.has(fn)) {
      throw formatError(`${fn} is not supported by the bucketbridge sandbox`);
    }
    if (fn === 'Ref' && typeof arg === 'string' && !known.has(arg)) unresolved.add(arg);
    if (fn === 'Fn::GetAtt') {
      const id = typeof arg === 'string' ? arg.split('.')[0] : Array.isArray(arg) ? arg[0] : undefined;
      if (typeof id === 'string' && !resourceIds.has(id)) unresolved.add(id);
    }
    if (fn === 'Fn::Sub') {
      const text = typeof arg === 'string' ? arg : Array.isArray(arg) ? arg[0] : undefined;
      const local = Array.isArray(arg) && arg[1] && typeof arg[1] === 'object' ? Object.keys(arg[1]) : [];
      if (typeof text === 'string') {
        for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const name = m[1]!.trim();
          if (local.includes(name) || known.has(name)) continue;
          const head = name.split('.')[0]!;
          if (!(name.includes('.') && resourceIds.has(head))) unresolved.add(name);
        }
      }
    }
    Object.values(value).forEach(visit);
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    visit(resource.Properties ?? {});
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      if (!resourceIds.has(dependency)) unresolved.add(dependency);
    }
    if (resource.Condition !== undefined && !Object.hasOwn(template.Conditions, resource.Condition)) {
      throw formatError(
        `Unresolved condition dependency ${resource.Condition} in Fn::If or Condition of resource ${id}`,
      );
    }
  }
  for (const output of Object.values(template.Outputs)) visit(output as unknown as TemplateValue);
  if (unresolved.size > 0) {
    throw formatError(
      `Unresolved resource dependencies [${[...unresolved].join(', ')}] in the Resources block of the template`,
    );
  }
}

/** The capability a template needs (the strongest any resource asks for), if any. */
export function requiredCapability(
  template: Template,
): 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM' | undefined {
  let needed: 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM' | undefined;
  for (const resource of Object.values(template.Resources)) {
    const capability = RESOURCE_PROVIDERS[resource.Type]?.capability?.(resource.Properties ?? {});
    if (capability === 'CAPABILITY_NAMED_IAM') needed = capability;
    else if (capability && !needed) needed = capability;
  }
  return needed;
}

/** Throws InsufficientCapabilitiesException when the request lacks what the template needs. */
export function checkCapabilities(template: Template, capabilities: string[]): void {
  const needed = requiredCapability(template);
  if (!needed) return;
  if (capabilities.includes(needed)) return;
  if (needed === 'CAPABILITY_IAM' && capabilities.includes('CAPABILITY_NAMED_IAM')) return;
  throw new AwsError('InsufficientCapabilitiesException', `Requires capabilities : [${needed}]`);
}

export interface StackIdentity {
  stackName: string;
  stackId: string;
  accountId: string;
  region: string;
}

/**
 * The resolution environment for a stack: parameters, pseudo parameters and conditions
 * (evaluated on first use, so conditions may refer to each other). Resources are added as
 * they are created.
 */
export function stackEnvironment(
  template: Template,
  parameterValues: Record<string, string>,
  stack: StackIdentity,
  exports: Record<string, string>,
): ResolutionEnvironment {
  const refs: Record<string, string | string[]> = {
    'AWS::AccountId': stack.accountId,
    'AWS::Region': stack.region,
    'AWS::StackName': stack.stackName,
    'AWS::StackId': stack.stackId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::NotificationARNs': [],
  };
  for (const [name, value] of Object.entries(parameterValues)) {
    refs[name] = refValueOf(template.Parameters[name]!, value);
  }
  const env: ResolutionEnvironment = {
    refs,
    resources: {},
    conditions: {},
    exports,
    region: stack.region,
    mappings: template.Mappings,
  };
  const evaluating = new Set<string>();
  const cache = new Map<string, boolean>();
  for (const [name, expression] of Object.entries(template.Conditions)) {
    Object.defineProperty(env.conditions, name, {
      enumerable: true,
      get: () => {
        if (cache.has(name)) return cache.get(name);
        if (evaluating.has(name)) throw formatError(`Circular condition dependency: ${name}`);
        evaluating.add(name);
        const value = evaluateCondition(expression, env);
        evaluating.delete(name);
        cache.set(name, value);
        return value;
      },
    });
  }
  return env;
}

/** The resources that exist under the conditions, in an order where dependencies come first. */
export function creationOrder(template: Template, env: ResolutionEnvironment): string[] {
  const active = Object.entries(template.Resources)
    .filter(([, r]) => r.Condition === undefined || env.conditions[r.Condition])
    .map(([id]) => id);
  const ids = new Set(active);
  const dependencies = new Map<string, Set<string>>();
  for (const id of active) {
    const resource = template.Resources[id]!;
    const deps = referencedResources((resource.Properties ?? {}) as TemplateValue, ids);
    for (const d of [resource.DependsOn ?? []].flat()) if (ids.has(d)) deps.add(d);
    dependencies.set(id, deps);
  }
  const order: string[] = [];
  const done = new Set<string>();
  // Kahn's algorithm, taking ready resources in template order so the result is stable.
  while (order.length < active.length) {
    const ready = active.filter(
      (id) => !done.has(id) && [...dependencies.get(id)!].every((d) => done.has(d)),
    );
    if (ready.length === 0) {
      const stuck = active.filter((id) => !done.has(id));
      throw formatError(`Circular dependency between resources: [${stuck.join(', ')}]`);
    }
    for (const id of ready) {
      done.add(id);
      order.push(id);
    }
  }
  return order;
}
