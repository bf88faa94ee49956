/**
 * Runs stack operations to completion: create (rolled back to ROLLBACK_COMPLETE when a resource
 * fails), update (resources added, updated in place or replaced; rolled back to
 * UPDATE_ROLLBACK_COMPLETE on failure) and delete, recording events as AWS does. Operations run
 * while the API call that started them is answered, so a client's first poll sees the result.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import { NO_VALUE, type ResolutionEnvironment, type ResolvedValue, resolveValue } from './intrinsics.js';
import { RESOURCE_PROVIDERS } from './providers/provider-registry.js';
import type { ProviderContext, ResourceProperties } from './providers/resource-provider.js';
import type { ServiceCall } from './service-caller.js';
import type { ResourceChange, Stack, StackOutput, StackResource } from './stack-model.js';
import { creationOrder, stackEnvironment } from './stack-plan.js';
import type { Template, TemplateValue } from './template-parser.js';

export interface EngineContext {
  call: ServiceCall;
  now(): Date;
  /** Exports of the account's other stacks, for Fn::ImportValue. */
  exports: Record<string, string>;
}

const STACK_TYPE = 'AWS::CloudFormation::Stack';

function timestamp(ctx: EngineContext): string {
  return ctx.now().toISOString();
}

function recordStackEvent(stack: Stack, ctx: EngineContext, status: string, reason?: string): void {
  stack.status = status;
  stack.statusReason = reason;
  stack.events.push({
    eventId: randomUUID(),
    logicalId: stack.stackName,
    physicalId: stack.stackId,
    type: STACK_TYPE,
    status,
    reason,
    timestamp: timestamp(ctx),
  });
}

function recordResourceEvent(
  stack: Stack,
  ctx: EngineContext,
  resource: { logicalId: string; type: string; physicalId?: string },
  status: string,
  reason?: string,
): void {
  stack.events.push({
    eventId: `${resource.logicalId}-${status}-${ctx.now().toISOString()}-${randomUUID().slice(0, 8)}`,
    logicalId: resource.logicalId,
    physicalId: resource.physicalId ?? '',
    type: resource.type,
    status,
    reason,
    timestamp: timestamp(ctx),
  });
}

/** The reason text a failed resource gets, in the form of CloudFormation's resource handlers. */
function failureReason(error: unknown): string {
  if (error instanceof AwsError) {
    return `Resource handler returned message: "${error.message} (Service: ${error.code}, Status Code: ${error.status})" (HandlerErrorCode: ${error.status === 403 ? 'AccessDenied' : error.code === 'AlreadyExists' || error.code === 'EntityAlreadyExists' ? 'AlreadyExists' : 'InvalidRequest'})`;
  }
  return error instanceof Error ? error.message : String(error);
}

function providerContext(stack: Stack, logicalId: string, ctx: EngineContext): ProviderContext {
  return {
    call: ctx.call,
    stackName: stack.stackName,
    logicalId,
    accountId: stack.accountId,
    region: stack.region,
  };
}

function resolveProperties(
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

function resolveOutputs(template: Template, env: ResolutionEnvironment): StackOutput[] {
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

function addToEnv(env: ResolutionEnvironment, resource: StackResource): void {
  env.resources[resource.logicalId] = { ref: resource.physicalId, attributes: resource.attributes };
}

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
        recordResourceEvent(stack, ctx, { logicalId, type }, 'CREATE_FAILED', failureReason(error));
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
      recordResourceEvent(stack, ctx, resource, 'DELETE_FAILED', failureReason(error));
      remaining.unshift(resource);
    }
  }
  return remaining;
}

function replaces(type: string, before: ResourceProperties, after: ResourceProperties): boolean {
  return RESOURCE_PROVIDERS[type]!.replaceOn.some(
    (name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]),
  );
}

function sameValue(a: ResolvedValue | ResourceProperties, b: ResolvedValue | ResourceProperties): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
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
          const provisioned = await provider.update(before, before.properties, properties, pctx);
          after = {
            ...before,
            ...provisioned,
            properties,
            status: 'UPDATE_COMPLETE',
            timestamp: timestamp(ctx),
          };
          steps.push({ kind: 'updated', before, after });
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
          failureReason(error),
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
        recordResourceEvent(stack, ctx, step.after, 'UPDATE_FAILED', failureReason(error));
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
