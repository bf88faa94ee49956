/**
 * CloudFormation's stack operations: CreateStack, UpdateStack, DeleteStack, the Describe/List/Get
 * calls, ValidateTemplate and GetTemplateSummary; with the change-set operations, every action
 * the service answers. Each returns the `<ActionResult>` content.
 */
import { AwsError } from '../core/errors.js';
import { CHANGE_SET_OPERATIONS } from './change-set-operations.js';
import { renderEvent, renderResource, renderStack } from './cloudformation-render.js';
import { newStackName, stackNameParam, tagsParam, templateBodyParam } from './request-input.js';
import {
  checkedTemplate,
  createInputs,
  engineFor,
  executeCreate,
  executeUpdate,
  findChangeSet,
  newStack,
  requireUpdatable,
  type StackOperation,
  sameInputs,
  templateSummary,
  updateInputs,
} from './stack-actions.js';
import { runDelete } from './stack-engine.js';
import { parseTemplate } from './template-parser.js';

export type { OperationContext, StackOperation } from './stack-actions.js';

const STACK_ONLY_OPERATIONS: Record<string, StackOperation> = {
  async CreateStack(op) {
    const name = newStackName(op.params);
    const inputs = createInputs(op);
    if (op.registry.find(op.accountId, op.region, name)) {
      throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists`);
    }
    const stack = newStack(op, name);
    stack.tags = tagsParam(op.params);
    const onFailure = op.params.get('OnFailure');
    stack.disableRollback = op.params.get('DisableRollback') === 'true' || onFailure === 'DO_NOTHING';
    op.registry.add(stack);
    await executeCreate(op, stack, inputs);
    if (onFailure === 'DELETE' && stack.status === 'ROLLBACK_COMPLETE') {
      await runDelete(stack, inputs.template, engineFor(op));
      if ((stack.status as string) === 'DELETE_COMPLETE') op.registry.remove(stack);
    }
    return { StackId: stack.stackId };
  },

  async UpdateStack(op) {
    const stack = op.registry.require(op.accountId, op.region, stackNameParam(op.params));
    requireUpdatable(stack);
    const inputs = updateInputs(op, stack);
    if (sameInputs(stack, inputs.body, inputs.parameters))
      throw new AwsError('ValidationError', 'No updates are to be performed.');
    await executeUpdate(op, stack, inputs);
    return { StackId: stack.stackId };
  },

  async DeleteStack(op) {
    const stack = op.registry.find(op.accountId, op.region, stackNameParam(op.params));
    // Deleting a stack that does not exist succeeds, as in CloudFormation.
    if (!stack) return undefined;
    if (stack.status === 'REVIEW_IN_PROGRESS' && stack.resources.length === 0) {
      op.registry.remove(stack);
      return undefined;
    }
    await runDelete(stack, stack.templateBody ? parseTemplate(stack.templateBody) : undefined, engineFor(op));
    if (stack.status === 'DELETE_COMPLETE') op.registry.remove(stack);
    return undefined;
  },

  async DescribeStacks(op) {
    const name = op.params.get('StackName');
    const stacks = name
      ? [op.registry.require(op.accountId, op.region, name)]
      : op.registry.list(op.accountId, op.region);
    return { Stacks: { member: stacks.map(renderStack) } };
  },

  async ListStacks(op) {
    return {
      StackSummaries: {
        member: op.registry.list(op.accountId, op.region).map((s) => ({
          StackId: s.stackId,
          StackName: s.stackName,
          TemplateDescription: s.description,
          CreationTime: s.creationTime,
          LastUpdatedTime: s.lastUpdatedTime,
          StackStatus: s.status,
          StackStatusReason: s.statusReason,
        })),
      },
    };
  },

  async DescribeStackEvents(op) {
    const stack = op.registry.require(op.accountId, op.region, stackNameParam(op.params));
    return { StackEvents: { member: [...stack.events].reverse().map((e) => renderEvent(stack, e)) } };
  },

  async DescribeStackResources(op) {
    const stack = op.registry.require(op.accountId, op.region, stackNameParam(op.params));
    const logicalId = op.params.get('LogicalResourceId');
    const resources = stack.resources.filter((r) => !logicalId || r.logicalId === logicalId);
    return { StackResources: { member: resources.map((r) => renderResource(stack, r, 'describe')) } };
  },

  async ListStackResources(op) {
    const stack = op.registry.require(op.accountId, op.region, stackNameParam(op.params));
    return {
      StackResourceSummaries: { member: stack.resources.map((r) => renderResource(stack, r, 'summary')) },
    };
  },

  async GetTemplate(op) {
    if (op.params.get('ChangeSetName')) {
      const { changeSet } = findChangeSet(op);
      return { TemplateBody: changeSet.templateBody, StagesAvailable: { member: ['Original', 'Processed'] } };
    }
    const stack = op.registry.require(op.accountId, op.region, stackNameParam(op.params));
    return { TemplateBody: stack.templateBody ?? '', StagesAvailable: { member: ['Original', 'Processed'] } };
  },

  async ValidateTemplate(op) {
    const template = checkedTemplate(templateBodyParam(op.params, false)!);
    const summary = templateSummary(template);
    return {
      Parameters: {
        member: summary.parameters.map(({ ParameterType: _type, ParameterConstraints: _c, ...p }) => p),
      },
      Description: template.Description,
      Capabilities: summary.Capabilities,
      CapabilitiesReason: summary.CapabilitiesReason,
    };
  },

  async GetTemplateSummary(op) {
    const stackName = op.params.get('StackName');
    const body = stackName
      ? (op.registry.require(op.accountId, op.region, stackName).templateBody ?? '')
      : templateBodyParam(op.params, false)!;
    const template = checkedTemplate(body);
    const summary = templateSummary(template);
    return {
      Parameters: { member: summary.parameters },
      Description: template.Description,
      Capabilities: summary.Capabilities,
      CapabilitiesReason: summary.CapabilitiesReason,
      ResourceTypes: { member: [...new Set(Object.values(template.Resources).map((r) => r.Type))] },
      Version: template.AWSTemplateFormatVersion,
      DeclaredTransforms: {},
    };
  },

  async ListExports(op) {
    return {
      Exports: {
        member: op.registry
          .exports(op.accountId, op.region)
          .map((e) => ({ ExportingStackId: e.stackId, Name: e.name, Value: e.value })),
      },
    };
  },
};

export const STACK_OPERATIONS: Record<string, StackOperation> = {
  ...STACK_ONLY_OPERATIONS,
  ...CHANGE_SET_OPERATIONS,
};
