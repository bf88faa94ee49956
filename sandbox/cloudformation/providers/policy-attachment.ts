/**
 * The shape AWS::SNS::TopicPolicy and AWS::SQS::QueuePolicy share: a PolicyDocument set on each
 * resource of a list property; a resource dropped from the list, or all of them on delete, get
 * their policy taken back.
 */
import { randomBytes } from 'node:crypto';
import {
  documentProperty,
  type ProviderContext,
  type ResourceProperties,
  type ResourceProvider,
} from './resource-provider.js';

/** What one policy-attachment resource type does to each resource it lists. */
export interface PolicyAttachmentOptions {
  /** The list property naming the resources, e.g. `Topics`. */
  listProperty: string;
  /** What the list holds, for the validation message, e.g. `topic ARNs`. */
  listItems: string;
  /** Sets `policy` on the resource `target`. */
  set(target: string, policy: string, ctx: ProviderContext): Promise<void>;
  /** Takes the policy back from `target` (default or none, as the service has it). */
  reset(target: string, ctx: ProviderContext): Promise<void>;
}

export function policyAttachmentProvider(options: PolicyAttachmentOptions): ResourceProvider {
  const { listProperty, set, reset } = options;
  const targetsOf = (properties: ResourceProperties): string[] => {
    const targets = properties[listProperty];
    if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === 'string')) {
      throw new TypeError(
        `Properties validation failed for resource: #/${listProperty}: expected type: JSONArray of ${options.listItems}`,
      );
    }
    return targets as string[];
  };
  return {
    replaceOn: [],
    required: ['PolicyDocument', listProperty],

    async create(properties, ctx) {
      const policy = documentProperty(properties, 'PolicyDocument')!;
      for (const target of targetsOf(properties)) await set(target, policy, ctx);
      const id = `${ctx.stackName}-${ctx.logicalId}-${randomBytes(6).toString('hex').toUpperCase()}`;
      return { physicalId: id, attributes: { Id: id } };
    },

    async update(current, previous, properties, ctx) {
      const policy = documentProperty(properties, 'PolicyDocument')!;
      const targets = targetsOf(properties);
      for (const target of targets) await set(target, policy, ctx);
      for (const old of targetsOf(previous)) if (!targets.includes(old)) await reset(old, ctx);
      return current;
    },

    async delete(_current, properties, ctx) {
      for (const target of targetsOf(properties)) await reset(target, ctx);
    },
  };
}
