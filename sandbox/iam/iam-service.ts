/**
 * IAM (query protocol, version 2010-05-08): roles with trust policies and inline policies, as
 * the product's onboarding creates them. IAM is global; every call acts in the caller's own
 * account and is authorized like any other action (the root user may do anything; a role
 * session needs `iam:*` permissions in its own policies).
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html
 */
import {
  PolicyDocumentError,
  type PolicyKind,
  parsePolicyDocument,
  policySize,
} from '../authz/policy-document.js';
import { AwsError } from '../core/errors.js';
import type {
  PolicyDocument,
  SandboxContext,
  Service,
  ServiceRequest,
  ServiceResponse,
} from '../core/types.js';
import { queryParams, queryResponse } from '../protocols/query.js';
import type { XmlObject } from '../protocols/xml.js';
import { encodePolicy, renderRole } from './iam-render.js';
import { integerParam, MemberConstraints, stringParam } from './member-constraints.js';
import { parseRoleArn, type Role, RoleStore, type RoleTag, roleArnOf } from './role-store.js';

/** What STS and the authorizer learn about a role through the cross-service hooks. */
export interface RoleSummary {
  arn: string;
  name: string;
  accountId: string;
  roleId: string;
  trustPolicy: PolicyDocument;
  maxSessionDurationSec: number;
}

export interface IamService extends Service {
  /** The inline policies of the role an ARN names (path optional); empty when there is no such role. */
  rolePolicies(roleArn: string): PolicyDocument[];
  /** The role an ARN names, for STS; undefined when there is none. */
  getRole(roleArn: string): RoleSummary | undefined;
}

const NAME_PATTERN = '[\\w+=,.@-]+';
const PATH_PATTERN = '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)';
const DESCRIPTION_PATTERN = '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*';
const DOCUMENT_PATTERN = '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+';
/** IAM's default quotas: trust policy length, and the sum of a role's inline policies. */
const TRUST_POLICY_MAX_CHARS = 2048;
const INLINE_POLICIES_MAX_CHARS = 10240;

type Handler = (params: URLSearchParams, request: ServiceRequest) => XmlObject | string | undefined;

export function createIamService(ctx: SandboxContext): IamService {
  const store = new RoleStore();
  const knownAccounts = new Set(ctx.accounts.map((a) => a.id));

  /** IAM refuses trust policies naming principals of sandbox accounts that do not exist. */
  function principalExists(arn: string): boolean {
    const match = /^arn:aws:(?:iam|sts)::(\d{12}):(.*)$/.exec(arn);
    if (!match || !knownAccounts.has(match[1]!)) return true;
    const [, accountId, rest] = match as unknown as [string, string, string];
    if (rest === 'root') return true;
    if (rest.startsWith('role/')) return store.getByArn(arn) !== undefined;
    const session = /^assumed-role\/([^/]+)\/.+$/.exec(rest);
    if (session) return store.get(accountId, session[1]!) !== undefined;
    // The sandbox has no IAM users.
    return false;
  }

  function parseDocument(text: string, kind: PolicyKind): PolicyDocument {
    try {
      return parsePolicyDocument(text, kind, kind === 'trust' ? { principalExists } : {});
    } catch (error) {
      if (error instanceof PolicyDocumentError)
        throw new AwsError('MalformedPolicyDocument', error.message, 400);
      throw error;
    }
  }

  function authorize(request: ServiceRequest, action: string, resource: string): void {
    ctx.authz.authorize({
      caller: request.caller,
      action: `iam:${action}`,
      resource,
      resourceAccountId: request.caller.accountId,
      context: { 'aws:SecureTransport': request.secureTransport },
    });
  }

  function requireRole(accountId: string, name: string): Role {
    const role = store.get(accountId, name);
    if (!role) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  /** The caller's role `name`, once `action` on it is authorized (NoSuchEntity after the check, as IAM answers). */
  function authorizedRole(request: ServiceRequest, action: string, name: string): Role {
    authorize(request, action, existingArn(request, name));
    return requireRole(request.caller.accountId, name);
  }

  /** The role a call's RoleName names, validated, once `action` on it is authorized. */
  function roleParam(params: URLSearchParams, request: ServiceRequest, action: string): Role {
    const checks = new MemberConstraints();
    const name = roleNameOf(params, checks);
    checks.check();
    return authorizedRole(request, action, name);
  }

  /** RoleName and PolicyName of an inline-policy call, validated, and the role once `action` is authorized. */
  function rolePolicyTarget(params: URLSearchParams, request: ServiceRequest, action: string) {
    const checks = new MemberConstraints();
    const name = roleNameOf(params, checks);
    const policyName = policyNameOf(params, checks);
    checks.check();
    return { role: authorizedRole(request, action, name), policyName };
  }

  function noSuchRolePolicy(policyName: string): AwsError {
    return new AwsError('NoSuchEntity', `The role policy with name ${policyName} cannot be found.`, 404);
  }

  /** Description and MaxSessionDuration of CreateRole and UpdateRole, checked into `checks`. */
  function roleSettingsOf(params: URLSearchParams, checks: MemberConstraints) {
    const description = stringParam(params, 'Description');
    checks
      .length('description', description, 0, 1000)
      .pattern('description', description, DESCRIPTION_PATTERN);
    const maxSessionDurationSec = integerParam(params, 'MaxSessionDuration', 'maxSessionDuration');
    checks.range('maxSessionDuration', maxSessionDurationSec, 3600, 43200);
    return { description, maxSessionDurationSec };
  }

  /** A trust policy document, parsed and within IAM's size quota. */
  function trustPolicyOf(text: string): { text: string; document: PolicyDocument } {
    const document = parseDocument(text, 'trust');
    if (policySize(text) > TRUST_POLICY_MAX_CHARS) {
      throw new AwsError(
        'LimitExceeded',
        `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_MAX_CHARS}`,
        409,
      );
    }
    return { text, document };
  }

  /** Validates RoleName; returns it. */
  function roleNameOf(params: URLSearchParams, checks: MemberConstraints): string {
    const name = stringParam(params, 'RoleName');
    if (checks.required('roleName', name)) {
      checks.length('roleName', name, 1, 64).pattern('roleName', name, NAME_PATTERN);
    }
    return name ?? '';
  }

  function policyNameOf(params: URLSearchParams, checks: MemberConstraints): string {
    const name = stringParam(params, 'PolicyName');
    if (checks.required('policyName', name)) {
      checks.length('policyName', name, 1, 128).pattern('policyName', name, NAME_PATTERN);
    }
    return name ?? '';
  }

  function documentOf(
    params: URLSearchParams,
    param: string,
    member: string,
    checks: MemberConstraints,
  ): string {
    const text = stringParam(params, param);
    if (checks.required(member, text)) {
      checks.length(member, text, 1, 131072).pattern(member, text, DOCUMENT_PATTERN);
    }
    return text ?? '';
  }

  function tagsOf(params: URLSearchParams): RoleTag[] {
    const tags: RoleTag[] = [];
    for (let i = 1; params.has(`Tags.member.${i}.Key`); i += 1) {
      tags.push({
        Key: params.get(`Tags.member.${i}.Key`)!,
        Value: params.get(`Tags.member.${i}.Value`) ?? '',
      });
    }
    const checks = new MemberConstraints();
    if (tags.length > 50) {
      throw new AwsError('LimitExceeded', 'Cannot exceed quota for TagsPerRole: 50.', 409);
    }
    tags.forEach((tag, i) => {
      checks.length(`tags.${i + 1}.member.key`, tag.Key, 1, 128);
      checks.length(`tags.${i + 1}.member.value`, tag.Value, 0, 256);
    });
    checks.check();
    const keys = new Set(tags.map((t) => t.Key.toLowerCase()));
    if (keys.size !== tags.length) {
      throw new AwsError(
        'InvalidInput',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
        400,
      );
    }
    return tags;
  }

  /** `Marker`/`MaxItems` paging over a sorted list, as IAM's List* calls do. */
  function page<T>(params: URLSearchParams, items: T[], keyOf: (item: T) => string) {
    const maxItems = integerParam(params, 'MaxItems', 'maxItems');
    const checks = new MemberConstraints();
    checks.range('maxItems', maxItems, 1, 1000);
    checks.check();
    const marker = stringParam(params, 'Marker');
    const after = marker === undefined ? undefined : Buffer.from(marker, 'base64url').toString('utf8');
    const rest = after === undefined ? items : items.filter((item) => keyOf(item) > after);
    const limit = maxItems ?? 100;
    const slice = rest.slice(0, limit);
    const truncated = rest.length > limit;
    return {
      slice,
      IsTruncated: truncated,
      Marker: truncated ? Buffer.from(keyOf(slice.at(-1)!), 'utf8').toString('base64url') : undefined,
    };
  }

  const handlers: Record<string, Handler> = {
    CreateRole(params, request) {
      const checks = new MemberConstraints();
      const name = roleNameOf(params, checks);
      const trustText = documentOf(params, 'AssumeRolePolicyDocument', 'assumeRolePolicyDocument', checks);
      const path = stringParam(params, 'Path') ?? '/';
      checks.length('path', path, 1, 512).pattern('path', path, PATH_PATTERN);
      const { description, maxSessionDurationSec } = roleSettingsOf(params, checks);
      checks.check();
      const tags = tagsOf(params);
      const accountId = request.caller.accountId;
      authorize(request, 'CreateRole', roleArnOf(accountId, path, name));
      if (store.get(accountId, name)) {
        throw new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
      }
      const trustPolicy = trustPolicyOf(trustText);
      const role = store.create({
        accountId,
        name,
        path,
        trustPolicy,
        description,
        maxSessionDurationSec: maxSessionDurationSec ?? 3600,
        tags,
        createDate: ctx.now(),
      });
      return { Role: renderRole(role, 'create') };
    },

    GetRole(params, request) {
      return { Role: renderRole(roleParam(params, request, 'GetRole')) };
    },

    UpdateRole(params, request) {
      const checks = new MemberConstraints();
      const name = roleNameOf(params, checks);
      const { description, maxSessionDurationSec } = roleSettingsOf(params, checks);
      checks.check();
      const role = authorizedRole(request, 'UpdateRole', name);
      if (description !== undefined) role.description = description;
      if (maxSessionDurationSec !== undefined) role.maxSessionDurationSec = maxSessionDurationSec;
      return '';
    },

    UpdateAssumeRolePolicy(params, request) {
      const checks = new MemberConstraints();
      const name = roleNameOf(params, checks);
      const text = documentOf(params, 'PolicyDocument', 'policyDocument', checks);
      checks.check();
      const role = authorizedRole(request, 'UpdateAssumeRolePolicy', name);
      role.trustPolicy = trustPolicyOf(text);
      return undefined;
    },

    DeleteRole(params, request) {
      const role = roleParam(params, request, 'DeleteRole');
      if (role.policies.size > 0) {
        throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
      }
      store.delete(role);
      return undefined;
    },

    PutRolePolicy(params, request) {
      const checks = new MemberConstraints();
      const name = roleNameOf(params, checks);
      const policyName = policyNameOf(params, checks);
      const text = documentOf(params, 'PolicyDocument', 'policyDocument', checks);
      checks.check();
      const role = authorizedRole(request, 'PutRolePolicy', name);
      const document = parseDocument(text, 'identity');
      let total = policySize(text);
      for (const [other, policy] of role.policies) if (other !== policyName) total += policySize(policy.text);
      if (total > INLINE_POLICIES_MAX_CHARS) {
        throw new AwsError(
          'LimitExceeded',
          `Maximum policy size of ${INLINE_POLICIES_MAX_CHARS} bytes exceeded for role ${role.name}`,
          409,
        );
      }
      role.policies.set(policyName, { text, document });
      return undefined;
    },

    GetRolePolicy(params, request) {
      const { role, policyName } = rolePolicyTarget(params, request, 'GetRolePolicy');
      const policy = role.policies.get(policyName);
      if (!policy) throw noSuchRolePolicy(policyName);
      return { RoleName: role.name, PolicyName: policyName, PolicyDocument: encodePolicy(policy.text) };
    },

    DeleteRolePolicy(params, request) {
      const { role, policyName } = rolePolicyTarget(params, request, 'DeleteRolePolicy');
      if (!role.policies.delete(policyName)) throw noSuchRolePolicy(policyName);
      return undefined;
    },

    ListRolePolicies(params, request) {
      const role = roleParam(params, request, 'ListRolePolicies');
      const names = [...role.policies.keys()].sort();
      const { slice, IsTruncated, Marker } = page(params, names, (n) => n);
      return { PolicyNames: { member: slice }, IsTruncated, Marker };
    },

    ListRoles(params, request) {
      const pathPrefix = stringParam(params, 'PathPrefix') ?? '/';
      const checks = new MemberConstraints();
      checks
        .length('pathPrefix', pathPrefix, 1, 512)
        .pattern('pathPrefix', pathPrefix, '\\u002F[\\u0021-\\u007F]*');
      checks.check();
      authorize(request, 'ListRoles', `arn:aws:iam::${request.caller.accountId}:role/`);
      const roles = store.list(request.caller.accountId, pathPrefix);
      const { slice, IsTruncated, Marker } = page(params, roles, (r) => r.name);
      return { Roles: { member: slice.map((role) => renderRole(role, 'list')) }, IsTruncated, Marker };
    },
  };

  /** The ARN a denial names: the role's, with its path, when it exists. */
  function existingArn(request: ServiceRequest, name: string): string {
    return store.get(request.caller.accountId, name)?.arn ?? roleArnOf(request.caller.accountId, '/', name);
  }

  function lookupByArn(roleArn: string): Role | undefined {
    // Sessions carry the role's full ARN; accept an ARN without the path too, as the name is unique.
    const parsed = parseRoleArn(roleArn);
    if (!parsed) return undefined;
    const role = store.get(parsed.accountId, parsed.name);
    if (!role) return undefined;
    return parsed.path === '/' || role.arn === roleArn ? role : undefined;
  }

  return {
    name: 'iam',

    async handle(request: ServiceRequest): Promise<ServiceResponse> {
      const params = queryParams(request.url, await request.readBody());
      const action = params.get('Action') ?? '';
      const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
      if (!handler) {
        throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2010-05-08`, 400);
      }
      return queryResponse('iam', action, handler(params, request), request.requestId);
    },

    rolePolicies(roleArn) {
      const role = lookupByArn(roleArn);
      return role ? [...role.policies.values()].map((p) => p.document) : [];
    },

    getRole(roleArn) {
      const role = store.getByArn(roleArn);
      if (!role) return undefined;
      return {
        arn: role.arn,
        name: role.name,
        accountId: role.accountId,
        roleId: role.roleId,
        trustPolicy: role.trustPolicy.document,
        maxSessionDurationSec: role.maxSessionDurationSec,
      };
    },

    snapshot: () => store.snapshot(),
    restore: (data) => store.restore(data),
  };
}
