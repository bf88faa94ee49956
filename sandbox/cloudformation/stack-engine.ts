/**
 * Runs stack operations to completion: create (rolled back to ROLLBACK_COMPLETE when a resource
 * fails), update (resources added, updated in place or replaced; rolled back to
 * UPDATE_ROLLBACK_COMPLETE on failure) and delete, recording events as AWS does. Operations run
 * while the API call that started them is answered, so a client's first poll sees the result.
 */
import { RESOURCE_PROVIDERS } from './providers/provider-registry.js';
import {
  addToEnv,
  providerContext,
  replaces,
  resolveOutputs,
  resolveProperties,
  sameValue,
} from './resource-steps.js';
import {
  type EngineContext,
  failureReason,
  recordResourceEvent,
  recordStackEvent,
  timestamp,
} from './stack-events.js';
import type { Stack, StackOutput, StackResource } from './stack-model.js';
import { creationOrder, stackEnvironment } from './stack-plan.js';
import type { Template } from './template-parser.js';

export { planChanges } from './change-planner.js';
export type { EngineContext } from './stack-events.js';

async function deleteResource(
  stack: Stack,
  resource: StackResource,
  template: Template | undefined,
  ctx: EngineContext,
): Promise<void> {
  if (template?.Resources[resource.logicalId]?.DeletionPolicy === 'Retain') {
    recordResourceEvent(stack, ctx, resource, 'DELETE_SKIPPED');
    return;
  }
  recordResourceEvent(stack, ctx, resource, 'DELETE_IN_PROGRESS');
  await RESOURCE_PROVIDERS[resource.type]!.delete(
    resource,
    resource.properties,
    providerContext(stack, resource.logicalId, ctx),
  );
  recordResourceEvent(stack, ctx, resource, 'DELETE_COMPLETE');
}

/** Creates every resource; on failure deletes what was created (unless rollback is disabled). */
export async function runCreate(
  stack: Stack,
  template: Template,
  parameters: Record<string, string>,
  ctx: EngineContext,
): Promise<void> {
  stack.templateBody ??= '';
  recordStackEvent(stack, ctx, 'CREATE_IN_PROGRESS', 'User Initiated');
  const created: StackResource[] = [];
  let failed: string | undefined;
  let outputs: StackOutput[] = [];
  const env = stackEnvironment(template, parameters, stack, ctx.exports);
  try {
    for (const logicalId of creationOrder(template, env)) {
      const type = template.Resources[logicalId]!.Type;
      recordResourceEvent(stack, ctx, { logicalId, type }, 'CREATE_IN_PROGRESS');
      try {
        const properties = resolveProperties(template, logicalId, env);
        const provisioned = await RESOURCE_PROVIDERS[type]!.create(
          properties,
          providerContext(stack, logicalId, ctx),
        );
        const resource: StackResource = {
          logicalId,
          type,
          properties,
          ...provisioned,
          status: 'CREATE_COMPLETE',
          timestamp: timestamp(ctx),
        };
        created.push(resource);
        addToEnv(env, resource);
        recordResourceEvent(stack, ctx, resource, 'CREATE_COMPLETE');
      } catch (error) {
        recordResourceEvent(stack, ctx, { logicalId, type }, 'CREATE_FAILED', failureReason(error, type));
        failed = logicalId;
        break;
      }
    }
    if (!failed) outputs = resolveOutputs(template, env);
  } catch (error) {
    failed = stack.stackName;
    recordStackEvent(stack, ctx, 'CREATE_IN_PROGRESS', failureReason(error));
  }
  stack.resources = created;
  if (!failed) {
    stack.outputs = outputs;
    recordStackEvent(stack, ctx, 'CREATE_COMPLETE');
    return;
  }
  const reason = `The following resource(s) failed to create: [${failed}]. `;
  if (stack.disableRollback) {
    recordStackEvent(stack, ctx, 'CREATE_FAILED', reason);
    return;
  }
  recordStackEvent(stack, ctx, 'ROLLBACK_IN_PROGRESS', `${reason}Rollback requested by user.`);
  const remaining = await deleteAll(stack, template, created, ctx);
  stack.resources = remaining;
  recordStackEvent(stack, ctx, remaining.length === 0 ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED');
  // The stack keeps saying why it rolled back.
  stack.statusReason = `${reason}Rollback requested by user.`;
}

/** Deletes resources in reverse creation order; returns the ones that could not be deleted. */
async function deleteAll(
  stack: Stack,
  template: Template | undefined,
  resources: StackResource[],
  ctx: EngineContext,
): Promise<StackResource[]> {
  const remaining: StackResource[] = [];
  for (const resource of [...resources].reverse()) {
    try {
      await deleteResource(stack, resource, template, ctx);
    } catch (error) {
      recordResourceEvent(stack, ctx, resource, 'DELETE_FAILED', failureReason(error, resource.type));
      remaining.unshift(resource);
    }
  }
  return remaining;
}

type UpdateStep =
  | { kind: 'created'; resource: StackResource }
  | { kind: 'updated'; before: StackResource; after: StackResource }
  | { kind: 'replaced'; before: StackResource; after: StackResource };

/** Updates the stack to a new template and parameters; rolls back every step on failure. */
export async function runUpdate(
  stack: Stack,
  previousTemplate: Template,
  template: Template,
  parameters: Record<string, string>,
  ctx: EngineContext,
): Promise<boolean> {
  recordStackEvent(stack, ctx, 'UPDATE_IN_PROGRESS', 'User Initiated');
  const byId = new Map(stack.resources.map((r) => [r.logicalId, r]));
  const env = stackEnvironment(template, parameters, stack, ctx.exports);
  const steps: UpdateStep[] = [];
  const next: StackResource[] = [];
  let failed: string | undefined;
  let outputs: StackOutput[] = [];
  try {
    for (const logicalId of creationOrder(template, env)) {
      const type = template.Resources[logicalId]!.Type;
      const before = byId.get(logicalId);
      try {
        const properties = resolveProperties(template, logicalId, env);
        const pctx = providerContext(stack, logicalId, ctx);
        const provider = RESOURCE_PROVIDERS[type]!;
        let after: StackResource;
        if (before && before.type === type && sameValue(before.properties, properties)) {
          after = before;
        } else if (!before || before.type !== type || replaces(type, before.properties, properties)) {
          recordResourceEvent(
            stack,
            ctx,
            { logicalId, type, physicalId: before?.physicalId },
            before ? 'UPDATE_IN_PROGRESS' : 'CREATE_IN_PROGRESS',
            before
              ? 'Requested update requires the creation of a new physical resource; hence creating one.'
              : undefined,
          );
          const provisioned = await provider.create(properties, pctx);
          after = {
            logicalId,
            type,
            properties,
            ...provisioned,
            status: before ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
            timestamp: timestamp(ctx),
          };
          steps.push(before ? { kind: 'replaced', before, after } : { kind: 'created', resource: after });
          recordResourceEvent(stack, ctx, after, after.status);
        } else {
          recordResourceEvent(stack, ctx, before, 'UPDATE_IN_PROGRESS');
          // Recorded before the call: an update that fails half-way is rolled back too.
          const step: UpdateStep = { kind: 'updated', before, after: { ...before, properties } };
          steps.push(step);
          const provisioned = await provider.update(before, before.properties, properties, pctx);
          after = {
            ...before,
            ...provisioned,
            properties,
            status: 'UPDATE_COMPLETE',
            timestamp: timestamp(ctx),
          };
          step.after = after;
          recordResourceEvent(stack, ctx, after, 'UPDATE_COMPLETE');
        }
        next.push(after);
        addToEnv(env, after);
      } catch (error) {
        recordResourceEvent(
          stack,
          ctx,
          { logicalId, type, physicalId: before?.physicalId },
          before ? 'UPDATE_FAILED' : 'CREATE_FAILED',
          failureReason(error, type),
        );
        failed = logicalId;
        break;
      }
    }
    if (!failed) outputs = resolveOutputs(template, env);
  } catch (error) {
    failed = stack.stackName;
    recordStackEvent(stack, ctx, 'UPDATE_IN_PROGRESS', failureReason(error));
  }
  if (failed) {
    recordStackEvent(
      stack,
      ctx,
      'UPDATE_ROLLBACK_IN_PROGRESS',
      `The following resource(s) failed to update: [${failed}]. `,
    );
    for (const step of [...steps].reverse()) {
      if (step.kind !== 'updated') continue;
      try {
        recordResourceEvent(stack, ctx, step.after, 'UPDATE_IN_PROGRESS');
        await RESOURCE_PROVIDERS[step.after.type]!.update(
          step.after,
          step.after.properties,
          step.before.properties,
          providerContext(stack, step.after.logicalId, ctx),
        );
        recordResourceEvent(stack, ctx, step.before, 'UPDATE_COMPLETE');
      } catch (error) {
        recordResourceEvent(stack, ctx, step.after, 'UPDATE_FAILED', failureReason(error, step.after.type));
      }
    }
    recordStackEvent(stack, ctx, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    const added = steps.flatMap((s) =>
      s.kind === 'created' ? [s.resource] : s.kind === 'replaced' ? [s.after] : [],
    );
    await deleteAll(stack, template, added, ctx);
    recordStackEvent(stack, ctx, 'UPDATE_ROLLBACK_COMPLETE');
    return false;
  }
  recordStackEvent(stack, ctx, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  const kept = new Set(next);
  const obsolete = stack.resources.filter(
    (r) => !kept.has(r) && !next.some((n) => n.logicalId === r.logicalId && n.physicalId === r.physicalId),
  );
  await deleteAll(stack, previousTemplate, obsolete, ctx);
  stack.resources = next;
  stack.outputs = outputs;
  recordStackEvent(stack, ctx, 'UPDATE_COMPLETE');
  return true;
}

/** Deletes every resource; DELETE_FAILED keeps the ones that could not be deleted. */
export async function runDelete(
  stack: Stack,
  template: Template | undefined,
  ctx: EngineContext,
): Promise<void> {
  recordStackEvent(stack, ctx, 'DELETE_IN_PROGRESS', 'User Initiated');
  const remaining = await deleteAll(stack, template, stack.resources, ctx);
  stack.resources = remaining;
  if (remaining.length > 0) {
    recordStackEvent(
      stack,
      ctx,
      'DELETE_FAILED',
      `The following resource(s) failed to delete: [${remaining.map((r) => r.logicalId).join(', ')}]. `,
    );
    return;
  }
  recordStackEvent(stack, ctx, 'DELETE_COMPLETE');
}
