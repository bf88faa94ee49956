/** AWS::IAM::Role: the role, its trust policy, MaxSessionDuration and inline policies. */
import { AwsError } from '../../core/errors.js';
import { asArray } from '../../protocols/xml.js';
import {
  documentProperty,
  generatedName,
  type ProviderContext,
  type ProvisionedResource,
  type ResourceProperties,
  type ResourceProvider,
  stringProperty,
} from './resource-provider.js';

interface InlinePolicy {
  name: string;
  document: string;
}

function inlinePolicies(properties: ResourceProperties): InlinePolicy[] {
  const list = properties.Policies;
  if (list === undefined) return [];
  if (!Array.isArray(list))
    throw new TypeError('Properties validation failed for resource: #/Policies: expected type: JSONArray');
  return list.map((item, i) => {
    const policy = item as ResourceProperties;
    const name = stringProperty(policy, 'PolicyName');
    const document = documentProperty(policy, 'PolicyDocument');
    if (!name || !document) {
      throw new TypeError(
        `Properties validation failed for resource: #/Policies/${i}: required key [${name ? 'PolicyDocument' : 'PolicyName'}] not found`,
      );
    }
    return { name, document };
  });
}

function tagParams(properties: ResourceProperties): Record<string, string> {
  const params: Record<string, string> = {};
  asArray(properties.Tags as ResourceProperties[] | undefined).forEach((tag, i) => {
    params[`Tags.member.${i + 1}.Key`] = String(tag.Key);
    params[`Tags.member.${i + 1}.Value`] = String(tag.Value ?? '');
  });
  return params;
}

async function putPolicies(roleName: string, policies: InlinePolicy[], ctx: ProviderContext): Promise<void> {
  for (const policy of policies) {
    await ctx.call('iam', 'PutRolePolicy', {
      RoleName: roleName,
      PolicyName: policy.name,
      PolicyDocument: policy.document,
    });
  }
}

export const iamRoleProvider: ResourceProvider = {
  replaceOn: ['RoleName', 'Path'],
  required: ['AssumeRolePolicyDocument'],

  capability: (properties) => (properties.RoleName !== undefined ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM'),

  async create(properties, ctx) {
    const roleName = stringProperty(properties, 'RoleName') ?? generatedName(ctx, 64);
    const result = await ctx.call('iam', 'CreateRole', {
      RoleName: roleName,
      Path: stringProperty(properties, 'Path'),
      AssumeRolePolicyDocument: documentProperty(properties, 'AssumeRolePolicyDocument'),
      Description: stringProperty(properties, 'Description'),
      MaxSessionDuration: stringProperty(properties, 'MaxSessionDuration'),
      ...tagParams(properties),
    });
    const role = result.Role as { Arn: string; RoleId: string };
    const created: ProvisionedResource = {
      physicalId: roleName,
      attributes: { Arn: role.Arn, RoleId: role.RoleId },
    };
    try {
      await putPolicies(roleName, inlinePolicies(properties), ctx);
    } catch (error) {
      // A role whose policy was refused is not left behind half-made.
      await iamRoleProvider.delete(created, properties, ctx);
      throw error;
    }
    return created;
  },

  async update(current, previous, properties, ctx) {
    const roleName = current.physicalId;
    const trust = documentProperty(properties, 'AssumeRolePolicyDocument');
    if (trust !== documentProperty(previous, 'AssumeRolePolicyDocument')) {
      await ctx.call('iam', 'UpdateAssumeRolePolicy', { RoleName: roleName, PolicyDocument: trust });
    }
    const description = stringProperty(properties, 'Description') ?? '';
    const maxSession = stringProperty(properties, 'MaxSessionDuration') ?? '3600';
    if (
      description !== (stringProperty(previous, 'Description') ?? '') ||
      maxSession !== (stringProperty(previous, 'MaxSessionDuration') ?? '3600')
    ) {
      await ctx.call('iam', 'UpdateRole', {
        RoleName: roleName,
        Description: description,
        MaxSessionDuration: maxSession,
      });
    }
    const next = inlinePolicies(properties);
    const before = inlinePolicies(previous);
    await putPolicies(
      roleName,
      next.filter((p) => before.find((b) => b.name === p.name)?.document !== p.document),
      ctx,
    );
    for (const old of before) {
      if (!next.some((p) => p.name === old.name)) {
        await ctx.call('iam', 'DeleteRolePolicy', { RoleName: roleName, PolicyName: old.name });
      }
    }
    return current;
  },

  async delete(current, _properties, ctx) {
    try {
      const listed = await ctx.call('iam', 'ListRolePolicies', { RoleName: current.physicalId });
      const names = asArray((listed.PolicyNames as { member?: string | string[] } | undefined)?.member);
      for (const name of names) {
        await ctx.call('iam', 'DeleteRolePolicy', { RoleName: current.physicalId, PolicyName: name });
      }
      await ctx.call('iam', 'DeleteRole', { RoleName: current.physicalId });
    } catch (error) {
      if (error instanceof AwsError && error.code === 'NoSuchEntity') return;
      throw error;
    }
  },
};
