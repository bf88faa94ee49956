import { beforeEach, describe, expect, it } from 'vitest';
import type { CallerIdentity } from '../../../../sandbox/core/identity.js';
import { validationError } from '../../../helpers/sandbox-test-kit.js';
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
} from '../iam/fake-context.js';

const customer = rootOf(CUSTOMER);
const vendor = rootOf(VENDOR);
const ROLE_ARN = `arn:aws:iam::${CUSTOMER}:role/bucketbridge`;
const EXTERNAL_ID = 'bb-3f9c2a';

let sb: FakeSandbox;
beforeEach(async () => {
  sb = createFakeSandbox();
  await sb.call('iam', customer, {
    Action: 'CreateRole',
    RoleName: 'bucketbridge',
    MaxSessionDuration: '7200',
    AssumeRolePolicyDocument: trustPolicy(
      { AWS: `arn:aws:iam::${VENDOR}:root` },
      { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
    ),
  });
});

const assume = (caller: CallerIdentity, params: Record<string, string> = {}) =>
  sb.call('sts', caller, {
    Action: 'AssumeRole',
    RoleArn: ROLE_ARN,
    RoleSessionName: 'worker-1',
    ExternalId: EXTERNAL_ID,
    ...params,
  });

const denial = (callerArn: string, roleArn = ROLE_ARN) => ({
  code: 'AccessDenied',
  message: `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  status: 403,
});

describe('AssumeRole across accounts with an external ID', () => {
  it('issues temporary credentials for the right external ID', async () => {
    const response = await assume(vendor);
    expect(response.status).toBe(200);
    expect(xmlText(response, 'AccessKeyId')).toMatch(/^ASIA/);
    expect(xmlText(response, 'Arn')).toBe(`arn:aws:sts::${CUSTOMER}:assumed-role/bucketbridge/worker-1`);
    expect(xmlText(response, 'AssumedRoleId')).toMatch(/^AROA[A-Z2-7]{17}:worker-1$/);
    expect(xmlText(response, 'Expiration')).toBe('2026-11-23T13:00:00Z');
    expect(sb.issued[0]!.durationSec).toBe(3600);
    expect(sb.issued[0]!.credentials.identity).toMatchObject({
      accountId: CUSTOMER,
      kind: 'assumed-role',
      roleArn: ROLE_ARN,
      roleName: 'bucketbridge',
      sessionName: 'worker-1',
      chained: false,
    });
  });

  it('refuses a wrong external ID with AWS’s AccessDenied', async () => {
    expect(await failure(assume(vendor, { ExternalId: 'bb-000000' }))).toEqual(
      denial(`arn:aws:iam::${VENDOR}:root`),
    );
  });

  it('refuses a request without an external ID with AWS’s AccessDenied', async () => {
    const request = sb.call('sts', vendor, {
      Action: 'AssumeRole',
      RoleArn: ROLE_ARN,
      RoleSessionName: 'worker-1',
    });
    expect(await failure(request)).toEqual(denial(`arn:aws:iam::${VENDOR}:root`));
  });

  it('refuses a role that does not exist exactly like an untrusted one', async () => {
    const ghost = `arn:aws:iam::${CUSTOMER}:role/ghost`;
    expect(await failure(assume(vendor, { RoleArn: ghost }))).toEqual(
      denial(`arn:aws:iam::${VENDOR}:root`, ghost),
    );
  });

  it('refuses an account the trust policy does not name', async () => {
    const other = rootOf('333333333333');
    expect(await failure(assume(other))).toEqual(denial('arn:aws:iam::333333333333:root'));
  });
});

describe('session duration', () => {
  it.each([
    ['the minimum of 15 minutes', '900', 900],
    ['up to the role’s maximum', '7200', 7200],
  ])('grants %s', async (_name, duration, expected) => {
    await assume(vendor, { DurationSeconds: duration });
    expect(sb.issued[0]!.durationSec).toBe(expected);
  });

  it.each([
    [
      'more than the role’s maximum',
      '7201',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    ],
    [
      'less than 900 seconds',
      '100',
      "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    ],
    [
      'more than 12 hours',
      '43201',
      "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    ],
  ])('refuses %s with ValidationError', async (_name, duration, message) => {
    expect(await failure(assume(vendor, { DurationSeconds: duration }))).toEqual({
      code: 'ValidationError',
      message,
      status: 400,
    });
  });
});

describe('role chaining', () => {
  let session: CallerIdentity;
  beforeEach(async () => {
    await sb.call('iam', customer, {
      Action: 'CreateRole',
      RoleName: 'next',
      MaxSessionDuration: '43200',
      AssumeRolePolicyDocument: trustPolicy({ AWS: ROLE_ARN }),
    });
    session = sb.sessionCaller(xmlText(await assume(vendor), 'AccessKeyId')!);
  });
  const chain = (params: Record<string, string> = {}) =>
    sb.call('sts', session, {
      Action: 'AssumeRole',
      RoleArn: `arn:aws:iam::${CUSTOMER}:role/next`,
      RoleSessionName: 'hop',
      ...params,
    });

  it('lets a session assume a role that trusts its role, marked as chained', async () => {
    const response = await chain({ DurationSeconds: '3600' });
    expect(xmlText(response, 'Arn')).toBe(`arn:aws:sts::${CUSTOMER}:assumed-role/next/hop`);
    expect(sb.issued[1]!.credentials.identity.chained).toBe(true);
  });

  it('caps a chained session at one hour, even when the role allows twelve', async () => {
    expect(await failure(chain({ DurationSeconds: '3601' }))).toEqual({
      code: 'ValidationError',
      message:
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      status: 400,
    });
  });

  it('needs sts:AssumeRole in the session’s own policies for a role in another account', async () => {
    await sb.call('iam', rootOf(VENDOR), {
      Action: 'CreateRole',
      RoleName: 'vendor-side',
      AssumeRolePolicyDocument: trustPolicy({ AWS: ROLE_ARN }),
    });
    const target = `arn:aws:iam::${VENDOR}:role/vendor-side`;
    const request = () =>
      sb.call('sts', session, { Action: 'AssumeRole', RoleArn: target, RoleSessionName: 'back' });
    expect(await failure(request())).toEqual(denial(session.arn, target));
    await sb.call('iam', customer, {
      Action: 'PutRolePolicy',
      RoleName: 'bucketbridge',
      PolicyName: 'hop',
      PolicyDocument: allowPolicy('sts:AssumeRole', target),
    });
    expect((await request()).status).toBe(200);
  });
});

describe('AssumeRole input validation', () => {
  it.each([
    ['a one-character session name', 'RoleSessionName', 'a', 'have length greater than or equal to 2'],
    [
      'a session name with a space',
      'RoleSessionName',
      'my session',
      'satisfy regular expression pattern: [\\w+=,.@-]*',
    ],
    [
      'a 65-character session name',
      'RoleSessionName',
      's'.repeat(65),
      'have length less than or equal to 64',
    ],
    [
      'an external ID with a space',
      'ExternalId',
      'bad id',
      'satisfy regular expression pattern: [\\w+=,.@:\\/-]*',
    ],
    ['a one-character external ID', 'ExternalId', 'x', 'have length greater than or equal to 2'],
    ['a short role ARN', 'RoleArn', 'arn:aws:iam::1:r', 'have length greater than or equal to 20'],
  ])('refuses %s', async (_name, field, value, rule) => {
    expect(await failure(assume(vendor, { [field]: value }))).toEqual(validationError(field, value, rule));
  });

  it('refuses a missing session name', async () => {
    const error = await failure(
      sb.call('sts', vendor, { Action: 'AssumeRole', RoleArn: ROLE_ARN, ExternalId: EXTERNAL_ID }),
    );
    expect(error.message).toBe(
      "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
  });

  it('accepts the characters AWS allows in session names and external IDs', async () => {
    await sb.call('iam', customer, {
      Action: 'UpdateAssumeRolePolicy',
      RoleName: 'bucketbridge',
      PolicyDocument: trustPolicy(
        { AWS: VENDOR },
        { StringEquals: { 'sts:ExternalId': 'a+b=c,d.e@f:g/h-i_j' } },
      ),
    });
    const response = await assume(vendor, {
      RoleSessionName: 'a+b=c,d.e@f-g_h',
      ExternalId: 'a+b=c,d.e@f:g/h-i_j',
    });
    expect(xmlText(response, 'Arn')).toBe(
      `arn:aws:sts::${CUSTOMER}:assumed-role/bucketbridge/a+b=c,d.e@f-g_h`,
    );
  });
});

describe('session policies', () => {
  beforeEach(async () => {
    await sb.call('iam', customer, {
      Action: 'PutRolePolicy',
      RoleName: 'bucketbridge',
      PolicyName: 's3',
      PolicyDocument: allowPolicy('s3:*'),
    });
  });

  it('reports the packed size and limits the session to what the policy allows', async () => {
    const response = await assume(vendor, { Policy: allowPolicy('s3:GetObject') });
    expect(Number(xmlText(response, 'PackedPolicySize'))).toBeGreaterThan(0);
    const session = sb.sessionCaller(xmlText(response, 'AccessKeyId')!);
    const request = (action: string) => ({
      caller: session,
      action,
      resource: 'arn:aws:s3:::src/k',
      resourceAccountId: CUSTOMER,
    });
    expect(sb.ctx.authz.isAllowed(request('s3:GetObject'))).toBe(true);
    expect(() => sb.ctx.authz.authorize(request('s3:PutObject'))).toThrow(
      `User: ${session.arn} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::src/k" because no session policy allows the s3:PutObject action`,
    );
  });

  it('omits PackedPolicySize without a session policy', async () => {
    expect(String((await assume(vendor)).body)).not.toContain('PackedPolicySize');
  });

  it('refuses a malformed session policy', async () => {
    expect(await failure(assume(vendor, { Policy: allowPolicy('GetObject') }))).toEqual({
      code: 'MalformedPolicyDocument',
      message: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
      status: 400,
    });
  });
});

describe('GetCallerIdentity', () => {
  it('reports the root user', async () => {
    const response = await sb.call('sts', vendor, { Action: 'GetCallerIdentity' });
    expect(xmlText(response, 'Arn')).toBe(`arn:aws:iam::${VENDOR}:root`);
    expect(xmlText(response, 'Account')).toBe(VENDOR);
    expect(xmlText(response, 'UserId')).toBe(VENDOR);
  });

  it('reports an assumed-role session with its role id', async () => {
    const assumed = await assume(vendor);
    const session = sb.sessionCaller(xmlText(assumed, 'AccessKeyId')!);
    const response = await sb.call('sts', session, { Action: 'GetCallerIdentity' });
    expect(xmlText(response, 'Arn')).toBe(`arn:aws:sts::${CUSTOMER}:assumed-role/bucketbridge/worker-1`);
    expect(xmlText(response, 'Account')).toBe(CUSTOMER);
    expect(xmlText(response, 'UserId')).toBe(xmlText(assumed, 'AssumedRoleId'));
  });
});
