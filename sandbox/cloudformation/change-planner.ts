/** What a change set would change, computed before anything runs. */
import type { ResourceProperties } from './providers/resource-provider.js';
import { addToEnv, replaces, resolveProperties, sameValue } from './resource-steps.js';
import type { ResourceChange, Stack } from './stack-model.js';
import { creationOrder, stackEnvironment } from './stack-plan.js';
import type { Template } from './template-parser.js';

/**
 * What a change set would do to a stack: every resource added on CREATE; on UPDATE the resources
 * added, removed, or whose resolved properties differ (replacement when a replace-on property does).
 */
export function planChanges(
  stack: Stack,
  template: Template,
  parameters: Record<string, string>,
  exports: Record<string, string>,
): ResourceChange[] {
  const env = stackEnvironment(template, parameters, stack, exports);
  const order = creationOrder(template, env);
  const byId = new Map(stack.resources.map((r) => [r.logicalId, r]));
  for (const resource of stack.resources) addToEnv(env, resource);
  const changes: ResourceChange[] = [];
  for (const logicalId of order) {
    const type = template.Resources[logicalId]!.Type;
    const before = byId.get(logicalId);
    if (!before || before.type !== type) {
      changes.push({ action: 'Add', logicalId, type });
      continue;
    }
    let properties: ResourceProperties | undefined;
    try {
      properties = resolveProperties(template, logicalId, env);
    } catch {
      // Depends on a resource that does not exist yet: it will change.
    }
    if (properties && sameValue(before.properties, properties)) continue;
    changes.push({
      action: 'Modify',
      logicalId,
      physicalId: before.physicalId,
      type,
      replacement: properties && !replaces(type, before.properties, properties) ? 'False' : 'True',
    });
  }
  for (const resource of stack.resources) {
    if (!order.includes(resource.logicalId)) {
      changes.push({
        action: 'Remove',
        logicalId: resource.logicalId,
        physicalId: resource.physicalId,
        type: resource.type,
      });
    }
  }
  return changes;
}
