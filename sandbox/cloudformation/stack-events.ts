/** The events a stack operation records, and the stack status they set. */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { ServiceCall } from './service-caller.js';
import type { Stack } from './stack-model.js';

export interface EngineContext {
  call: ServiceCall;
  now(): Date;
  /** Exports of the account's other stacks, for Fn::ImportValue. */
  exports: Record<string, string>;
}

const STACK_TYPE = 'AWS::CloudFormation::Stack';

export function timestamp(ctx: EngineContext): string {
  return ctx.now().toISOString();
}

export function recordStackEvent(stack: Stack, ctx: EngineContext, status: string, reason?: string): void {
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

export function recordResourceEvent(
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
export function failureReason(error: unknown, resourceType?: string): string {
  if (error instanceof AwsError) {
    const service = resourceType?.split('::')[1] ?? 'CloudFormation';
    const handlerCode =
      error.status === 403
        ? 'AccessDenied'
        : error.code === 'AlreadyExists' || error.code === 'EntityAlreadyExists'
          ? 'AlreadyExists'
          : 'InvalidRequest';
    return `Resource handler returned message: "${error.message} (Service: ${service}, Status Code: ${error.status}, Error Code: ${error.code})" (HandlerErrorCode: ${handlerCode})`;
  }
  return error instanceof Error ? error.message : String(error);
}
