/**
 * The AWS layer against the sandbox over HTTP: the same code that talks to AWS, with only the
 * endpoint changed. Roles, trust policies, external IDs, session limits and bucket regions are
 * enforced by the sandbox as AWS does.
 */

import { execFile } from 'node:child_process';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConnectionAccess } from '../../../src/aws/connection-access.js';
import { AssumeRoleError } from '../../../src/aws/errors.js';
import type { Connection } from '../../../src/config/resolved-config.js';
import { createLogger } from '../../../src/observe/logger.js';
import { uniqueName, useTestSandbox } from '../../helpers/sandbox.js';

const VENDOR = '111111111111';
const CUSTOMER = '222222222222';

const sandbox = useTestSandbox();
afterEach(() => {
  vi.useRealTimers();
});

const iam = () => new IAMClient(sandbox.sdkConfig('customer'));

function trust(principal: string, externalId?: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        ...(externalId === undefined
          ? {}
          : { Condition: { StringEquals: { 'sts:ExternalId': externalId } } }),
      },
    ],
  });
}

/** A role in the customer account; returns its name and ARN. */
async function role(options: { trust: string; maxSessionDurationSec?: number; s3Bucket?: string }) {
  const name = uniqueName('bb-role');
  const { Role } = await iam().send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: options.trust,
      MaxSessionDuration: options.maxSessionDurationSec,
    }),
  );
  if (options.s3Bucket !== undefined) {
    await iam().send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'bucket-access',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${options.s3Bucket}` },
            {
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject'],
              Resource: `arn:aws:s3:::${options.s3Bucket}/*`,
            },
          ],
        }),
      }),
    );
  }
  return { name, arn: Role?.Arn as string };
}

function connectionOf(overrides: Partial<Connection>): Connection {
  return {
    name: 'acme',
    accountId: CUSTOMER,
    assumeRoleFlag: true,
    assumeRoleArn: [],
    externalId: uniqueName('ext'),
    stsCredsExpirationSec: 3600,
    sessionName: 'bucketbridge-acme',
    region: 'us-east-1',
    source: { bucket: 'acme-src', prefix: '', include: [], exclude: [] },
    destination: { bucket: 'acme-dst', prefix: '', keyTemplate: '{relkey}' },
    workflow: 'batch',
    processor: { type: 'copy' },
    onboarding: {
      roleName: 'BucketBridgeAccessRole',
      topicName: 'BucketBridgeS3EventTopic',
      allowListAllBuckets: false,
    },
    concurrency: 4,
    ...overrides,
  } as Connection;
}

function accessFor(connection: Connection, logger = createLogger({ level: 'silent', pretty: false })) {
  return createConnectionAccess({
    config: { aws: { region: sandbox.region, endpoint: sandbox.endpoint, maxAttempts: 2 } },
    connection,
    vendorCredentials: async () => sandbox.sdkConfig('vendor').credentials,
    logger,
  });
}

async function callerOf(access: ReturnType<typeof accessFor>): Promise<string | undefined> {
  return (await access.client(STSClient).send(new GetCallerIdentityCommand({}))).Arn;
}

describe('credentials through the sandbox', () => {
  it('with assumeRoleFlag false, acts as the vendor itself', async () => {
    const access = accessFor(connectionOf({ assumeRoleFlag: false }));
    await expect(callerOf(access)).resolves.toBe(`arn:aws:iam::${VENDOR}:root`);
  });

  it('assumes the customer role with the external ID and the default session name', async () => {
    const externalId = uniqueName('ext');
    const customer = await role({ trust: trust(`arn:aws:iam::${VENDOR}:root`, externalId) });
    const access = accessFor(connectionOf({ assumeRoleArn: [customer.arn], externalId }));
    await expect(callerOf(access)).resolves.toBe(
      `arn:aws:sts::${CUSTOMER}:assumed-role/${customer.name}/bucketbridge-acme`,
    );
  });

  it('chains two roles, the second trusting only the first, with the external ID sent to both hops', async () => {
    const externalId = uniqueName('ext');
    const first = await role({ trust: trust(`arn:aws:iam::${VENDOR}:root`, externalId) });
    const second = await role({ trust: trust(first.arn) });
    const access = accessFor(
      connectionOf({ assumeRoleArn: [first.arn, second.arn], externalId, sessionName: 'bb-chain' }),
    );
    await expect(callerOf(access)).resolves.toBe(
      `arn:aws:sts::${CUSTOMER}:assumed-role/${second.name}/bb-chain`,
    );
  });

  it('a wrong external ID is refused with the role, the caller and the two usual causes', async () => {
    const customer = await role({ trust: trust(`arn:aws:iam::${VENDOR}:root`, 'bb-the-right-one') });
    const access = accessFor(connectionOf({ assumeRoleArn: [customer.arn], externalId: 'bb-a-wrong-one' }));
    const error = await callerOf(access).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssumeRoleError);
    expect((error as Error).message).toBe(
      `Cannot assume role ${customer.arn} as arn:aws:iam::${VENDOR}:root: access denied. The two usual causes: ` +
        `(1) the role's trust policy does not name arn:aws:iam::${VENDOR}:root (or its account root) as a Principal allowed to call sts:AssumeRole; ` +
        "(2) the trust policy requires an external ID (condition sts:ExternalId) and the connection's externalId does not match it. " +
        `AWS said: User: arn:aws:iam::${VENDOR}:root is not authorized to perform: sts:AssumeRole on resource: ${customer.arn}`,
    );
  });

  it("a duration above the role's MaxSessionDuration is refused naming that rule", async () => {
    const externalId = uniqueName('ext');
    const customer = await role({
      trust: trust(`arn:aws:iam::${VENDOR}:root`, externalId),
      maxSessionDurationSec: 3600,
    });
    const access = accessFor(
      connectionOf({ assumeRoleArn: [customer.arn], externalId, stsCredsExpirationSec: 7200 }),
    );
    await expect(callerOf(access)).rejects.toMatchObject({
      name: 'AssumeRoleError',
      reason: 'duration-above-role-maximum',
      message: expect.stringContaining(
        `Cannot assume role ${customer.arn}: stsCredsExpirationTime 2h exceeds the role's MaxSessionDuration. Raise the role's MaxSessionDuration (up to 12h) or lower stsCredsExpirationTime.`,
      ),
    });
  });

  it('a chained hop longer than 1h is refused naming the chaining rule', async () => {
    const externalId = uniqueName('ext');
    const first = await role({
      trust: trust(`arn:aws:iam::${VENDOR}:root`, externalId),
      maxSessionDurationSec: 7200,
    });
    const second = await role({ trust: trust(first.arn), maxSessionDurationSec: 7200 });
    const access = accessFor(
      connectionOf({ assumeRoleArn: [first.arn, second.arn], externalId, stsCredsExpirationSec: 5400 }),
    );
    await expect(callerOf(access)).rejects.toMatchObject({
      name: 'AssumeRoleError',
      roleArn: second.arn,
      reason: 'duration-above-chaining-limit',
      message: expect.stringContaining(`here the role is assumed with the credentials of ${first.arn}`),
    });
  });

  it('reuses the session, and replaces it once less than 5 minutes of it remain', async () => {
    // Only Date is faked, and it starts at the real time: the sandbox's HTTP Date header keeps
    // the real clock, and the SDK's clock-skew correction tolerates the ten minutes we advance.
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    const externalId = uniqueName('ext');
    const customer = await role({ trust: trust(`arn:aws:iam::${VENDOR}:root`, externalId) });
    const access = accessFor(
      connectionOf({ assumeRoleArn: [customer.arn], externalId, stsCredsExpirationSec: 900 }),
    );
    const first = await access.credentials();
    const expiresMs = first.expiration?.getTime() ?? 0;
    expect(Math.abs(expiresMs - (start + 15 * 60_000))).toBeLessThan(2_000);
    vi.setSystemTime(expiresMs - 5 * 60_000 - 1_000); // 5 min 1 s left
    expect((await access.credentials()).accessKeyId).toBe(first.accessKeyId);
    vi.setSystemTime(expiresMs - 5 * 60_000 + 1_000); // 4 min 59 s left
    const second = await access.credentials();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    await expect(callerOf(access)).resolves.toContain(`assumed-role/${customer.name}/`);
  });
});

function runCli(binary: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      binary,
      args,
      { env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe.each([
  ['AWS CLI v1', 'aws'],
  ['AWS CLI v2', '/usr/bin/aws'],
])('%s as a witness', (_label, binary) => {
  it('accepts the session bucketbridge obtained through a role chain as the final role', async () => {
    const externalId = uniqueName('ext');
    const first = await role({ trust: trust(`arn:aws:iam::${VENDOR}:root`, externalId) });
    const second = await role({ trust: trust(first.arn) });
    const access = accessFor(connectionOf({ assumeRoleArn: [first.arn, second.arn], externalId }));
    const credentials = await access.credentials();
    const result = await runCli(
      binary,
      ['sts', 'get-caller-identity', '--endpoint-url', sandbox.endpoint, '--output', 'json'],
      sandbox.env({
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken as string,
      }),
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout).Arn).toBe(
      `arn:aws:sts::${CUSTOMER}:assumed-role/${second.name}/bucketbridge-acme`,
    );
  });
});

describe('buckets in other regions through the sandbox', () => {
  it("finds the bucket's region and reads and writes through a client signing for it", async () => {
    const bucket = uniqueName('bb-eu');
    await new S3Client({ ...sandbox.sdkConfig('customer'), region: 'eu-central-1' }).send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' },
      }),
    );
    const externalId = uniqueName('ext');
    const customer = await role({
      trust: trust(`arn:aws:iam::${VENDOR}:root`, externalId),
      s3Bucket: bucket,
    });
    const access = accessFor(connectionOf({ assumeRoleArn: [customer.arn], externalId }));
    await expect(access.bucketRegion(bucket)).resolves.toBe('eu-central-1');
    const s3 = await access.s3ForBucket(bucket);
    await expect(s3.config.region()).resolves.toBe('eu-central-1');
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'out/hello.txt', Body: 'hello from bucketbridge' }),
    );
    const read = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'out/hello.txt' }));
    await expect(read.Body?.transformToString()).resolves.toBe('hello from bucketbridge');
  });

  it('says that a bucket does not exist', async () => {
    const externalId = uniqueName('ext');
    const customer = await role({ trust: trust(`arn:aws:iam::${VENDOR}:root`, externalId) });
    const access = accessFor(connectionOf({ assumeRoleArn: [customer.arn], externalId }));
    const missing = uniqueName('bb-missing');
    await expect(access.bucketRegion(missing)).rejects.toMatchObject({
      name: 'BucketRegionError',
      message: `Bucket ${missing} does not exist (HeadBucket answered 404).`,
      kind: 'permanent',
    });
  });
});
