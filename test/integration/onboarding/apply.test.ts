/**
 * `onboard --apply` against the sandbox, with the customer's administrator credentials: it creates
 * the role and its inline policy, and MERGES into what the customer's queue and buckets already
 * have; the result is what the vendor needs (and no more), a second run changes nothing, and an
 * overlapping notification rule is refused before anything is written.
 */
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyOnboarding } from '../../../src/onboarding/apply/apply-onboarding.js';
import { NotificationOverlapError } from '../../../src/onboarding/apply/merge-notification.js';
import type { ApplyClients } from '../../../src/onboarding/apply/plan-onboarding.js';
import type { OnboardingContext } from '../../../src/onboarding/onboarding-context.js';
import {
  addQueueRule,
  adminClients,
  CUSTOMER_ACCOUNT as CUSTOMER,
  prepareCustomer,
  putCustomerStatement,
  s3AsRole,
  VENDOR_ACCOUNT as VENDOR,
} from '../../helpers/customer-setup.js';
import { uniqueName, useTestSandbox } from '../../helpers/sandbox.js';

const sandbox = useTestSandbox();

/**
 * A live connection reading the customer's own queue (`live.mode: sqs`) under `videos/`, with
 * fresh names everywhere, resolved as `onboard` resolves it, and its buckets; nothing applied.
 */
const liveCustomer = () =>
  prepareCustomer(sandbox, {
    liveQueue: true,
    sampleKey: null,
    connection: { name: uniqueName('conn') },
    source: { prefix: 'videos/in/' },
    destination: { prefix: 'videos/out/' },
  });

function queueArn(context: OnboardingContext): string {
  return (context.live as { queueArn: string }).queueArn;
}

describe('onboard --apply on an account that already has a bucket policy and a notification', () => {
  let context: OnboardingContext;
  let clients: ApplyClients;
  let auditQueueArn: string;
  let firstRun: Awaited<ReturnType<typeof applyOnboarding>>;
  const output: string[] = [];

  beforeAll(async () => {
    ({ context, clients } = await liveCustomer());
    const reports = `arn:aws:s3:::${context.source.bucket}/reports/*`;
    await putCustomerStatement(sandbox, context.source.bucket, 'AnalyticsReadsReports', reports);
    const source = context.source.bucket;
    ({ queueArn: auditQueueArn } = await addQueueRule(sandbox, source, 'audit-deletes', [
      's3:ObjectRemoved:*',
    ]));
    firstRun = await applyOnboarding(context, clients, { say: (text) => output.push(text) });
  });

  it('creates the role, its inline policy, the topic and its policy, and updates both bucket policies and the notification', () => {
    expect(firstRun.changes.map((c) => `${c.kind} ${c.resource}`)).toEqual([
      `create IAM role ${context.roleName} (trust policy, MaxSessionDuration 3600 s)`,
      `create IAM role ${context.roleName} inline policy BucketBridgeAccess`,
      `create SQS queue policy of ${queueArn(context)}`,
      `update S3 bucket policy of ${context.source.bucket}`,
      `create S3 bucket policy of ${context.destination.bucket}`,
      `update S3 event notification of ${context.source.bucket}`,
    ]);
    expect(firstRun.changed).toBe(true);
  });

  it('shows each change as a diff', () => {
    const text = output.join('');
    expect(text).toContain(
      `~ update S3 bucket policy of ${context.source.bucket}\n--- current\n+++ planned\n`,
    );
    expect(text).toContain(`+      "Sid": "BucketBridge`);
    expect(text).toContain('Applied 6 changes.\n');
  });

  it("keeps the bucket's existing statement and adds ours", async () => {
    const { Policy } = await clients.s3.send(new GetBucketPolicyCommand({ Bucket: context.source.bucket }));
    const sids = (JSON.parse(Policy!) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
    expect(sids[0]).toBe('AnalyticsReadsReports');
    expect(sids.slice(1).every((sid) => sid.startsWith('BucketBridge'))).toBe(true);
    expect(sids).toHaveLength(4);
  });

  it("keeps the bucket's existing notification rule and adds ours", async () => {
    const current = await clients.s3.send(
      new GetBucketNotificationConfigurationCommand({ Bucket: context.source.bucket }),
    );
    expect(current.QueueConfigurations?.map((q) => [q.Id, q.QueueArn, q.Events])).toEqual([
      ['audit-deletes', auditQueueArn, ['s3:ObjectRemoved:*']],
      [`bucketbridge-${context.connectionName}`, queueArn(context), ['s3:ObjectCreated:*']],
    ]);
  });

  it('creates the role with the trust policy and the inline policy of the JSON files', async () => {
    const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: context.roleName }));
    expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).Statement[0].Condition).toEqual({
      StringEquals: { 'sts:ExternalId': context.externalId },
    });
    const inline = await clients.iam.send(
      new GetRolePolicyCommand({ RoleName: context.roleName, PolicyName: 'BucketBridgeAccess' }),
    );
    expect(
      JSON.parse(decodeURIComponent(inline.PolicyDocument!)).Statement.map((s: { Sid: string }) => s.Sid),
    ).toEqual([
      'ListSourcePrefix',
      'ReadSourceObjects',
      'WriteDestinationObjects',
      'CleanUpVerifyProbes',
      'LocateBuckets',
      'CheckSourceEncryption',
      'CheckSourceNotification',
      'ConsumeEventQueue',
    ]);
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: (context.live as { queueUrl: string }).queueUrl,
        AttributeNames: ['Policy'],
      }),
    );
    expect(JSON.parse(Attributes!.Policy!).Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      expect.stringMatching(/^BucketBridge.*S3SendMessage$/),
    ]);
  });

  it('is idempotent: a second run finds nothing to change and writes nothing', async () => {
    const again: string[] = [];
    const second = await applyOnboarding(context, clients, { say: (text) => again.push(text) });
    expect(second.changed).toBe(false);
    expect(second.changes.map((c) => c.kind)).toEqual(Array(second.changes.length).fill('unchanged'));
    expect(again.at(-1)).toBe(
      'Nothing to change: the account already has everything this connection needs.\n',
    );
  });

  it('gives the vendor exactly the access the workflow needs, with the external ID only', async () => {
    await clients.s3.send(
      new PutObjectCommand({ Bucket: context.source.bucket, Key: 'videos/in/clip.mp4', Body: 'in' }),
    );
    await clients.s3.send(
      new PutObjectCommand({ Bucket: context.source.bucket, Key: 'private/payroll.csv', Body: 'no' }),
    );
    const sts = new STSClient(sandbox.sdkConfig('vendor'));
    await expect(
      sts.send(
        new AssumeRoleCommand({ RoleArn: context.roleArn, RoleSessionName: 'wrong', ExternalId: 'guessed' }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    const asRole = await s3AsRole(sandbox, context);
    const read = await asRole.send(
      new GetObjectCommand({ Bucket: context.source.bucket, Key: 'videos/in/clip.mp4' }),
    );
    expect(await read.Body!.transformToString()).toBe('in');
    await expect(
      asRole.send(new GetObjectCommand({ Bucket: context.source.bucket, Key: 'private/payroll.csv' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await asRole.send(
      new PutObjectCommand({ Bucket: context.destination.bucket, Key: 'videos/out/clip.mp4', Body: 'out' }),
    );
    await expect(
      asRole.send(
        new PutObjectCommand({ Bucket: context.source.bucket, Key: 'videos/in/evil.mp4', Body: 'x' }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('onboard --apply refuses what it cannot merge, before writing anything', () => {
  it("another account's credentials: nothing is read or written there", async () => {
    const { context } = await liveCustomer();
    const vendor = adminClients(sandbox, 'vendor');
    const error = await applyOnboarding(context, vendor, { say: () => undefined }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `Checking the account failed: WrongAccount: these credentials belong to account ${VENDOR}, but connection "${context.connectionName}" belongs to account ${CUSTOMER}; run --apply with an administrator of account ${CUSTOMER}`,
    );
    await expect(vendor.iam.send(new GetRoleCommand({ RoleName: context.roleName }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
  });

  it('an existing rule that overlaps ours: a clear message, and no role, policy or rule written', async () => {
    const { context, clients } = await liveCustomer();
    const source = context.source.bucket;
    const { queueArn: auditArn } = await addQueueRule(sandbox, source, 'all-uploads', [
      's3:ObjectCreated:Put',
    ]);
    const error = await applyOnboarding(context, clients, { say: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotificationOverlapError);
    expect((error as Error).message).toBe(
      `the notification on bucket ${context.source.bucket} already has rule "all-uploads" (s3:ObjectCreated:Put for keys with any prefix to ${auditArn}) ` +
        `that overlaps ours (s3:ObjectCreated:* for keys starting with "videos/in/" to ${queueArn(context)}): ` +
        'S3 sends each event to one rule only. Narrow that rule (a prefix or suffix that excludes our keys) or remove it, ' +
        'or give this connection a source prefix it does not cover, then run again.',
    );
    await expect(clients.iam.send(new GetRoleCommand({ RoleName: context.roleName }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    await expect(
      clients.s3.send(new GetBucketPolicyCommand({ Bucket: context.source.bucket })),
    ).rejects.toMatchObject({
      name: 'NoSuchBucketPolicy',
    });
  });

  it('a dry run shows the changes and writes nothing', async () => {
    const { context, clients } = await liveCustomer();
    const said: string[] = [];
    const result = await applyOnboarding(context, clients, { dryRun: true, say: (text) => said.push(text) });
    expect(result.changes.map((c) => c.kind)).toEqual([
      'create',
      'create',
      'create',
      'create',
      'create',
      'create',
    ]);
    expect(said.at(-1)).toBe('Dry run: 6 changes would be made; nothing was written.\n');
    expect(said.join('')).toContain(`+ create S3 bucket policy of ${context.destination.bucket}`);
    await expect(clients.iam.send(new GetRoleCommand({ RoleName: context.roleName }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    await expect(
      clients.s3.send(new GetBucketPolicyCommand({ Bucket: context.destination.bucket })),
    ).rejects.toMatchObject({
      name: 'NoSuchBucketPolicy',
    });
  });
});

describe('onboard --apply on a role set up by hand from the seed guide', () => {
  it('replaces the trust without external ID, raises MaxSessionDuration and replaces the broad inline policy', async () => {
    const { context, clients } = await prepareCustomer(sandbox, {
      sampleKey: null,
      connection: { name: 'seed', stsCredsExpirationTime: '2h' },
    });
    const seedTrust = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:root` }, Action: 'sts:AssumeRole' },
      ],
    };
    await clients.iam.send(
      new CreateRoleCommand({
        RoleName: context.roleName,
        AssumeRolePolicyDocument: JSON.stringify(seedTrust),
      }),
    );
    const seedPermissions = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:PutObjectAcl'],
          Resource: '*',
        },
      ],
    };
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: context.roleName,
        PolicyName: 'BucketBridgeAccess',
        PolicyDocument: JSON.stringify(seedPermissions),
      }),
    );
    const sts = new STSClient(sandbox.sdkConfig('vendor'));
    // Before: anyone at the vendor can assume the role without an external ID.
    await sts.send(new AssumeRoleCommand({ RoleArn: context.roleArn, RoleSessionName: 'before' }));

    const said: string[] = [];
    const result = await applyOnboarding(context, clients, { say: (text) => said.push(text) });
    expect(result.changes.map((c) => `${c.kind} ${c.resource}`)).toEqual([
      `update IAM role ${context.roleName} trust policy`,
      `update IAM role ${context.roleName} MaxSessionDuration`,
      `update IAM role ${context.roleName} inline policy BucketBridgeAccess`,
      `create S3 bucket policy of ${context.source.bucket}`,
      `create S3 bucket policy of ${context.destination.bucket}`,
    ]);
    expect(said.join('')).toContain('-  "MaxSessionDuration": 3600\n+  "MaxSessionDuration": 7200\n');
    expect(said.join('')).toContain(
      `+      "Condition": {\n+        "StringEquals": {\n+          "sts:ExternalId": "${context.externalId}"`,
    );

    const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: context.roleName }));
    expect(Role?.MaxSessionDuration).toBe(7200);
    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: context.roleArn, RoleSessionName: 'after' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await sts.send(
      new AssumeRoleCommand({
        RoleArn: context.roleArn,
        RoleSessionName: 'after',
        ExternalId: context.externalId,
        DurationSeconds: 7200,
      }),
    );
  });
});

describe('onboard --apply when source and destination are one bucket', () => {
  it('merges both sets of statements into that bucket policy in one change', async () => {
    const bucket = uniqueName('both');
    const { context, clients } = await prepareCustomer(sandbox, {
      sampleKey: null,
      connection: { name: 'one-bucket' },
      source: { bucket },
      destination: { bucket },
    });
    const result = await applyOnboarding(context, clients, { say: () => undefined });
    expect(result.changes.map((c) => `${c.kind} ${c.resource}`)).toEqual([
      `create IAM role ${context.roleName} (trust policy, MaxSessionDuration 3600 s)`,
      `create IAM role ${context.roleName} inline policy BucketBridgeAccess`,
      `create S3 bucket policy of ${bucket}`,
    ]);
    const { Policy } = await clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    expect((JSON.parse(Policy!) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid)).toEqual([
      'BucketBridgeOneBucketListSourcePrefix',
      'BucketBridgeOneBucketLocateSourceBucket',
      'BucketBridgeOneBucketReadSourceObjects',
      'BucketBridgeOneBucketWriteDestinationObjects',
      'BucketBridgeOneBucketCleanUpVerifyProbes',
      'BucketBridgeOneBucketLocateDestinationBucket',
    ]);
    const again = await applyOnboarding(context, clients, { say: () => undefined });
    expect(again.changed).toBe(false);
  });
});
