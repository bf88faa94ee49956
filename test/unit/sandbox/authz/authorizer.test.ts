import { describe, expect, it } from 'vitest';
import { createAuthorizer, evaluateAuthorization } from '../../../../sandbox/authz/authorizer.js';
import type { CallerIdentity } from '../../../../sandbox/core/identity.js';
import type {
  AuthorizationRequest,
  PolicyDocument,
  PolicyStatement,
} from '../../../../sandbox/core/types.js';
import { anyPrincipal } from '../../../helpers/sandbox-test-kit.js';

const VENDOR = '111111111111';
const CUSTOMER = '222222222222';

const vendorRoot: CallerIdentity = {
  accountId: VENDOR,
  arn: `arn:aws:iam::${VENDOR}:root`,
  kind: 'root',
  accessKeyId: 'AKIAVENDOR',
};
const customerRoot: CallerIdentity = {
  accountId: CUSTOMER,
  arn: `arn:aws:iam::${CUSTOMER}:root`,
  kind: 'root',
  accessKeyId: 'AKIACUSTOMER',
};
function session(account: string, role: string, name = 'sess'): CallerIdentity {
  return {
    accountId: account,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${name}`,
    kind: 'assumed-role',
    accessKeyId: 'ASIAX',
    roleArn: `arn:aws:iam::${account}:role/${role}`,
    roleName: role,
    sessionName: name,
  };
}
const reader = session(CUSTOMER, 'reader'); // a customer role allowed to read the bucket
const nobody = session(CUSTOMER, 'nobody'); // a customer role with no policies
const worker = session(VENDOR, 'worker'); // a vendor role that may use customer buckets
const denied = session(VENDOR, 'denied'); // a vendor role with an explicit deny
const s3Service: CallerIdentity = {
  accountId: CUSTOMER,
  arn: 's3.amazonaws.com',
  kind: 'service',
  accessKeyId: '',
  servicePrincipal: 's3.amazonaws.com',
};

const allow = (Action: string | string[], Resource: string | string[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action, Resource }],
});
const rolePolicies: Record<string, PolicyDocument[]> = {
  [reader.roleArn!]: [allow(['s3:GetObject', 's3:ListBucket'], ['arn:aws:s3:::src', 'arn:aws:s3:::src/*'])],
  [worker.roleArn!]: [allow('s3:*', '*'), allow('sqs:ReceiveMessage', '*')],
  [denied.roleArn!]: [
    {
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
      ],
    },
  ],
};
const hooks = { rolePolicies: (arn: string) => rolePolicies[arn] ?? [] };

const bucketPolicy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: worker.roleArn! },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::src/*',
    },
    { Effect: 'Allow', Principal: { AWS: VENDOR }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::src' },
    anyPrincipal('Deny', 's3:PutObject', 'arn:aws:s3:::src/*', {
      StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' },
    }),
  ],
};

function request(
  caller: CallerIdentity,
  action: string,
  resource: string,
  extra: Partial<AuthorizationRequest> = {},
): AuthorizationRequest {
  return { caller, action, resource, resourceAccountId: CUSTOMER, ...extra };
}

/** The decision for `caller` doing `action` on `resource` whose resource policy is the one `statement`. */
const underResourcePolicy = (
  caller: CallerIdentity,
  action: string,
  resource: string,
  statement: PolicyStatement,
) =>
  evaluateAuthorization(
    hooks,
    request(caller, action, resource, { resourcePolicy: { Statement: [statement] } }),
  );

describe('identity and resource policies within one account', () => {
  it.each([
    [
      'the root user may do anything in its own account',
      customerRoot,
      's3:DeleteBucket',
      'arn:aws:s3:::src',
      true,
    ],
    [
      'a role session may do what its inline policies allow',
      reader,
      's3:GetObject',
      'arn:aws:s3:::src/a.txt',
      true,
    ],
    [
      'a role session may not act outside its policies',
      reader,
      's3:PutObject',
      'arn:aws:s3:::src/a.txt',
      false,
    ],
    [
      'a role session may not act on another resource',
      reader,
      's3:GetObject',
      'arn:aws:s3:::other/a.txt',
      false,
    ],
    ['a role without policies may do nothing', nobody, 's3:GetObject', 'arn:aws:s3:::src/a.txt', false],
    ['actions match case-insensitively', reader, 'S3:getobject', 'arn:aws:s3:::src/a.txt', true],
  ])('%s', (_name, caller, action, resource, expected) => {
    expect(evaluateAuthorization(hooks, request(caller, action, resource)).allowed).toBe(expected);
  });

  it('a resource policy naming a role session lets it act without an identity policy', () => {
    expect(
      underResourcePolicy(nobody, 's3:GetObject', 'arn:aws:s3:::src/k', {
        Effect: 'Allow',
        Principal: { AWS: nobody.arn },
        Action: 's3:GetObject',
        Resource: '*',
      }).allowed,
    ).toBe(true);
  });

  it('a resource policy naming only the account defers to the identity policies', () => {
    expect(
      underResourcePolicy(nobody, 's3:PutObject', 'arn:aws:s3:::src/k', {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${CUSTOMER}:root` },
        Action: 's3:PutObject',
        Resource: '*',
      }),
    ).toEqual({ allowed: false, reason: 'no-identity-allow' });
  });

  it('an explicit deny in the resource policy overrides the root user', () => {
    const decision = evaluateAuthorization(
      hooks,
      request(customerRoot, 's3:PutObject', 'arn:aws:s3:::src/k', {
        resourcePolicy: bucketPolicy,
        context: { 's3:x-amz-acl': 'private' },
      }),
    );
    expect(decision).toEqual({ allowed: false, reason: 'explicit-deny-resource' });
  });
});

describe('cross-account requests need both sides', () => {
  it.each([
    [
      'a vendor role named by the bucket policy and allowed by its own policy may read',
      worker,
      's3:GetObject',
      'arn:aws:s3:::src/k',
      undefined,
      { allowed: true },
    ],
    [
      'a vendor role allowed by account delegation may list',
      worker,
      's3:ListBucket',
      'arn:aws:s3:::src',
      undefined,
      { allowed: true },
    ],
    [
      'the vendor root may list through the account delegation',
      vendorRoot,
      's3:ListBucket',
      'arn:aws:s3:::src',
      undefined,
      { allowed: true },
    ],
    [
      'the vendor root may not act where no resource policy allows it',
      vendorRoot,
      's3:DeleteObject',
      'arn:aws:s3:::src/k',
      undefined,
      { allowed: false, reason: 'no-resource-allow' },
    ],
    [
      'a vendor role whose own policies do not allow is refused even when the bucket allows',
      session(VENDOR, 'bare'),
      's3:GetObject',
      'arn:aws:s3:::src/k',
      undefined,
      { allowed: false, reason: 'no-identity-allow' },
    ],
    [
      'the identity side alone is not enough across accounts',
      worker,
      's3:PutObject',
      'arn:aws:s3:::src/k',
      { 's3:x-amz-acl': 'bucket-owner-full-control' },
      { allowed: false, reason: 'no-resource-allow' },
    ],
    [
      'a resource-policy deny wins across accounts',
      worker,
      's3:PutObject',
      'arn:aws:s3:::src/k',
      {},
      { allowed: false, reason: 'explicit-deny-resource' },
    ],
    [
      'an identity-policy deny wins',
      denied,
      's3:DeleteObject',
      'arn:aws:s3:::src/k',
      undefined,
      { allowed: false, reason: 'explicit-deny-identity' },
    ],
  ])('%s', (_name, caller, action, resource, context, expected) => {
    expect(
      evaluateAuthorization(
        hooks,
        request(caller, action, resource, { resourcePolicy: bucketPolicy, context }),
      ),
    ).toEqual(expected);
  });

  it('a resource without a policy refuses every other account, even its root user', () => {
    expect(
      evaluateAuthorization(
        hooks,
        request(vendorRoot, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:222222222222:q'),
      ).allowed,
    ).toBe(false);
  });
});

describe('conditions on global keys filled from the caller', () => {
  const byAccount: PolicyDocument = {
    Statement: [
      anyPrincipal('Allow', 'sns:Publish', '*', { StringEquals: { 'aws:PrincipalAccount': VENDOR } }),
    ],
  };
  it.each([
    ['aws:PrincipalAccount matches the caller account', vendorRoot, true],
    ['aws:PrincipalAccount refuses another account', session('333333333333', 'x'), false],
  ])('%s', (_name, caller, expected) => {
    const decision = evaluateAuthorization(
      { rolePolicies: () => [allow('*', '*')] },
      request(caller, 'sns:Publish', 'arn:aws:sns:us-east-1:222222222222:t', { resourcePolicy: byAccount }),
    );
    expect(decision.allowed).toBe(expected);
  });

  it('aws:PrincipalArn of a role session is the role ARN, not the session ARN', () => {
    const byRole = anyPrincipal('Allow', 'sqs:*', '*', {
      ArnEquals: { 'aws:PrincipalArn': worker.roleArn! },
    });
    const queue = 'arn:aws:sqs:us-east-1:222222222222:q';
    expect(underResourcePolicy(worker, 'sqs:ReceiveMessage', queue, byRole).allowed).toBe(true);
  });

  it('a request cannot override caller-derived keys through its context', () => {
    const decision = evaluateAuthorization(
      hooks,
      request(session('333333333333', 'x'), 'sns:Publish', 'arn:aws:sns:us-east-1:222222222222:t', {
        resourcePolicy: byAccount,
        context: { 'aws:PrincipalAccount': VENDOR },
      }),
    );
    expect(decision.allowed).toBe(false);
  });

  it('aws:SecureTransport is false over the sandbox HTTP endpoint', () => {
    const denyOverHttp = anyPrincipal('Deny', 's3:*', '*', { Bool: { 'aws:SecureTransport': 'false' } });
    expect(underResourcePolicy(customerRoot, 's3:GetObject', 'arn:aws:s3:::src/k', denyOverHttp)).toEqual({
      allowed: false,
      reason: 'explicit-deny-resource',
    });
  });
});

describe('service principals', () => {
  const bucketArn = 'arn:aws:s3:::src';
  const queuePolicy = (condition?: Record<string, Record<string, string>>): PolicyDocument => ({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: '*',
        Condition: condition,
      },
    ],
  });
  const send = (policy: PolicyDocument | undefined, context: Record<string, string>) =>
    evaluateAuthorization(
      hooks,
      request(s3Service, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:222222222222:q', {
        resourcePolicy: policy,
        context,
      }),
    );

  it.each([
    ['a policy naming the service lets it send', queuePolicy(), { allowed: true }],
    [
      'aws:SourceArn must match when the policy says so',
      queuePolicy({ ArnEquals: { 'aws:SourceArn': bucketArn } }),
      { allowed: true },
    ],
    [
      'another source ARN is refused',
      queuePolicy({ ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::other' } }),
      { allowed: false, reason: 'no-resource-allow' },
    ],
    [
      'aws:SourceAccount is the account the service acts for',
      queuePolicy({ StringEquals: { 'aws:SourceAccount': CUSTOMER } }),
      { allowed: true },
    ],
    [
      'Principal "*" covers service principals',
      {
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }],
      } as PolicyDocument,
      { allowed: true },
    ],
    [
      'a policy naming only an account does not cover a service',
      {
        Statement: [
          { Effect: 'Allow', Principal: { AWS: CUSTOMER }, Action: 'sqs:SendMessage', Resource: '*' },
        ],
      } as PolicyDocument,
      { allowed: false, reason: 'no-resource-allow' },
    ],
    ['no policy: a service may do nothing', undefined, { allowed: false, reason: 'no-resource-allow' }],
  ])('%s', (_name, policy, expected) => {
    expect(send(policy, { 'aws:SourceArn': bucketArn })).toEqual(expected);
  });

  it('another service principal is not covered by a policy naming S3', () => {
    const sns: CallerIdentity = {
      ...s3Service,
      arn: 'sns.amazonaws.com',
      servicePrincipal: 'sns.amazonaws.com',
    };
    expect(
      evaluateAuthorization(
        hooks,
        request(sns, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:222222222222:q', {
          resourcePolicy: queuePolicy(),
        }),
      ).allowed,
    ).toBe(false);
  });
});

describe('role trust policies (sts:AssumeRole)', () => {
  const role = `arn:aws:iam::${CUSTOMER}:role/bucketbridge`;
  const trust = (
    principal: Record<string, string>,
    condition?: Record<string, Record<string, string>>,
  ): PolicyDocument => ({
    Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', Condition: condition }],
  });
  const assume = (caller: CallerIdentity, policy: PolicyDocument, externalId?: string) =>
    evaluateAuthorization(
      hooks,
      request(caller, 'sts:AssumeRole', role, {
        resourcePolicy: policy,
        context: { 'sts:ExternalId': externalId },
      }),
    ).allowed;

  it.each([
    ['the right external ID is accepted', 'ext-123', true],
    ['a wrong external ID is refused', 'ext-999', false],
    ['no external ID is refused', undefined, false],
  ])('%s', (_name, externalId, expected) => {
    expect(
      assume(
        vendorRoot,
        trust({ AWS: `arn:aws:iam::${VENDOR}:root` }, { StringEquals: { 'sts:ExternalId': 'ext-123' } }),
        externalId,
      ),
    ).toBe(expected);
  });

  it('the trust policy is needed even within the account', () => {
    expect(assume(customerRoot, trust({ AWS: VENDOR }))).toBe(false);
    expect(assume(customerRoot, trust({ AWS: CUSTOMER }))).toBe(true);
  });

  it('a cross-account role session also needs sts:AssumeRole in its own policies', () => {
    expect(assume(worker, trust({ AWS: worker.roleArn! }))).toBe(false);
    const permissive = { rolePolicies: () => [allow('sts:AssumeRole', role)] };
    expect(
      evaluateAuthorization(
        permissive,
        request(worker, 'sts:AssumeRole', role, { resourcePolicy: trust({ AWS: worker.roleArn! }) }),
      ).allowed,
    ).toBe(true);
  });

  it('a same-account session named by the trust policy needs no identity policy', () => {
    expect(assume(nobody, trust({ AWS: nobody.roleArn! }))).toBe(true);
  });

  it('a same-account session trusted only through the account needs an identity policy', () => {
    expect(assume(nobody, trust({ AWS: CUSTOMER }))).toBe(false);
  });

  it('NotPrincipal trusts everyone it does not name', () => {
    const policy: PolicyDocument = {
      Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: VENDOR }, Action: 'sts:AssumeRole' }],
    };
    expect(assume(customerRoot, policy)).toBe(true);
    expect(assume(vendorRoot, policy)).toBe(false);
  });
});

describe('denials in AWS message form', () => {
  const authz = createAuthorizer(hooks);
  const thrown = (req: AuthorizationRequest) => {
    try {
      authz.authorize(req);
    } catch (error) {
      return error as { code: string; message: string; status: number; name: string };
    }
    throw new Error('expected a denial');
  };

  it.each([
    [
      'no identity policy allows',
      request(nobody, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:222222222222:q'),
      'User: arn:aws:sts::222222222222:assumed-role/nobody/sess is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:222222222222:q because no identity-based policy allows the sqs:SendMessage action',
    ],
    [
      'no resource policy allows (S3 quotes the resource)',
      request(vendorRoot, 's3:GetObject', 'arn:aws:s3:::src/k'),
      'User: arn:aws:iam::111111111111:root is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::src/k" because no resource-based policy allows the s3:GetObject action',
    ],
    [
      'an explicit deny in a resource policy',
      request(customerRoot, 's3:PutObject', 'arn:aws:s3:::src/k', { resourcePolicy: bucketPolicy }),
      'User: arn:aws:iam::222222222222:root is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::src/k" with an explicit deny in a resource-based policy',
    ],
    [
      'an explicit deny in an identity policy',
      request(denied, 's3:DeleteObject', 'arn:aws:s3:::src/k'),
      'User: arn:aws:sts::111111111111:assumed-role/denied/sess is not authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::src/k" with an explicit deny in an identity-based policy',
    ],
    [
      'a trust policy that does not allow',
      request(vendorRoot, 'sts:AssumeRole', 'arn:aws:iam::222222222222:role/r', {
        resourcePolicy: { Statement: [] },
      }),
      'User: arn:aws:iam::111111111111:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/r',
    ],
  ])('%s', (_name, req, message) => {
    const error = thrown(req);
    expect(error).toMatchObject({ name: 'AwsError', code: 'AccessDenied', status: 403, message });
  });

  it('isAllowed answers without throwing', () => {
    expect(authz.isAllowed(request(nobody, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:222222222222:q'))).toBe(
      false,
    );
    expect(
      authz.isAllowed(request(customerRoot, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:222222222222:q')),
    ).toBe(true);
  });
});
