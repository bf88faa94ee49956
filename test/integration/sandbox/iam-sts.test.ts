/**
 * IAM and STS through the sandbox's HTTP endpoint, driven by the AWS SDK for JavaScript v3 and,
 * as independent witnesses, the AWS CLI v1 (`aws`), v2 (`/usr/bin/aws`) and boto3: the
 * cross-account role with an external ID as bucketbridge's onboarding sets it up, session
 * duration rules, role chaining, and AWS's denial messages.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand,
  type Credentials,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { startTestSandbox, type TestCredentials, uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { policyJson } from '../../helpers/sandbox-test-kit.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';
import { type ProcessResult, runProcess } from '../../helpers/witnesses.js';
import { defineIamStsConformance } from './iam-sts-conformance.js';

const sandbox = useTestSandbox();
const workDir = useTempFolder('bb-iam-sts-');

const VENDOR = '111111111111';
const CUSTOMER = '222222222222';
const EXTERNAL_ID = 'bb-7c1e90d2';

defineIamStsConformance('sandbox', () => ({
  endpoint: sandbox.endpoint,
  region: sandbox.region,
  credentials: sandbox.sdkConfig('customer').credentials,
  accountId: CUSTOMER,
}));

const iamAs = (signer: string | TestCredentials) => new IAMClient(sandbox.sdkConfig(signer));
const stsAs = (signer: string | TestCredentials) => new STSClient(sandbox.sdkConfig(signer));
const keysOf = (c: Credentials | undefined): TestCredentials => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

/** The trust policy bucketbridge's onboarding generates: the vendor account, with the external ID. */
const vendorTrust = (externalId = EXTERNAL_ID) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${VENDOR}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  });

/** Creates a customer role trusted by the vendor with the external ID; returns its ARN. */
async function customerRole(options: { maxSessionDurationSec?: number; trust?: string } = {}) {
  const name = uniqueName('bb-role');
  const { Role } = await iamAs('customer').send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: options.trust ?? vendorTrust(),
      MaxSessionDuration: options.maxSessionDurationSec,
    }),
  );
  return { name, arn: Role!.Arn! };
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to be refused');
}

const trustDenial = (callerArn: string, roleArn: string) =>
  `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;

describe('cross-account AssumeRole with an external ID (SDK)', () => {
  it('gives the vendor a customer session for the right external ID', async () => {
    const role = await customerRole();
    const assumed = await stsAs('vendor').send(
      new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'bucketbridge', ExternalId: EXTERNAL_ID }),
    );
    const identity = await stsAs(keysOf(assumed.Credentials)).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({
      Account: CUSTOMER,
      Arn: `arn:aws:sts::${CUSTOMER}:assumed-role/${role.name}/bucketbridge`,
      UserId: assumed.AssumedRoleUser?.AssumedRoleId,
    });
  });

  it.each([
    ['a wrong external ID', 'bb-00000000'],
    ['no external ID', undefined],
  ])('refuses %s with AccessDenied (403) in AWS’s words', async (_name, externalId) => {
    const role = await customerRole();
    const error = await refusal(
      stsAs('vendor').send(
        new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'bb', ExternalId: externalId }),
      ),
    );
    expect(error).toEqual({
      name: 'AccessDenied',
      message: trustDenial(`arn:aws:iam::${VENDOR}:root`, role.arn),
      status: 403,
    });
  });

  it('refuses a role that does not exist with the same AccessDenied', async () => {
    const arn = `arn:aws:iam::${CUSTOMER}:role/${uniqueName('ghost')}`;
    const error = await refusal(
      stsAs('vendor').send(
        new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'bb', ExternalId: EXTERNAL_ID }),
      ),
    );
    expect(error).toEqual({
      name: 'AccessDenied',
      message: trustDenial(`arn:aws:iam::${VENDOR}:root`, arn),
      status: 403,
    });
  });
});

describe('session duration rules (SDK)', () => {
  const assume = (roleArn: string, durationSec: number, signer: string | TestCredentials = 'vendor') =>
    stsAs(signer).send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: 'bb',
        ExternalId: EXTERNAL_ID,
        DurationSeconds: durationSec,
      }),
    );

  it('grants up to the role’s MaxSessionDuration and reports the expiry', async () => {
    const role = await customerRole({ maxSessionDurationSec: 7200 });
    const before = Date.now();
    const { Credentials } = await assume(role.arn, 7200);
    const lifetimeSec = (Credentials!.Expiration!.getTime() - before) / 1000;
    expect(lifetimeSec).toBeGreaterThan(7190);
    expect(lifetimeSec).toBeLessThanOrEqual(7201);
  });

  it.each([
    [7201, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'],
    [
      100,
      "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    ],
  ])('refuses DurationSeconds %i with ValidationError', async (durationSec, message) => {
    const role = await customerRole({ maxSessionDurationSec: 7200 });
    expect(await refusal(assume(role.arn, durationSec))).toEqual({
      name: 'ValidationError',
      message,
      status: 400,
    });
  });

  it('caps a chained session at one hour', async () => {
    const first = await customerRole();
    const second = await customerRole({
      maxSessionDurationSec: 43200,
      trust: policyJson({ Effect: 'Allow', Principal: { AWS: first.arn }, Action: 'sts:AssumeRole' }),
    });
    const session = keysOf((await assume(first.arn, 3600)).Credentials);
    const chain = (durationSec: number) =>
      stsAs(session).send(
        new AssumeRoleCommand({ RoleArn: second.arn, RoleSessionName: 'hop', DurationSeconds: durationSec }),
      );
    expect(await refusal(chain(3601))).toEqual({
      name: 'ValidationError',
      message:
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      status: 400,
    });
    expect((await chain(3600)).AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${CUSTOMER}:assumed-role/${second.name}/hop`,
    );
  });
});

describe('what a role session may do (SDK)', () => {
  it('refuses an IAM call its policies do not allow, in AWS’s words, and allows it once a policy does', async () => {
    const role = await customerRole();
    const session = keysOf(
      (
        await stsAs('vendor').send(
          new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'ops', ExternalId: EXTERNAL_ID }),
        )
      ).Credentials,
    );
    const target = uniqueName('other');
    const create = () =>
      iamAs(session).send(
        new CreateRoleCommand({ RoleName: target, AssumeRolePolicyDocument: vendorTrust() }),
      );
    expect(await refusal(create())).toEqual({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::${CUSTOMER}:assumed-role/${role.name}/ops is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${CUSTOMER}:role/${target} because no identity-based policy allows the iam:CreateRole action`,
      status: 403,
    });
    await iamAs('customer').send(
      new PutRolePolicyCommand({
        RoleName: role.name,
        PolicyName: 'manage-roles',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iam:CreateRole', Resource: `arn:aws:iam::${CUSTOMER}:role/*` },
          ],
        }),
      }),
    );
    expect((await create()).Role?.Arn).toBe(`arn:aws:iam::${CUSTOMER}:role/${target}`);
  });
});

/** Runs a witness with the scratch folder as HOME, so no AWS set-up of this machine leaks in. */
function run(command: string, args: string[], env: Record<string, string>): Promise<ProcessResult> {
  return runProcess(command, args, { env: { HOME: workDir, ...env } });
}

// A refused call exits 255 from CLI v1 and 254 from CLI v2 (v2's "service error" code).
describe.each([
  ['AWS CLI v1', 'aws', 255],
  ['AWS CLI v2', '/usr/bin/aws', 254],
])('%s as a witness', (_label, binary, refusedExitCode) => {
  const cli = (signer: string | TestCredentials, ...args: string[]) =>
    run(binary, [...args, '--endpoint-url', sandbox.endpoint, '--output', 'json'], sandbox.env(signer));

  it('creates the role, attaches a policy and reads both back', async () => {
    const name = uniqueName('cli-role');
    const trustFile = join(workDir, `${name}-trust.json`);
    writeFileSync(trustFile, vendorTrust());
    const created = await cli(
      'customer',
      'iam',
      'create-role',
      '--role-name',
      name,
      '--assume-role-policy-document',
      `file://${trustFile}`,
      '--max-session-duration',
      '7200',
    );
    expect(created.stderr).toBe('');
    expect(JSON.parse(created.stdout).Role.Arn).toBe(`arn:aws:iam::${CUSTOMER}:role/${name}`);

    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::src/*'] }],
    };
    const put = await cli(
      'customer',
      'iam',
      'put-role-policy',
      '--role-name',
      name,
      '--policy-name',
      'read',
      '--policy-document',
      JSON.stringify(policy),
    );
    expect(put).toMatchObject({ exitCode: 0, stderr: '' });
    const got = await cli('customer', 'iam', 'get-role-policy', '--role-name', name, '--policy-name', 'read');
    // The CLI decodes IAM's URL-encoded document back into JSON.
    expect(JSON.parse(got.stdout).PolicyDocument).toEqual(policy);
    const role = JSON.parse((await cli('customer', 'iam', 'get-role', '--role-name', name)).stdout).Role;
    expect(role.AssumeRolePolicyDocument).toEqual(JSON.parse(vendorTrust()));
    expect(role.MaxSessionDuration).toBe(7200);
  });

  /** `aws sts assume-role` as the vendor, session name "cli", with `extra` arguments. */
  const assumeRoleWithCli = (roleArn: string, ...extra: string[]) =>
    cli('vendor', 'sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'cli', ...extra);

  it('assume-role: right external ID succeeds, a wrong or missing one is AccessDenied', async () => {
    const role = await customerRole();
    const ok = await assumeRoleWithCli(role.arn, '--external-id', EXTERNAL_ID);
    expect(ok.stderr).toBe('');
    const assumed = JSON.parse(ok.stdout);
    expect(assumed.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${CUSTOMER}:assumed-role/${role.name}/cli`);
    expect(assumed.Credentials.AccessKeyId).toMatch(/^ASIA/);
    const session = {
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    };
    const identity = await cli(session, 'sts', 'get-caller-identity');
    expect(JSON.parse(identity.stdout)).toMatchObject({
      Account: CUSTOMER,
      Arn: assumed.AssumedRoleUser.Arn,
    });

    const expected = `An error occurred (AccessDenied) when calling the AssumeRole operation: ${trustDenial(`arn:aws:iam::${VENDOR}:root`, role.arn)}`;
    const wrong = await assumeRoleWithCli(role.arn, '--external-id', 'bb-wrong-id');
    expect(wrong.exitCode).toBe(refusedExitCode);
    expect(wrong.stderr.trim()).toBe(expected);
    const none = await assumeRoleWithCli(role.arn);
    expect(none.exitCode).toBe(refusedExitCode);
    expect(none.stderr.trim()).toBe(expected);
  });
});

describe('boto3 as a witness', () => {
  it('assumes the role with the external ID and sees the assumed-role ARN from GetCallerIdentity', async () => {
    const role = await customerRole();
    const script = `
import boto3, json, os
endpoint = os.environ["AWS_ENDPOINT_URL"]
sts = boto3.client("sts", endpoint_url=endpoint)
creds = sts.assume_role(RoleArn=os.environ["ROLE_ARN"], RoleSessionName="boto3", ExternalId=os.environ["EXTERNAL_ID"])["Credentials"]
session = boto3.client("sts", endpoint_url=endpoint, aws_access_key_id=creds["AccessKeyId"],
    aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
identity = session.get_caller_identity()
print(json.dumps({"Arn": identity["Arn"], "Account": identity["Account"]}))
try:
    sts.assume_role(RoleArn=os.environ["ROLE_ARN"], RoleSessionName="boto3", ExternalId="bb-wrong-id")
except sts.exceptions.ClientError as error:
    print(json.dumps(error.response["Error"]))
`;
    const result = await run('python3', ['-c', script], {
      ...sandbox.env('vendor'),
      ROLE_ARN: role.arn,
      EXTERNAL_ID,
    });
    expect(result.stderr).toBe('');
    const [identity, refused] = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(identity).toEqual({
      Arn: `arn:aws:sts::${CUSTOMER}:assumed-role/${role.name}/boto3`,
      Account: CUSTOMER,
    });
    expect(refused).toMatchObject({
      Type: 'Sender',
      Code: 'AccessDenied',
      Message: trustDenial(`arn:aws:iam::${VENDOR}:root`, role.arn),
    });
  });
});

describe('state across a restart (--state)', () => {
  it('keeps roles, their policies and issued sessions', async () => {
    const stateDir = join(workDir, uniqueName('state'));
    const first = await startTestSandbox({ stateDir });
    const name = uniqueName('kept');
    let roleId: string | undefined;
    let session: TestCredentials;
    let sessionArn: string | undefined;
    try {
      const iam = new IAMClient(first.sdkConfig('customer'));
      roleId = (
        await iam.send(
          new CreateRoleCommand({
            RoleName: name,
            AssumeRolePolicyDocument: vendorTrust(),
            MaxSessionDuration: 7200,
          }),
        )
      ).Role?.RoleId;
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: name,
          PolicyName: 'p',
          PolicyDocument: policyJson({ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }),
        }),
      );
      const assumed = await new STSClient(first.sdkConfig('vendor')).send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${CUSTOMER}:role/${name}`,
          RoleSessionName: 'kept',
          ExternalId: EXTERNAL_ID,
        }),
      );
      session = keysOf(assumed.Credentials);
      sessionArn = assumed.AssumedRoleUser?.Arn;
    } finally {
      await first.close();
    }

    const second = await startTestSandbox({ stateDir });
    try {
      const { Role } = await new IAMClient(second.sdkConfig('customer')).send(
        new GetRoleCommand({ RoleName: name }),
      );
      expect(Role).toMatchObject({ RoleId: roleId, MaxSessionDuration: 7200 });
      expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toBe(vendorTrust());
      // The session issued before the restart still signs, and its role's policy still applies.
      expect(
        (await new STSClient(second.sdkConfig(session)).send(new GetCallerIdentityCommand({}))).Arn,
      ).toBe(sessionArn);
      const asSession = new IAMClient(second.sdkConfig(session));
      expect((await asSession.send(new GetRoleCommand({ RoleName: name }))).Role?.RoleName).toBe(name);
      expect(
        (await refusal(asSession.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: 'p' })))).name,
      ).toBe('AccessDenied');
    } finally {
      await second.close();
    }
  });
});
