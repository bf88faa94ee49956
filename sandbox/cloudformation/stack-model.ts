/** A stack as the sandbox's CloudFormation keeps it: resources, events, outputs, change sets. */
import type { ProvisionedResource, ResourceProperties } from './providers/resource-provider.js';

export interface StackResource extends ProvisionedResource {
  logicalId: string;
  type: string;
  /** The resolved properties the resource was last created or updated with. */
  properties: ResourceProperties;
  status: string;
  statusReason?: string;
  timestamp: string;
}

export interface StackEvent {
  eventId: string;
  logicalId: string;
  physicalId: string;
  type: string;
  status: string;
  reason?: string;
  timestamp: string;
}

export interface StackOutput {
  key: string;
  value: string;
  description?: string;
  exportName?: string;
}

export interface ResourceChange {
  action: 'Add' | 'Modify' | 'Remove';
  logicalId: string;
  physicalId?: string;
  type: string;
  replacement?: 'True' | 'False';
}

export interface ChangeSet {
  id: string;
  name: string;
  type: 'CREATE' | 'UPDATE';
  status: 'CREATE_COMPLETE' | 'FAILED';
  statusReason?: string;
  executionStatus: 'AVAILABLE' | 'UNAVAILABLE' | 'EXECUTE_COMPLETE' | 'OBSOLETE';
  description?: string;
  templateBody: string;
  parameters: Record<string, string>;
  capabilities: string[];
  tags: Array<{ Key: string; Value: string }>;
  creationTime: string;
  changes: ResourceChange[];
}

export interface Stack {
  stackId: string;
  stackName: string;
  accountId: string;
  region: string;
  status: string;
  statusReason?: string;
  creationTime: string;
  lastUpdatedTime?: string;
  description?: string;
  /** The template the stack runs (undefined while only a CREATE change set exists). */
  templateBody?: string;
  parameters: Record<string, string>;
  capabilities: string[];
  tags: Array<{ Key: string; Value: string }>;
  disableRollback: boolean;
  outputs: StackOutput[];
  /** In creation order (deletion goes in reverse). */
  resources: StackResource[];
  /** Oldest first (DescribeStackEvents answers newest first). */
  events: StackEvent[];
  changeSets: ChangeSet[];
}
