/**
 * The sandbox's CloudFormation (query protocol, version 2010-05-15): stacks whose resources
 * (IAM roles, SNS topics and topic policies) are created by calling the sandbox's own services
 * as the caller, so authorization applies and what a stack creates really exists.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Operations.html
 */
import { AwsError } from '../core/errors.js';
import type { SandboxContext, Service, ServiceName, ServiceRequest, ServiceResponse } from '../core/types.js';
import { queryParams, queryResponse } from '../protocols/query.js';
import { createServiceCaller, type ServiceLookup } from './service-caller.js';
import { STACK_OPERATIONS } from './stack-operations.js';
import { StackRegistry } from './stack-registry.js';

export interface CloudFormationServiceOptions {
  /** The running services stacks create resources in (IAM, SNS, SQS). */
  services: ServiceLookup;
  /** Told when a stack operation changed another service's state (so --state persists it). */
  changed?: (service: ServiceName) => void;
}

export function createCloudFormationService(
  ctx: SandboxContext,
  options: CloudFormationServiceOptions,
): Service {
  const registry = new StackRegistry();

  return {
    name: 'cloudformation',

    async handle(request: ServiceRequest): Promise<ServiceResponse> {
      const params = queryParams(request.url, await request.readBody());
      const action = params.get('Action') ?? '';
      const operation = Object.hasOwn(STACK_OPERATIONS, action) ? STACK_OPERATIONS[action] : undefined;
      if (!operation) {
        throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2010-05-15`, 400);
      }
      const accountId = request.caller.accountId;
      const stackName = params.get('StackName');
      ctx.authz.authorize({
        caller: request.caller,
        action: `cloudformation:${action}`,
        resource: stackName?.startsWith('arn:')
          ? stackName
          : `arn:aws:cloudformation:${request.region}:${accountId}:stack/${stackName ?? '*'}/*`,
        resourceAccountId: accountId,
        context: { 'aws:SecureTransport': request.secureTransport },
      });
      const call = createServiceCaller({
        ctx,
        services: options.services,
        caller: request.caller,
        region: request.region,
        changed: options.changed,
      });
      const result = await operation({
        params,
        accountId,
        region: request.region,
        registry,
        engine: { call, now: ctx.now, exports: {} },
      });
      return queryResponse('cloudformation', action, result, request.requestId);
    },

    snapshot: () => registry.snapshot(),
    restore: (data) => registry.restore(data),
  };
}
