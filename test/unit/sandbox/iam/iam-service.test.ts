import { beforeEach, describe, expect, it } from 'vitest';
import { awsError, validationError } from '../../../helpers/sandbox-test-kit.js';
import {
  allowPolicy,
  CUSTOMER,
  createFakeSandbox,
  type FakeSandbox,
  failure,
  rootOf,
  trustPolicy,
  VENDOR,
  xmlText,
} from './fake-context.js';

const customer = rootOf(CUSTOMER);
const vendorTrust = trustPolicy({ AWS: `arn:aws:iam::${VENDOR}:root` });

let sb: FakeSandbox;
beforeEach(() => {
  sb = createFakeSandbox();
});

const createRole = (params: Record<string, string> = {}, caller = customer) =>
  sb.call('iam', caller, {
    Action: 'CreateRole',
    RoleName: 'reader',
    AssumeRolePolicyDocument: vendorTrust,
    ...params,
  });

/** PutRolePolicy of `PolicyName` with `PolicyDocument` on the role `createRole` makes. */
const putReaderPolicy = (PolicyName: string, PolicyDocument: string) =>
  sb.call('iam', customer, { Action: 'PutRolePolicy', RoleName: 'reader', PolicyName, PolicyDocument });

describe('CreateRole and GetRole', () => {
  it('creates a role with its path, an AROA id, the default one-hour maximum and the trust policy URL-encoded', async () => {
    const created = await createRole({ Path: '/bucketbridge/', Description: 'reads the source bucket' });
    expect(created.status).toBe(200);
    expect(xmlText(created, 'Arn')).toBe(`arn:aws:iam::${CUSTOMER}:role/bucketbridge/reader`);
    expect(xmlText(created, 'RoleId')).toMatch(/^AROA[A-Z2-7]{17}$/);
    // CreateRole's answer has no MaxSessionDuration or RoleLastUsed; GetRole's has both.
    expect(xmlText(created, 'MaxSessionDuration')).toBeUndefined();
    const got = await sb.call('iam', customer, { Action: 'GetRole', RoleName: 'reader' });
    expect(xmlText(got, 'Path')).toBe('/bucketbridge/');
    expect(xmlText(got, 'Description')).toBe('reads the source bucket');
    expect(decodeURIComponent(xmlText(got, 'AssumeRolePolicyDocument')!)).toBe(vendorTrust);
    expect(xmlText(got, 'AssumeRolePolicyDocument')).toContain('%7B%22Version%22%3A%222012-10-17%22');
    expect(xmlText(got, 'CreateDate')).toBe('2026-11-23T12:00:00Z');
    expect(xmlText(got, 'MaxSessionDuration')).toBe('3600');
    expect(String(got.body)).toContain('<RoleLastUsed></RoleLastUsed>');
  });

  it('keeps tags and a chosen MaxSessionDuration', async () => {
    await createRole({
      MaxSessionDuration: '43200',
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'data',
    });
    const got = await sb.call('iam', customer, { Action: 'GetRole', RoleName: 'reader' });
    expect(xmlText(got, 'MaxSessionDuration')).toBe('43200');
    expect(String(got.body)).toContain('<Tags><member><Key>team</Key><Value>data</Value></member></Tags>');
  });

  it('refuses a second role with the same name, whatever its case (409 EntityAlreadyExists)', async () => {
    await createRole();
    expect(await failure(createRole({ RoleName: 'READER' }))).toEqual(
      awsError('EntityAlreadyExists', 409, 'Role with name READER already exists.'),
    );
  });

  it('reports a missing role as NoSuchEntity (404)', async () => {
    expect(await failure(sb.call('iam', customer, { Action: 'GetRole', RoleName: 'ghost' }))).toEqual(
      awsError('NoSuchEntity', 404, 'The role with name ghost cannot be found.'),
    );
  });

  it('keeps each account’s roles apart', async () => {
    await createRole();
    const error = await failure(sb.call('iam', rootOf(VENDOR), { Action: 'GetRole', RoleName: 'reader' }));
    expect(error.code).toBe('NoSuchEntity');
  });
});

describe('CreateRole input validation', () => {
  it.each([
    [
      'MaxSessionDuration below one hour',
      'MaxSessionDuration',
      '900',
      'have value greater than or equal to 3600',
    ],
    [
      'MaxSessionDuration above twelve hours',
      'MaxSessionDuration',
      '43201',
      'have value less than or equal to 43200',
    ],
    ['a role name with a space', 'RoleName', 'my role', 'satisfy regular expression pattern: [\\w+=,.@-]+'],
    ['a role name over 64 characters', 'RoleName', 'r'.repeat(65), 'have length less than or equal to 64'],
    [
      'a path without slashes around it',
      'Path',
      'service',
      'satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
    ],
  ])('refuses %s with ValidationError', async (_name, field, value, rule) => {
    expect(await failure(createRole({ [field]: value }))).toEqual(validationError(field, value, rule));
  });

  it('refuses a non-integer MaxSessionDuration with ValidationError', async () => {
    expect(await failure(createRole({ MaxSessionDuration: 'soon' }))).toEqual(
      awsError(
        'ValidationError',
        400,
        "Value 'soon' at 'maxSessionDuration' failed to satisfy constraint: Member must be an integer",
      ),
    );
  });

  it('reports every violated constraint at once', async () => {
    const error = await failure(
      sb.call('iam', customer, { Action: 'CreateRole', RoleName: 'a b', MaxSessionDuration: '1' }),
    );
    expect(error.message).toBe(
      "3 validation errors detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; " +
        "Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null; " +
        "Value '1' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    );
  });

  it.each([
    ['invalid JSON', '{"Version": "2012-10-17", ', 'This policy contains invalid Json'],
    [
      'a Resource in a trust policy',
      JSON.stringify({
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }],
      }),
      'Has prohibited field Resource',
    ],
    [
      'a statement without a principal',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }),
      'Missing required field Principal',
    ],
    [
      'a principal role that does not exist in a sandbox account',
      trustPolicy({ AWS: `arn:aws:iam::${VENDOR}:role/ghost` }),
      `Invalid principal in policy: "AWS":"arn:aws:iam::${VENDOR}:role/ghost"`,
    ],
    [
      'a malformed account principal',
      trustPolicy({ AWS: '1234' }),
      'Invalid principal in policy: "AWS":"1234"',
    ],
    [
      'an action without a service prefix',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'AssumeRole' }] }),
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    ],
    [
      'an action other than STS’s',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }] }),
      'Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity',
    ],
  ])('refuses a trust policy with %s as MalformedPolicyDocument', async (_name, document, message) => {
    expect(await failure(createRole({ AssumeRolePolicyDocument: document }))).toEqual({
      code: 'MalformedPolicyDocument',
      message,
      status: 400,
    });
  });

  it('accepts a trust policy naming an existing role of a sandbox account', async () => {
    await createRole({ RoleName: 'worker' }, rootOf(VENDOR));
    const created = await createRole({
      AssumeRolePolicyDocument: trustPolicy({ AWS: `arn:aws:iam::${VENDOR}:role/worker` }),
    });
    expect(created.status).toBe(200);
  });

  it('refuses a trust policy over 2,048 characters with LimitExceeded', async () => {
    const big = trustPolicy({ AWS: Array.from({ length: 160 }, (_, i) => String(100000000000 + i)) });
    expect(await failure(createRole({ AssumeRolePolicyDocument: big }))).toEqual(
      awsError('LimitExceeded', 409, 'Cannot exceed quota for ACLSizePerRole: 2048'),
    );
  });
});

describe('UpdateRole and UpdateAssumeRolePolicy', () => {
  it('changes the maximum session and the description', async () => {
    await createRole();
    const updated = await sb.call('iam', customer, {
      Action: 'UpdateRole',
      RoleName: 'reader',
      MaxSessionDuration: '7200',
      Description: 'd2',
    });
    expect(String(updated.body)).toContain('<UpdateRoleResult></UpdateRoleResult>');
    const got = await sb.call('iam', customer, { Action: 'GetRole', RoleName: 'reader' });
    expect(xmlText(got, 'MaxSessionDuration')).toBe('7200');
    expect(xmlText(got, 'Description')).toBe('d2');
    expect(sb.iam.getRole(`arn:aws:iam::${CUSTOMER}:role/reader`)?.maxSessionDurationSec).toBe(7200);
  });

  it('replaces the trust policy, validating it like CreateRole', async () => {
    await createRole();
    const next = trustPolicy({ AWS: CUSTOMER });
    await sb.call('iam', customer, {
      Action: 'UpdateAssumeRolePolicy',
      RoleName: 'reader',
      PolicyDocument: next,
    });
    const got = await sb.call('iam', customer, { Action: 'GetRole', RoleName: 'reader' });
    expect(decodeURIComponent(xmlText(got, 'AssumeRolePolicyDocument')!)).toBe(next);
    const error = await failure(
      sb.call('iam', customer, {
        Action: 'UpdateAssumeRolePolicy',
        RoleName: 'reader',
        PolicyDocument: 'nope',
      }),
    );
    expect(error).toEqual(awsError('MalformedPolicyDocument', 400, 'This policy contains invalid Json'));
  });
});

describe('inline role policies', () => {
  const readPolicy = allowPolicy(
    ['s3:GetObject', 's3:ListBucket'],
    ['arn:aws:s3:::src', 'arn:aws:s3:::src/*'],
  );

  it('stores a policy and returns its exact text URL-encoded', async () => {
    await createRole();
    const pretty = JSON.stringify(JSON.parse(readPolicy), null, 2);
    await putReaderPolicy('read', pretty);
    const got = await sb.call('iam', customer, {
      Action: 'GetRolePolicy',
      RoleName: 'reader',
      PolicyName: 'read',
    });
    expect(xmlText(got, 'RoleName')).toBe('reader');
    expect(xmlText(got, 'PolicyName')).toBe('read');
    expect(decodeURIComponent(xmlText(got, 'PolicyDocument')!)).toBe(pretty);
    expect(xmlText(got, 'PolicyDocument')).not.toMatch(/[{}" *]/);
    expect(sb.iam.rolePolicies(`arn:aws:iam::${CUSTOMER}:role/reader`)).toEqual([JSON.parse(readPolicy)]);
  });

  it('lists policy names in order and deletes them', async () => {
    await createRole();
    for (const name of ['write', 'read', 'list']) {
      await putReaderPolicy(name, readPolicy);
    }
    const listed = await sb.call('iam', customer, { Action: 'ListRolePolicies', RoleName: 'reader' });
    expect(String(listed.body)).toContain(
      '<PolicyNames><member>list</member><member>read</member><member>write</member></PolicyNames><IsTruncated>false</IsTruncated>',
    );
    await sb.call('iam', customer, { Action: 'DeleteRolePolicy', RoleName: 'reader', PolicyName: 'read' });
    const after = await sb.call('iam', customer, {
      Action: 'ListRolePolicies',
      RoleName: 'reader',
      MaxItems: '1',
    });
    expect(String(after.body)).toContain(
      '<PolicyNames><member>list</member></PolicyNames><IsTruncated>true</IsTruncated>',
    );
    const next = await sb.call('iam', customer, {
      Action: 'ListRolePolicies',
      RoleName: 'reader',
      MaxItems: '1',
      Marker: xmlText(after, 'Marker')!,
    });
    expect(String(next.body)).toContain(
      '<PolicyNames><member>write</member></PolicyNames><IsTruncated>false</IsTruncated>',
    );
  });

  it('reports a missing policy as NoSuchEntity', async () => {
    await createRole();
    for (const action of ['GetRolePolicy', 'DeleteRolePolicy']) {
      expect(
        await failure(sb.call('iam', customer, { Action: action, RoleName: 'reader', PolicyName: 'none' })),
      ).toEqual(awsError('NoSuchEntity', 404, 'The role policy with name none cannot be found.'));
    }
  });

  it.each([
    ['invalid JSON', '{', 'Syntax errors in policy.'],
    [
      'an action without a service prefix',
      allowPolicy('GetObject'),
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    ],
    [
      'an action with two colons',
      allowPolicy('s3:Get:Object'),
      'Actions/Condition can contain only one colon.',
    ],
    ['an invalid service prefix', allowPolicy('s 3:GetObject'), 'Vendor s 3 is not valid'],
    ['an empty action list', allowPolicy([]), 'Policy statement must contain actions.'],
    [
      'a lower-case effect',
      JSON.stringify({ Statement: [{ Effect: 'allow', Action: 's3:*', Resource: '*' }] }),
      'The policy failed legacy parsing',
    ],
    [
      'an unknown version',
      JSON.stringify({
        Version: '2020-01-01',
        Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
      }),
      'Syntax errors in policy.',
    ],
    ['no statements', JSON.stringify({ Version: '2012-10-17', Statement: [] }), 'Syntax errors in policy.'],
    [
      'an unknown condition operator',
      JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:*',
            Resource: '*',
            Condition: { StringFuzzy: { 's3:prefix': 'a' } },
          },
        ],
      }),
      'Syntax errors in policy.',
    ],
    [
      'a repeated Sid',
      JSON.stringify({
        Statement: [
          { Sid: 'a', Effect: 'Allow', Action: 's3:*', Resource: '*' },
          { Sid: 'a', Effect: 'Deny', Action: 's3:*', Resource: '*' },
        ],
      }),
      'Statement IDs (SID) in a single policy must be unique.',
    ],
    [
      'a principal',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }),
      'Policy document should not specify a principal.',
    ],
    [
      'no resource',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*' }] }),
      'Policy statement must contain resources.',
    ],
    [
      'no action',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Resource: '*' }] }),
      'Policy statement must contain actions.',
    ],
    [
      'a resource that is not an ARN',
      allowPolicy('s3:GetObject', 'src/*'),
      'Resource src/* must be in ARN format or "*".',
    ],
    [
      'an unknown effect',
      JSON.stringify({ Statement: [{ Effect: 'Permit', Action: 's3:*', Resource: '*' }] }),
      'Syntax errors in policy.',
    ],
    [
      'a condition key without a service prefix',
      JSON.stringify({
        Statement: [
          { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { prefix: 'a' } } },
        ],
      }),
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    ],
  ])('refuses a policy with %s as MalformedPolicyDocument', async (_name, document, message) => {
    await createRole();
    const error = await failure(putReaderPolicy('p', document));
    expect(error).toEqual({ code: 'MalformedPolicyDocument', message, status: 400 });
  });

  it('accepts every condition operator IAM knows, with set prefixes and IfExists', async () => {
    await createRole();
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: {
            IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
            'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['team-*'] },
            NumericLessThanEquals: { 's3:max-keys': 10 },
            Bool: { 'aws:SecureTransport': false },
            DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
            ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::other*' },
          },
        },
      ],
    });
    const put = await putReaderPolicy('c', document);
    expect(put.status).toBe(200);
  });

  it('refuses inline policies beyond 10,240 characters in total', async () => {
    await createRole();
    const resources = Array.from({ length: 150 }, (_, i) => `arn:aws:s3:::bucket-number-${i}/*`);
    const big = allowPolicy('s3:GetObject', resources);
    await putReaderPolicy('a', big);
    const error = await failure(putReaderPolicy('b', big));
    expect(error).toEqual(
      awsError('LimitExceeded', 409, 'Maximum policy size of 10240 bytes exceeded for role reader'),
    );
  });
});

describe('DeleteRole', () => {
  it('refuses while inline policies remain, then deletes', async () => {
    await createRole();
    await putReaderPolicy('p', allowPolicy('s3:*'));
    expect(await failure(sb.call('iam', customer, { Action: 'DeleteRole', RoleName: 'reader' }))).toEqual(
      awsError('DeleteConflict', 409, 'Cannot delete entity, must delete policies first.'),
    );
    await sb.call('iam', customer, { Action: 'DeleteRolePolicy', RoleName: 'reader', PolicyName: 'p' });
    const deleted = await sb.call('iam', customer, { Action: 'DeleteRole', RoleName: 'reader' });
    expect(String(deleted.body)).toContain('<DeleteRoleResponse');
    expect(sb.iam.getRole(`arn:aws:iam::${CUSTOMER}:role/reader`)).toBeUndefined();
  });
});

describe('ListRoles', () => {
  it('lists the account’s roles by name, filtered by path prefix, in pages', async () => {
    for (const [name, path] of [
      ['c', '/app/'],
      ['a', '/app/'],
      ['b', '/'],
    ])
      await createRole({ RoleName: name!, Path: path! });
    const all = await sb.call('iam', customer, { Action: 'ListRoles' });
    expect([...String(all.body).matchAll(/<RoleName>(\w+)<\/RoleName>/g)].map((m) => m[1])).toEqual([
      'a',
      'b',
      'c',
    ]);
    const app = await sb.call('iam', customer, { Action: 'ListRoles', PathPrefix: '/app/', MaxItems: '1' });
    expect(xmlText(app, 'RoleName')).toBe('a');
    expect(xmlText(app, 'IsTruncated')).toBe('true');
    const rest = await sb.call('iam', customer, {
      Action: 'ListRoles',
      PathPrefix: '/app/',
      Marker: xmlText(app, 'Marker')!,
    });
    expect(xmlText(rest, 'RoleName')).toBe('c');
    expect(xmlText(rest, 'IsTruncated')).toBe('false');
  });
});

describe('authorization of IAM calls', () => {
  it('refuses a role session without iam permissions, in AWS’s words', async () => {
    await createRole({ RoleName: 'admin', AssumeRolePolicyDocument: trustPolicy({ AWS: CUSTOMER }) });
    const assumed = await sb.call('sts', customer, {
      Action: 'AssumeRole',
      RoleArn: `arn:aws:iam::${CUSTOMER}:role/admin`,
      RoleSessionName: 'ops',
    });
    const session = sb.sessionCaller(xmlText(assumed, 'AccessKeyId')!);
    expect(await failure(createRole({ RoleName: 'other' }, session))).toEqual(
      awsError(
        'AccessDenied',
        403,
        `User: arn:aws:sts::${CUSTOMER}:assumed-role/admin/ops is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${CUSTOMER}:role/other because no identity-based policy allows the iam:CreateRole action`,
      ),
    );
    await sb.call('iam', customer, {
      Action: 'PutRolePolicy',
      RoleName: 'admin',
      PolicyName: 'iam',
      PolicyDocument: allowPolicy('iam:*'),
    });
    expect((await createRole({ RoleName: 'other' }, session)).status).toBe(200);
  });

  it('refuses an unknown action with InvalidAction', async () => {
    expect(await failure(sb.call('iam', customer, { Action: 'CreateUser', UserName: 'x' }))).toEqual(
      awsError('InvalidAction', 400, 'Could not find operation CreateUser for version 2010-05-08'),
    );
  });
});

describe('state across restarts', () => {
  it('restores roles, trust policies and inline policies from a snapshot', async () => {
    await createRole({ Path: '/x/', MaxSessionDuration: '7200' });
    await putReaderPolicy('p', allowPolicy('s3:GetObject'));
    const before = await sb.call('iam', customer, { Action: 'GetRole', RoleName: 'reader' });
    const snapshot = JSON.parse(JSON.stringify(sb.iam.snapshot!()));

    const restarted = createFakeSandbox();
    restarted.iam.restore!(snapshot);
    const after = await restarted.call('iam', customer, { Action: 'GetRole', RoleName: 'reader' });
    for (const element of ['Arn', 'RoleId', 'CreateDate', 'AssumeRolePolicyDocument', 'MaxSessionDuration']) {
      expect(xmlText(after, element)).toBe(xmlText(before, element));
    }
    expect(restarted.iam.rolePolicies(`arn:aws:iam::${CUSTOMER}:role/x/reader`)).toEqual([
      JSON.parse(allowPolicy('s3:GetObject')),
    ]);
  });
});
