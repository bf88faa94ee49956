/**
 * IAM and STS behaviours the sandbox and moto both implement and where AWS's answer is not in
 * doubt, as one suite that runs against either endpoint (the sandbox's own suite and
 * moto-iam-sts.test.ts call it). Each test uses its own role name.
 */
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../helpers/sandbox.js';

export interface IamStsTarget {
  endpoint: string;
  region: string;
  /** Keys of a principal allowed to manage roles in `accountId` (an account's root user). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  accountId: string;
}

/** A trust policy letting the target account itself assume the role (the one case moto and AWS agree on). */
function selfTrust(accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' },
    ],
  });
}

const readPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::src', 'arn:aws:s3:::src/*'],
    },
  ],
});

async function rejection(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to be refused');
}

export function defineIamStsConformance(label: string, target: () => IamStsTarget): void {
  const clients = () => {
    const t = target();
    const config = { endpoint: t.endpoint, region: t.region, credentials: t.credentials };
    return { t, iam: new IAMClient(config), sts: new STSClient(config) };
  };

  describe(`IAM roles (${label})`, () => {
    it('creates a role and reads it back with its ARN, path, default maximum session and trust policy', async () => {
      const { t, iam } = clients();
      const name = uniqueName('role');
      const trust = selfTrust(t.accountId);
      const created = await iam.send(
        new CreateRoleCommand({ RoleName: name, Path: '/bb/', AssumeRolePolicyDocument: trust }),
      );
      expect(created.Role?.Arn).toBe(`arn:aws:iam::${t.accountId}:role/bb/${name}`);
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }));
      expect(Role).toMatchObject({
        RoleName: name,
        Path: '/bb/',
        Arn: created.Role?.Arn,
        MaxSessionDuration: 3600,
      });
      expect(Role?.RoleId).toMatch(/^AROA/);
      expect(Role?.CreateDate).toBeInstanceOf(Date);
      expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toBe(trust);
    });

    it('refuses a duplicate role name with EntityAlreadyExists (409)', async () => {
      const { t, iam } = clients();
      const name = uniqueName('role');
      await iam.send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: selfTrust(t.accountId) }),
      );
      expect(
        await rejection(
          iam.send(
            new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: selfTrust(t.accountId) }),
          ),
        ),
      ).toEqual({
        name: 'EntityAlreadyExistsException',
        status: 409,
      });
    });

    it('reports an unknown role as NoSuchEntity (404)', async () => {
      const { iam } = clients();
      expect(await rejection(iam.send(new GetRoleCommand({ RoleName: uniqueName('ghost') })))).toEqual({
        name: 'NoSuchEntityException',
        status: 404,
      });
    });

    it('updates the maximum session duration', async () => {
      const { t, iam } = clients();
      const name = uniqueName('role');
      await iam.send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: selfTrust(t.accountId) }),
      );
      await iam.send(new UpdateRoleCommand({ RoleName: name, MaxSessionDuration: 43200 }));
      expect((await iam.send(new GetRoleCommand({ RoleName: name }))).Role?.MaxSessionDuration).toBe(43200);
    });

    it('lists a created role', async () => {
      const { t, iam } = clients();
      const name = uniqueName('role');
      await iam.send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: selfTrust(t.accountId) }),
      );
      const { Roles } = await iam.send(new ListRolesCommand({ MaxItems: 1000 }));
      expect(Roles?.map((r) => r.RoleName)).toContain(name);
    });

    it('deletes a role without policies', async () => {
      const { t, iam } = clients();
      const name = uniqueName('role');
      await iam.send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: selfTrust(t.accountId) }),
      );
      await iam.send(new DeleteRoleCommand({ RoleName: name }));
      expect((await rejection(iam.send(new GetRoleCommand({ RoleName: name })))).name).toBe(
        'NoSuchEntityException',
      );
    });
  });

  describe(`IAM inline role policies (${label})`, () => {
    it('stores a policy, returns its text URL-encoded, lists and deletes it', async () => {
      const { t, iam } = clients();
      const name = uniqueName('role');
      await iam.send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: selfTrust(t.accountId) }),
      );
      await iam.send(
        new PutRolePolicyCommand({ RoleName: name, PolicyName: 'read', PolicyDocument: readPolicy }),
      );
      const got = await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: 'read' }));
      expect(got).toMatchObject({ RoleName: name, PolicyName: 'read' });
      expect(decodeURIComponent(got.PolicyDocument!)).toBe(readPolicy);
      expect((await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames).toEqual(['read']);
      await iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: 'read' }));
      expect((await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames).toEqual([]);
      expect(
        (await rejection(iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: 'read' })))).name,
      ).toBe('NoSuchEntityException');
    });
  });

  describe(`STS (${label})`, () => {
    it('reports the caller’s account', async () => {
      const { t, sts } = clients();
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(t.accountId);
    });

    it('assumes a role: temporary ASIA credentials, and GetCallerIdentity shows the assumed-role ARN', async () => {
      const { t, iam, sts } = clients();
      const name = uniqueName('role');
      const { Role } = await iam.send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: selfTrust(t.accountId) }),
      );
      const assumed = await sts.send(
        new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'conformance', DurationSeconds: 900 }),
      );
      const arn = `arn:aws:sts::${t.accountId}:assumed-role/${name}/conformance`;
      expect(assumed.AssumedRoleUser?.Arn).toBe(arn);
      expect(assumed.AssumedRoleUser?.AssumedRoleId).toBe(`${Role!.RoleId}:conformance`);
      expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA/);
      expect(assumed.Credentials?.SessionToken).toBeTruthy();
      const expiresInMs = assumed.Credentials!.Expiration!.getTime() - Date.now();
      expect(expiresInMs).toBeGreaterThan(0);
      expect(expiresInMs).toBeLessThanOrEqual(900_000);

      const asSession = new STSClient({
        endpoint: t.endpoint,
        region: t.region,
        credentials: {
          accessKeyId: assumed.Credentials!.AccessKeyId!,
          secretAccessKey: assumed.Credentials!.SecretAccessKey!,
          sessionToken: assumed.Credentials!.SessionToken!,
        },
      });
      const identity = await asSession.send(new GetCallerIdentityCommand({}));
      expect(identity).toMatchObject({ Account: t.accountId, Arn: arn });
    });
  });
}
