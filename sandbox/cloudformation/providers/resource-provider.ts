/**
 * The contract of a resource provider: how one resource type is created, updated and deleted
 * through the sandbox's services, and what Ref and Fn::GetAtt give for it.
 */
import { randomBytes } from 'node:crypto';
import type { ResolvedValue } from '../intrinsics.js';
import type { ServiceCall } from '../service-caller.js';

export type ResourceProperties = Record<string, ResolvedValue>;

export interface ProviderContext {
  call: ServiceCall;
  stackName: string;
  logicalId: string;
  accountId: string;
  region: string;
}

export interface ProvisionedResource {
  /** The physical id (what Ref returns). */
  physicalId: string;
  /** Fn::GetAtt attributes. */
  attributes: Record<string, string>;
}

export interface ResourceProvider {
  /** Properties whose change replaces the resource (a new physical resource, the old one deleted). */
  readonly replaceOn: readonly string[];
  /** Properties the template must set. */
  readonly required: readonly string[];
  /** Whether a template with this resource needs CAPABILITY_NAMED_IAM / CAPABILITY_IAM. */
  capability?(properties: Record<string, unknown>): 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM' | undefined;
  create(properties: ResourceProperties, ctx: ProviderContext): Promise<ProvisionedResource>;
  /** Updates in place (only called when no `replaceOn` property changed). */
  update(
    current: ProvisionedResource,
    previous: ResourceProperties,
    properties: ResourceProperties,
    ctx: ProviderContext,
  ): Promise<ProvisionedResource>;
  /** Deletes; a resource that is already gone is not an error. */
  delete(current: ProvisionedResource, properties: ResourceProperties, ctx: ProviderContext): Promise<void>;
}

/** The name CloudFormation generates for an unnamed resource: `stack-Logical-RANDOM`, capped. */
export function generatedName(ctx: ProviderContext, maxLength: number): string {
  const suffix = randomBytes(6).toString('hex').toUpperCase();
  const base = `${ctx.stackName}-${ctx.logicalId}`.slice(0, maxLength - suffix.length - 1);
  return `${base}-${suffix}`;
}

/** A property that must be a string (or number) for the service call. */
export function stringProperty(properties: ResourceProperties, name: string): string | undefined {
  const value = properties[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') {
    throw new TypeError(
      `Properties validation failed for resource: #/${name}: expected type: String, found: ${Array.isArray(value) ? 'JSONArray' : 'JSONObject'}`,
    );
  }
  return String(value);
}

/** A policy document property as the JSON text the service expects (objects are serialised). */
export function documentProperty(properties: ResourceProperties, name: string): string | undefined {
  const value = properties[name];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
