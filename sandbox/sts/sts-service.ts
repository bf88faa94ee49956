/**
 * STS (query protocol, version 2011-06-15): AssumeRole with the role's trust policy evaluated
 * against the caller and the external ID, and GetCallerIdentity.
 * https://docs.aws.amazon.com/STS/latest/APIReference/welcome.html
 */
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { denialMessage } from '../authz/authorizer.js';
import { PolicyDocumentError, parsePolicyDocument } from '../authz/policy-document.js';
import { AwsError } from '../core/errors.js';
import type {
  AuthorizationRequest,
  SandboxContext,
  Service,
  ServiceRequest,
  ServiceResponse,
} from '../core/types.js';
import { awsDate } from '../iam/iam-render.js';
import { queryParams, queryResponse } from '../protocols/query.js';
import type { XmlObject } from '../protocols/xml.js';
import { parseAssumeRoleInput, sessionDurationSec } from './assume-role-input.js';

type Role = NonNullable<ReturnType<SandboxContext['hooks']['getRole']>>;

/**
 * IAM's unique role ID (`AROA…`). The IAM service reports it with the role; should a role come
 * from elsewhere, a stable one is derived from its ARN.
 */
function roleIdOf(role: Role): string {
  const reported = (role as Role & { roleId?: unknown }).roleId;
  if (typeof reported === 'string') return reported;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(role.arn).digest();
  let id = 'AROA';
  for (let i = 0; i < 17; i += 1) id += alphabet[digest[i]! % alphabet.length];
  return id;
}

function checkSessionPolicy(text: string): string {
  try {
    parsePolicyDocument(text, 'identity');
  } catch (error) {
    if (error instanceof PolicyDocumentError)
      throw new AwsError('MalformedPolicyDocument', error.message, 400);
    throw error;
  }
  return text;
}

/**
 * STS reports how much of its packed-policy allowance a session policy uses, as a percentage.
 * AWS does not publish the packing; the sandbox packs with DEFLATE against a 2,048-byte allowance,
 * and refuses a policy over it with AWS's PackedPolicyTooLarge.
 */
function packedPolicySize(text: string): number {
  const percent = Math.ceil((deflateRawSync(JSON.stringify(JSON.parse(text))).length * 100) / 2048);
  if (percent > 100) {
    throw new AwsError(
      'PackedPolicyTooLarge',
      `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
      400,
    );
  }
  return percent;
}

export function createStsService(ctx: SandboxContext): Service {
  function assumeRole(params: URLSearchParams, request: ServiceRequest): XmlObject {
    const input = parseAssumeRoleInput(params);
    const { caller } = request;
    const role = ctx.hooks.getRole(input.roleArn);
    const authorization: AuthorizationRequest = {
      caller,
      action: 'sts:AssumeRole',
      resource: input.roleArn,
      resourceAccountId: role?.accountId ?? input.roleArn.split(':')[4] ?? '',
      resourcePolicy: role?.trustPolicy,
      context: {
        'sts:ExternalId': input.externalId,
        'sts:RoleSessionName': input.roleSessionName,
        'aws:SecureTransport': request.secureTransport,
      },
    };
    // A role that does not exist is refused exactly like one whose trust policy says no, so
    // callers cannot probe another account for role names.
    if (!role) throw new AwsError('AccessDenied', denialMessage(authorization, 'trust-policy'), 403);
    ctx.authz.authorize(authorization);

    const sessionPolicy = input.policy === undefined ? undefined : checkSessionPolicy(input.policy);
    const chained = caller.kind === 'assumed-role';
    const durationSec = sessionDurationSec(input.durationSec, role, chained);
    const assumedRoleId = `${roleIdOf(role)}:${input.roleSessionName}`;
    const arn = `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${input.roleSessionName}`;
    const session = ctx.credentials.issueSession(
      {
        accountId: role.accountId,
        arn,
        kind: 'assumed-role',
        userId: assumedRoleId,
        roleArn: role.arn,
        roleName: role.name,
        sessionName: input.roleSessionName,
        chained,
        sessionPolicy,
      },
      durationSec,
    );
    return {
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        SessionToken: session.sessionToken,
        Expiration: awsDate(session.expiration),
      },
      AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: arn },
      PackedPolicySize: sessionPolicy === undefined ? undefined : packedPolicySize(sessionPolicy),
    };
  }

  function getCallerIdentity(request: ServiceRequest): XmlObject {
    const { caller } = request;
    // GetCallerIdentity needs no permission: AWS answers it even when every action is denied.
    let userId = caller.userId ?? caller.accountId;
    if (caller.userId === undefined && caller.kind === 'assumed-role' && caller.roleArn !== undefined) {
      const role = ctx.hooks.getRole(caller.roleArn);
      if (role) userId = `${roleIdOf(role)}:${caller.sessionName ?? ''}`;
    }
    return { UserId: userId, Account: caller.accountId, Arn: caller.arn };
  }

  return {
    name: 'sts',
    async handle(request: ServiceRequest): Promise<ServiceResponse> {
      const params = queryParams(request.url, await request.readBody());
      const action = params.get('Action') ?? '';
      let result: XmlObject;
      if (action === 'AssumeRole') result = assumeRole(params, request);
      else if (action === 'GetCallerIdentity') result = getCallerIdentity(request);
      else
        throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`, 400);
      return queryResponse('sts', action, result, request.requestId);
    },
  };
}
