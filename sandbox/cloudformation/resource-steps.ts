/** Per-resource steps shared by the engine and the change planner: properties, outputs, replacement. */
import { NO_VALUE, type ResolutionEnvironment, type ResolvedValue, resolveValue } from './intrinsics.js';
import { RESOURCE_PROVIDERS } from './providers/provider-registry.js';
import type { ProviderContext, ResourceProperties } from './providers/resource-provider.js';
import type { EngineContext } from './stack-events.js';
import type { Stack, StackOutput, StackResource } from './stack-model.js';
import type { Template, TemplateValue } from './template-parser.js';

export function providerContext(stack: Stack, logicalId: string, ctx: EngineContext): ProviderContext {
  return {
    call: ctx.call,
    stackName: stack.stackName,
    logicalId,
    accountId: stack.accountId,
    region: stack.region,
  };
}

export function resolveProperties(
  template: Template,
  logicalId: string,
  env: ResolutionEnvironment,
): ResourceProperties {
  const resource = template.Resources[logicalId]!;
  const resolved = resolveValue((resource.Properties ?? {}) as TemplateValue, env);
  const properties = (resolved === NO_VALUE ? {} : resolved) as ResourceProperties;
  const provider = RESOURCE_PROVIDERS[resource.Type]!;
  const missing = provider.required.filter((name) => properties[name] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `Properties validation failed for resource ${logicalId} with message: #: required key [${missing[0]}] not found`,
    );
  }
  return properties;
}

export function resolveOutputs(template: Template, env: ResolutionEnvironment): StackOutput[] {
  const outputs: StackOutput[] = [];
  for (const [key, output] of Object.entries(template.Outputs)) {
    if (output.Condition !== undefined && !env.conditions[output.Condition]) continue;
    const value = resolveValue(output.Value, env);
    if (value === NO_VALUE) continue;
    const exportName = output.Export ? resolveValue(output.Export.Name, env) : undefined;
    outputs.push({
      key,
      value: Array.isArray(value) ? value.join(',') : String(value),
      description: output.Description,
      exportName: typeof exportName === 'string' ? exportName : undefined,
    });
  }
  return outputs;
}

export function addToEnv(env: ResolutionEnvironment, resource: StackResource): void {
  env.resources[resource.logicalId] = { ref: resource.physicalId, attributes: resource.attributes };
}

export function replaces(type: string, before: ResourceProperties, after: ResourceProperties): boolean {
  return RESOURCE_PROVIDERS[type]!.replaceOn.some(
    (name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]),
  );
}

export function sameValue(
  a: ResolvedValue | ResourceProperties,
  b: ResolvedValue | ResourceProperties,
): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
