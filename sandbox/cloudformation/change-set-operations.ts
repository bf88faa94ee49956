/**
 * The change sets `aws cloudformation deploy` works with: CreateChangeSet (CREATE makes a
 * REVIEW_IN_PROGRESS stack; an update without changes FAILS with AWS's reason, which the CLI
 * reports as "No changes to deploy"), DescribeChangeSet, ListChangeSets, ExecuteChangeSet and
 * DeleteChangeSet.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import { renderChangeSet, renderChangeSetSummary } from './cloudformation-render.js';
import { newStackName, stackNameParam, tagsParam } from './request-input.js';
import {
  checkedTemplate,
  createInputs,
  engineFor,
  executeCreate,
  executeUpdate,
  findChangeSet,
  NO_CHANGES_REASON,
  newStack,
  requireUpdatable,
  type StackInputs,
  type StackOperation,
  sameInputs,
  updateInputs,
} from './stack-actions.js';
import { planChanges } from './stack-engine.js';
import type { ChangeSet } from './stack-model.js';

export const CHANGE_SET_OPERATIONS: Record<string, StackOperation> = {
  async CreateChangeSet(op) {
    const stackName = newStackName(op.params);
    const name = stackNameParam(op.params, 'ChangeSetName');
    if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(name) || name.length > 128) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${name}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    const type = op.params.get('ChangeSetType') ?? 'UPDATE';
    if (type !== 'CREATE' && type !== 'UPDATE') {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${type}' at 'changeSetType' failed to satisfy constraint: Member must satisfy enum value set: [CREATE, UPDATE, IMPORT]`,
      );
    }
    let stack = op.registry.find(op.accountId, op.region, stackName);
    let inputs: StackInputs;
    if (type === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
        throw new AwsError(
          'AlreadyExistsException',
          `Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`,
        );
      }
      inputs = createInputs(op);
      if (!stack) {
        stack = newStack(op, stackName);
        op.registry.add(stack);
      }
    } else {
      if (!stack) throw new AwsError('ValidationError', `Stack [${stackName}] does not exist`);
      requireUpdatable(stack);
      inputs = updateInputs(op, stack);
    }
    if (stack.changeSets.some((c) => c.name === name)) {
      throw new AwsError('AlreadyExistsException', `ChangeSet ${name} already exists`);
    }
    const changes = planChanges(stack, inputs.template, inputs.parameters, engineFor(op).exports);
    const empty = type === 'UPDATE' && sameInputs(stack, inputs.body, inputs.parameters);
    const changeSet: ChangeSet = {
      id: `arn:aws:cloudformation:${op.region}:${op.accountId}:changeSet/${name}/${randomUUID()}`,
      name,
      type,
      status: empty ? 'FAILED' : 'CREATE_COMPLETE',
      statusReason: empty ? NO_CHANGES_REASON : undefined,
      executionStatus: empty ? 'UNAVAILABLE' : 'AVAILABLE',
      description: op.params.get('Description') ?? undefined,
      templateBody: inputs.body,
      parameters: inputs.parameters,
      capabilities: inputs.capabilities,
      tags: tagsParam(op.params),
      creationTime: op.engine.now().toISOString(),
      changes,
    };
    stack.changeSets.push(changeSet);
    return { Id: changeSet.id, StackId: stack.stackId };
  },

  async DescribeChangeSet(op) {
    const { stack, changeSet } = findChangeSet(op);
    return renderChangeSet(stack, changeSet);
  },

  async ListChangeSets(op) {
    const stack = op.registry.require(op.accountId, op.region, stackNameParam(op.params));
    return { Summaries: { member: stack.changeSets.map((c) => renderChangeSetSummary(stack, c)) } };
  },

  async DeleteChangeSet(op) {
    const { stack, changeSet } = findChangeSet(op);
    stack.changeSets = stack.changeSets.filter((c) => c !== changeSet);
    return {};
  },

  async ExecuteChangeSet(op) {
    const { stack, changeSet } = findChangeSet(op);
    if (changeSet.status !== 'CREATE_COMPLETE' || changeSet.executionStatus !== 'AVAILABLE') {
      throw new AwsError(
        'InvalidChangeSetStatus',
        `ChangeSet [${changeSet.id}] cannot be executed in its current status of [${changeSet.status}]`,
      );
    }
    const inputs: StackInputs = {
      body: changeSet.templateBody,
      template: checkedTemplate(changeSet.templateBody),
      parameters: changeSet.parameters,
      capabilities: changeSet.capabilities,
    };
    stack.tags = changeSet.tags.length > 0 ? changeSet.tags : stack.tags;
    stack.disableRollback = op.params.get('DisableRollback') === 'true';
    if (changeSet.type === 'CREATE') {
      stack.changeSets = [];
      await executeCreate(op, stack, inputs);
    } else {
      requireUpdatable(stack);
      await executeUpdate(op, stack, inputs);
    }
    return {};
  },
};
