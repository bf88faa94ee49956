/** The XML shapes of CloudFormation's answers (DescribeStacks, DescribeStackEvents...). */
import type { XmlObject } from '../protocols/xml.js';
import type { ChangeSet, Stack, StackEvent, StackResource } from './stack-model.js';

function parameterList(parameters: Record<string, string>): XmlObject {
  return {
    member: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
      ParameterKey,
      ParameterValue,
    })),
  };
}

function tagList(tags: Array<{ Key: string; Value: string }>): XmlObject {
  return { member: tags.map((t) => ({ Key: t.Key, Value: t.Value })) };
}

export function renderStack(stack: Stack): XmlObject {
  return {
    StackId: stack.stackId,
    StackName: stack.stackName,
    Description: stack.description,
    Parameters: parameterList(stack.parameters),
    CreationTime: stack.creationTime,
    LastUpdatedTime: stack.lastUpdatedTime,
    RollbackConfiguration: {},
    StackStatus: stack.status,
    StackStatusReason: stack.statusReason,
    DisableRollback: stack.disableRollback,
    NotificationARNs: {},
    Capabilities: { member: stack.capabilities },
    Outputs: {
      member: stack.outputs.map((o) => ({
        OutputKey: o.key,
        OutputValue: o.value,
        Description: o.description,
        ExportName: o.exportName,
      })),
    },
    Tags: tagList(stack.tags),
    EnableTerminationProtection: false,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

export function renderEvent(stack: Stack, event: StackEvent): XmlObject {
  return {
    StackId: stack.stackId,
    EventId: event.eventId,
    StackName: stack.stackName,
    LogicalResourceId: event.logicalId,
    PhysicalResourceId: event.physicalId,
    ResourceType: event.type,
    Timestamp: event.timestamp,
    ResourceStatus: event.status,
    ResourceStatusReason: event.reason,
  };
}

export function renderResource(
  stack: Stack,
  resource: StackResource,
  form: 'describe' | 'summary',
): XmlObject {
  const common = {
    LogicalResourceId: resource.logicalId,
    PhysicalResourceId: resource.physicalId,
    ResourceType: resource.type,
  };
  if (form === 'summary') {
    return {
      ...common,
      LastUpdatedTimestamp: resource.timestamp,
      ResourceStatus: resource.status,
      DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
    };
  }
  return {
    StackName: stack.stackName,
    StackId: stack.stackId,
    ...common,
    Timestamp: resource.timestamp,
    ResourceStatus: resource.status,
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
  };
}

export function renderChangeSet(stack: Stack, changeSet: ChangeSet): XmlObject {
  return {
    ChangeSetName: changeSet.name,
    ChangeSetId: changeSet.id,
    StackId: stack.stackId,
    StackName: stack.stackName,
    Description: changeSet.description,
    Parameters: parameterList(changeSet.parameters),
    CreationTime: changeSet.creationTime,
    ExecutionStatus: changeSet.executionStatus,
    Status: changeSet.status,
    StatusReason: changeSet.statusReason,
    NotificationARNs: {},
    RollbackConfiguration: {},
    Capabilities: { member: changeSet.capabilities },
    Tags: tagList(changeSet.tags),
    Changes: {
      member: changeSet.changes.map((change) => ({
        Type: 'Resource',
        ResourceChange: {
          Action: change.action,
          LogicalResourceId: change.logicalId,
          PhysicalResourceId: change.physicalId,
          ResourceType: change.type,
          Replacement: change.replacement,
          Scope: {},
          Details: {},
        },
      })),
    },
    IncludeNestedStacks: false,
  };
}

export function renderChangeSetSummary(stack: Stack, changeSet: ChangeSet): XmlObject {
  return {
    StackId: stack.stackId,
    StackName: stack.stackName,
    ChangeSetId: changeSet.id,
    ChangeSetName: changeSet.name,
    ExecutionStatus: changeSet.executionStatus,
    Status: changeSet.status,
    StatusReason: changeSet.statusReason,
    CreationTime: changeSet.creationTime,
    Description: changeSet.description,
    IncludeNestedStacks: false,
  };
}
