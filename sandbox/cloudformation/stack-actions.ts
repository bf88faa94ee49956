/**
 * The building blocks of CloudFormation's operations: checked templates, new stacks, the inputs
 * of an update (UsePreviousTemplate / UsePreviousValue), running a create or update, and
 * finding a change set by name or ARN.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { XmlObject } from '../protocols/xml.js';
import { resolveParameterValues } from './parameters.js';
import { capabilitiesParam, parameterInputs, stackNameParam, templateBodyParam } from './request-input.js';
import { type EngineContext, runCreate, runUpdate } from './stack-engine.js';
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

export function checkedTemplate(body: string): Template {
  const template = parseTemplate(body);
  validateTemplate(template);
  return template;
}

export function requireUpdatable(stack: Stack): void {
  if (!UPDATABLE.has(stack.status)) {
    throw new AwsError(
      'ValidationError',
      `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`,
    );
  }
}

export function newStack(op: OperationContext, name: string): Stack {
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

export function engineFor(op: OperationContext): EngineContext {
  const exports = Object.fromEntries(
    op.registry.exports(op.accountId, op.region).map((e) => [e.name, e.value]),
  );
  return { ...op.engine, exports };
}

/** What a create or an update runs with: the template, its parameter values and the capabilities granted. */
export interface StackInputs {
  body: string;
  template: Template;
  parameters: Record<string, string>;
  capabilities: string[];
}

/** The request's checked template, parameter values (over `previous` ones, for UsePreviousValue) and capabilities. */
function inputsOf(op: OperationContext, body: string, previous?: Record<string, string>): StackInputs {
  const template = checkedTemplate(body);
  const parameters = resolveParameterValues(template.Parameters, parameterInputs(op.params), previous);
  const capabilities = capabilitiesParam(op.params);
  checkCapabilities(template, capabilities);
  return { body, template, parameters, capabilities };
}

/** The inputs of a new stack (CreateStack, a CREATE change set). */
export function createInputs(op: OperationContext): StackInputs {
  return inputsOf(op, templateBodyParam(op.params, false)!);
}

/** The inputs an update would run with (UsePreviousTemplate / UsePreviousValue). */
export function updateInputs(op: OperationContext, stack: Stack): StackInputs {
  return inputsOf(op, templateBodyParam(op.params, true) ?? stack.templateBody ?? '', stack.parameters);
}

export function sameInputs(stack: Stack, body: string, parameters: Record<string, string>): boolean {
  const before = stack.templateBody ? JSON.stringify(parseTemplate(stack.templateBody)) : undefined;
  return (
    before === JSON.stringify(parseTemplate(body)) &&
    JSON.stringify(stack.parameters) === JSON.stringify(parameters)
  );
}

export async function executeCreate(op: OperationContext, stack: Stack, inputs: StackInputs) {
  const { body, template, parameters, capabilities } = inputs;
  stack.templateBody = body;
  stack.description = template.Description;
  stack.parameters = parameters;
  stack.capabilities = capabilities;
  await runCreate(stack, template, parameters, engineFor(op));
}

export async function executeUpdate(op: OperationContext, stack: Stack, inputs: StackInputs) {
  const { body, template, parameters, capabilities } = inputs;
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

export function findChangeSet(op: OperationContext): { stack: Stack; changeSet: ChangeSet } {
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
export function templateSummary(template: Template) {
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
