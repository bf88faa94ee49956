/**
 * CloudFormation's stack and change-set operations over the stack registry and engine:
 * CreateStack, UpdateStack, DeleteStack, the change sets `aws cloudformation deploy` uses,
 * and the Describe/List/Get calls. Each returns the `<ActionResult>` content.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { XmlObject } from '../protocols/xml.js';
import {
  renderChangeSet,
  renderChangeSetSummary,
  renderEvent,
  renderResource,
  renderStack,
} from './cloudformation-render.js';
import { resolveParameterValues } from './parameters.js';
import {
  capabilitiesParam,
  newStackName,
  parameterInputs,
  stackNameParam,
  tagsParam,
  templateBodyParam,
} from './request-input.js';
import { type EngineContext, planChanges, runCreate, runDelete, runUpdate } from './stack-engine.js';
import type { ChangeSet, Stack } from './stack-model.js';
import { checkCapabilities, requiredCapability, validateTemplate } from './stack-plan.js';
import type { StackRegistry } from './stack-registry.js';
import { parseTemplate, type Template } from './template-parser.js';

export interface OperationContext {
  params: URLSearchParams;
  accountId: string;
  region: string;
  registry: StackRegistry;
  engine: EngineContext;
}

export type StackOperation = (op: OperationContext) => Promise<XmlObject | undefined>;

/** Stack states an update may start from. */
const UPDATABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE']);

export const NO_CHANGES_REASON =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

function checkedTemplate(body: string): Template {
  const template = parseTemplate(body);
  validateTemplate(template);
  return template;
}

function requireUpdatable(stack: Stack): void {
  if (!UPDATABLE.has(stack.status)) {
    throw new AwsError(
      'ValidationError',
      `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`,
    );
  }
}

function newStack(op: OperationContext, name: string): Stack {
  return {
    stackId: `arn:aws:cloudformation:${op.region}:${op.accountId}:stack/${name}/${randomUUID()}`,
    stackName: name,
    accountId: op.accountId,
    region: op.region,
    status: 'REVIEW_IN_PROGRESS',
    creationTime: op.engine.now().toISOString(),
    parameters: {},
    capabilities: [],
    tags: [],
    disableRollback: false,
    outputs: [],
    resources: [],
    events: [],
    changeSets: [],
  };
}

function engineFor(op: OperationContext): EngineContext {
  const exports = Object.fromEntries(
    op.registry.exports(op.accountId, op.region).map((e) => [e.name, e.value]),
  );
  return { ...op.engine, exports };
}

/** The template and parameter values an update would run with (UsePreviousTemplate / UsePreviousValue). */
function updateInputs(op: OperationContext, stack: Stack) {
  const body = templateBodyParam(op.params, true) ?? stack.templateBody ?? '';
  const template = checkedTemplate(body);
  const parameters = resolveParameterValues(
    template.Parameters,
    parameterInputs(op.params),
    stack.parameters,
  );
  const capabilities = capabilitiesParam(op.params);
  checkCapabilities(template, capabilities);
  return { body, template, parameters, capabilities };
}

function sameInputs(stack: Stack, body: string, parameters: Record<string, string>): boolean {
  const before = stack.templateBody ? JSON.stringify(parseTemplate(stack.templateBody)) : undefined;
  return (
    before === JSON.stringify(parseTemplate(body)) &&
    JSON.stringify(stack.parameters) === JSON.stringify(parameters)
  );
}

async function executeCreate(
  op: OperationContext,
  stack: Stack,
  body: string,
  template: Template,
  parameters: Record<string, string>,
  capabilities: string[],
) {
  stack.templateBody = body;
  stack.description = template.Description;
  stack.parameters = parameters;
  stack.capabilities = capabilities;
  await runCreate(stack, template, parameters, engineFor(op));
}

async function executeUpdate(
  op: OperationContext,
  stack: Stack,
  body: string,
  template: Template,
  parameters: Record<string, string>,
  capabilities: string[],
) {
  const previous = {
    body: stack.templateBody,
    parameters: stack.parameters,
    capabilities: stack.capabilities,
    description: stack.description,
  };
  const previousTemplate = parseTemplate(stack.templateBody ?? body);
  stack.lastUpdatedTime = op.engine.now().toISOString();
  const ok = await runUpdate(stack, previousTemplate, template, parameters, engineFor(op));
  if (ok) {
    stack.templateBody = body;
    stack.description = template.Description;
    stack.parameters = parameters;
    stack.capabilities = capabilities;
  } else {
    stack.templateBody = previous.body;
    stack.parameters = previous.parameters;
    stack.capabilities = previous.capabilities;
    stack.description = previous.description;
  }
  stack.changeSets = [];
}

function findChangeSet(op: OperationContext): { stack: Stack; changeSet: ChangeSet } {
  const name = stackNameParam(op.params, 'ChangeSetName');
  const stackName = op.params.get('StackName');
  const stacks = stackName
    ? [op.registry.find(op.accountId, op.region, stackName)]
    : op.registry.list(op.accountId, op.region);
  for (const stack of stacks) {
    const changeSet = stack?.changeSets.find((c) => c.id === name || c.name === name);
    if (stack && changeSet) return { stack, changeSet };
  }
  if (!name.startsWith('arn:') && !stackName) {
    throw new AwsError(
      'ValidationError',
      'StackName must be specified if ChangeSetName is not specified as an ARN.',
    );
  }
  throw new AwsError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);
}

/** What ValidateTemplate and GetTemplateSummary say about a template's parameters and capabilities. */
function templateSummary(template: Template) {
  const capability = requiredCapability(template);
  const iamTypes = [
    ...new Set(
      Object.values(template.Resources)
        .map((r) => r.Type)
        .filter((t) => t.startsWith('AWS::IAM::')),
    ),
  ];
  return {
    parameters: Object.entries(template.Parameters).map(([key, p]) => ({
      ParameterKey: key,
      DefaultValue:
        p.Default === undefined
          ? undefined
          : Array.isArray(p.Default)
            ? p.Default.join(',')
            : String(p.Default),
      ParameterType: p.Type,
      NoEcho: String(p.NoEcho ?? false) === 'true',
      Description: p.Description,
      ParameterConstraints: p.AllowedValues
        ? { AllowedValues: { member: p.AllowedValues.map(String) } }
        : undefined,
    })),
    Capabilities: { member: capability ? [capability] : [] },
    CapabilitiesReason: capability
      ? `The following resource(s) require capabilities: [${iamTypes.join(', ')}]`
      : undefined,
  };
}

export const STACK_OPERATIONS: Record<string, StackOperation> = {
  async CreateStack(op) {
    const name = newStackName(op.params);
    const body = templateBodyParam(op.params, false)!;
    const template = checkedTemplate(body);
    const parameters = resolveParameterValues(template.Parameters, parameterInputs(op.params));
    const capabilities = capabilitiesParam(op.params);
    checkCapabilities(template, capabilities);
    if (op.registry.find(op.accountId, op.region, name)) {
      throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists`);
    }
    const stack = newStack(op, name);
    stack.tags = tagsParam(op.params);
    const onFailure = op.params.get('OnFailure');
    stack.disableRollback = op.params.get('DisableRollback') === 'true' || onFailure === 'DO_NOTHING';
    op.registry.add(stack);
    await executeCreate(op, stack, body, template, parameters, capabilities);
    if (onFailure === 'DELETE' && stack.status === 'ROLLBACK_COMPLETE') {
      await runDelete(stack, template, engineFor(op));
      if ((stack.status as string) === 'DELETE_COMPLETE') op.registry.remove(stack);
    }
    return { StackId: stack.stackId };
  },

  async UpdateStack(op) {
    const stack = op.registry.require(op.accountId, op.region, stackNameParam(op.params));
    requireUpdatable(stack);
    const { body, template, parameters, capabilities } = updateInputs(op, stack);
    if (sameInputs(stack, body, parameters))
      throw new AwsError('ValidationError', 'No updates are to be performed.');
    await executeUpdate(op, stack, body, template, parameters, capabilities);
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
    let inputs: ReturnType<typeof updateInputs>;
    if (type === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
        throw new AwsError(
          'AlreadyExistsException',
          `Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`,
        );
      }
      const body = templateBodyParam(op.params, false)!;
      const template = checkedTemplate(body);
      const parameters = resolveParameterValues(template.Parameters, parameterInputs(op.params));
      const capabilities = capabilitiesParam(op.params);
      checkCapabilities(template, capabilities);
      inputs = { body, template, parameters, capabilities };
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
    const template = checkedTemplate(changeSet.templateBody);
    stack.tags = changeSet.tags.length > 0 ? changeSet.tags : stack.tags;
    stack.disableRollback = op.params.get('DisableRollback') === 'true';
    if (changeSet.type === 'CREATE') {
      stack.changeSets = [];
      await executeCreate(
        op,
        stack,
        changeSet.templateBody,
        template,
        changeSet.parameters,
        changeSet.capabilities,
      );
    } else {
      requireUpdatable(stack);
      await executeUpdate(
        op,
        stack,
        changeSet.templateBody,
        template,
        changeSet.parameters,
        changeSet.capabilities,
      );
    }
    return {};
  },
};
