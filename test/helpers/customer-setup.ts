/**
 * A customer on the sandbox, the one setup the onboarding, verify and end-to-end tests build on:
 * a configuration with one connection of fresh names, the clients of both accounts, the customer's
 * buckets (in any region, optionally SSE-KMS, optionally with the customer's own event queue for
 * sqs mode), and then `onboard --apply` run in-process or the generated template deployed. Also what
 * a customer's account may already have before onboarding (a bucket statement, a notification rule
 * to another team's queue) and the vendor acting as the onboarded role.
 *
 * ```ts
 * const sandbox = useTestSandbox();
 * const setup = await onboardOnSandbox(sandbox, { workflow: 'live' });
 * const prepared = await prepareCustomer(sandbox, { liveQueue: true }); // buckets, nothing applied
 * ```
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  type Event,
  PutBucketNotificationConfigurationCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { type Config, type Connection, parseConfig } from '../../src/config/resolved-config.js';
import { applyOnboarding } from '../../src/onboarding/apply/apply-onboarding.js';
import type { ApplyClients } from '../../src/onboarding/apply/plan-onboarding.js';
import { type OnboardingContext, resolveOnboardingContext } from '../../src/onboarding/onboarding-context.js';
import { renderCloudFormation } from '../../src/onboarding/render-cloudformation.js';
import { createRestrictedKey, encryptBucketByDefault } from './customer-keys.js';
import { createObjectLockBucket } from './object-lock.js';
import { type TestSandbox, uniqueName } from './sandbox.js';
import { runAwsCli } from './witnesses.js';

/** The sandbox's vendor and customer accounts. */
export const VENDOR_ACCOUNT = '111111111111';
export const CUSTOMER_ACCOUNT = '222222222222';

/** The sandbox vendor's keys as a credential provider (the vendor's default chain in production). */
export function vendorCredentials(sandbox: TestSandbox) {
  const keys = sandbox.sdkConfig('vendor').credentials;
  return async () => keys;
}

/**
 * An account administrator's clients (what `onboard --apply` is run with; the customer's unless
 * `account` says otherwise), SNS and SQS in the customer's region (default: the sandbox's).
 */
export function adminClients(
  sandbox: TestSandbox,
  account: 'customer' | 'vendor' = 'customer',
  region = sandbox.region,
): ApplyClients {
  const config = sandbox.sdkConfig(account);
  return {
    sts: new STSClient(config),
    iam: new IAMClient(config),
    // Buckets may be in other regions than the sandbox's own.
    s3: new S3Client({ ...config, followRegionRedirects: true }),
    sns: new SNSClient({ ...config, region }),
    sqs: new SQSClient({ ...config, region }),
    kms: (keyRegion) => new KMSClient({ ...config, region: keyRegion }),
  };
}

/** Closes the clients of {@link adminClients} (their sockets would otherwise outlive the test). */
export function destroyAdminClients(clients: ApplyClients): void {
  for (const client of [clients.iam, clients.s3, clients.sns, clients.sqs, clients.sts]) client?.destroy();
}

/** What may differ from the default connection (batch, prefixes `in/` and `out/`, one role). */
export interface ConnectionOverrides {
  workflow?: 'batch' | 'live';
  /** Merged into the connection as written in a file (before defaults). */
  connection?: Record<string, unknown>;
  /** Merged into the connection's `source` (a fresh bucket, prefix `in/`). */
  source?: Record<string, unknown>;
  /** Merged into the connection's `destination` (a fresh bucket, prefix `out/`). */
  destination?: Record<string, unknown>;
  /** `processing` section of the configuration. */
  processing?: { regions: string[]; defaultRegion: string };
}

/**
 * A configuration with one connection named `acme`, fresh bucket, role and topic names, assuming
 * the customer's role with a fresh external ID.
 */
export function onboardingConfig(sandbox: TestSandbox, overrides: ConnectionOverrides = {}): Config {
  return parseConfig(onboardingConfigInput(sandbox, overrides));
}

/** The configuration of {@link onboardingConfig} as written in a file. */
export function onboardingConfigInput(
  sandbox: TestSandbox,
  overrides: ConnectionOverrides = {},
): Record<string, unknown> {
  const roleName = uniqueName('Role');
  return {
    version: 2,
    vendor: { accountId: VENDOR_ACCOUNT, principals: [`arn:aws:iam::${VENDOR_ACCOUNT}:root`] },
    aws: { region: sandbox.region, endpoint: sandbox.endpoint, maxAttempts: 1 },
    ...(overrides.processing ? { processing: overrides.processing } : {}),
    connections: [
      {
        name: 'acme',
        accountId: CUSTOMER_ACCOUNT,
        assumeRoleFlag: true,
        assumeRoleArn: [`arn:aws:iam::${CUSTOMER_ACCOUNT}:role/${roleName}`],
        externalId: uniqueName('ext'),
        workflow: overrides.workflow ?? 'batch',
        source: { bucket: uniqueName('src'), prefix: 'in/', ...overrides.source },
        destination: { bucket: uniqueName('dst'), prefix: 'out/', ...overrides.destination },
        onboarding: { roleName, topicName: uniqueName('topic') },
        ...overrides.connection,
      },
    ],
  };
}

/** A properly onboarded connection. */
export interface OnboardedSetup {
  /** The configuration as written in a file (for commands that read one). */
  configInput: Record<string, unknown>;
  config: Config;
  connection: Connection;
  context: OnboardingContext;
  clients: ApplyClients;
}

/** Options of {@link onboardOnSandbox}. */
export interface OnboardOptions extends ConnectionOverrides {
  /**
   * Region of the source and destination buckets, and the connection's `region` unless
   * `connection.region` says otherwise. Default: the sandbox's region.
   */
  bucketRegion?: string;
  /** A key written under the source prefix, so that reading can be checked. Default `<prefix>sample.txt`; null writes none. */
  sampleKey?: string | null;
  /**
   * SSE-KMS buckets: each side named here gets a customer key usable by the root user only
   * (test/helpers/customer-keys.ts) as its default encryption; `named` also puts the key in the
   * connection as `kmsKeyArn`, `unnamed` leaves the configuration without it.
   */
  kms?: { source?: 'named' | 'unnamed'; destination?: 'named' | 'unnamed' };
  /** A live connection reading the customer's own new queue (`live.mode: sqs`). */
  liveQueue?: boolean;
  /** The destination has S3 Object Lock with a default retention (every upload needs a checksum). */
  objectLockDestination?: boolean;
}

/**
 * The configuration of {@link onboardingConfig}, resolved, and the customer's buckets created (with
 * a sample object); nothing applied yet.
 */
export async function prepareCustomer(
  sandbox: TestSandbox,
  options: OnboardOptions = {},
): Promise<OnboardedSetup> {
  const keys: { source?: string; destination?: string } = {};
  for (const side of ['source', 'destination'] as const)
    if (options.kms?.[side]) keys[side] = await createRestrictedKey(sandbox);
  const named = (side: 'source' | 'destination') =>
    options.kms?.[side] === 'named' ? { kmsKeyArn: keys[side] } : {};
  const region = options.bucketRegion ?? sandbox.region;
  const liveQueue = options.liveQueue
    ? { workflow: 'live', live: { mode: 'sqs', queueUrl: await createCustomerQueue(sandbox, region) } }
    : {};
  const configInput = onboardingConfigInput(sandbox, {
    ...options,
    source: { ...named('source'), ...options.source },
    destination: { ...named('destination'), ...options.destination },
    connection: { region, ...liveQueue, ...options.connection },
  });
  const config = parseConfig(configInput);
  const connection = config.connections[0] as Connection;
  const context = resolveOnboardingContext(config, connection);
  const clients = adminClients(sandbox, 'customer', connection.region);
  if (options.objectLockDestination) {
    await createBuckets(clients.s3, [connection.source.bucket], region);
    await createObjectLockBucket(clients.s3, connection.destination.bucket);
  } else {
    await createBuckets(clients.s3, [connection.source.bucket, connection.destination.bucket], region);
  }
  for (const side of ['source', 'destination'] as const) {
    const keyArn = keys[side];
    if (keyArn !== undefined) await encryptBucketByDefault(clients.s3, connection[side].bucket, keyArn);
  }
  const sampleKey =
    options.sampleKey === undefined ? `${connection.source.prefix}sample.txt` : options.sampleKey;
  if (sampleKey !== null) {
    const s3 = new S3Client({ ...sandbox.sdkConfig('customer'), region });
    await s3.send(new PutObjectCommand({ Bucket: connection.source.bucket, Key: sampleKey, Body: 'sample' }));
  }
  return { configInput, config, connection, context, clients };
}

/** Creates each bucket once (source and destination may be one) in `region`. */
export async function createBuckets(s3: S3Client, buckets: string[], region: string): Promise<void> {
  const location =
    region === 'us-east-1'
      ? {}
      : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
  for (const bucket of new Set(buckets))
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ...location }));
}

async function createCustomerQueue(sandbox: TestSandbox, region: string): Promise<string> {
  const sqs = new SQSClient({ ...sandbox.sdkConfig('customer'), region });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('events') }));
  return QueueUrl!;
}

/**
 * Creates the customer's buckets (and a sample object), then runs `onboard --apply` with the
 * customer administrator's credentials: role, inline policy, bucket policies, topic and notification.
 */
export async function onboardOnSandbox(
  sandbox: TestSandbox,
  options: OnboardOptions = {},
): Promise<OnboardedSetup> {
  const setup = await prepareCustomer(sandbox, options);
  await applyOnboarding(setup.context, setup.clients, { say: () => undefined });
  return setup;
}

/**
 * Creates the customer's buckets, then deploys the generated CloudFormation template unchanged with
 * the AWS CLI v2 as the customer's administrator (`aws cloudformation deploy`, CAPABILITY_NAMED_IAM).
 * The template makes the role and its policy (and the topic for live); bucket policies and
 * notifications are not in it (CloudFormation cannot merge them).
 */
export async function deployTemplateOnSandbox(
  sandbox: TestSandbox,
  folder: string,
  options: OnboardOptions = {},
): Promise<OnboardedSetup> {
  const setup = await prepareCustomer(sandbox, options);
  const template = join(folder, `${setup.context.roleName}.yaml`);
  await writeFile(template, renderCloudFormation(setup.context));
  const stack = uniqueName('stack');
  const result = await runAwsCli(
    'v2',
    [
      'cloudformation',
      'deploy',
      '--template-file',
      template,
      '--stack-name',
      stack,
      '--capabilities',
      'CAPABILITY_NAMED_IAM',
    ],
    sandbox,
    'customer',
  );
  if (result.exitCode !== 0) throw new Error(`aws cloudformation deploy failed: ${result.stderr}`);
  return setup;
}

/** A customer queue, S3 may send `bucket`'s events to it (another team's consumer). */
export interface CustomerQueue {
  queueUrl: string;
  queueArn: string;
}

/** A new {@link CustomerQueue}. */
export async function customerEventQueue(sandbox: TestSandbox, bucket: string): Promise<CustomerQueue> {
  const sqs = new SQSClient(sandbox.sdkConfig('customer'));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('audit') }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = Attributes?.QueueArn ?? '';
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${bucket}` } },
      },
    ],
  };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
  return { queueUrl: QueueUrl!, queueArn };
}

/**
 * What the customer's account already has before onboarding, for apply to keep: another team's
 * queue receiving `events` of `bucket` under notification rule `id` (replacing the bucket's
 * notification configuration).
 */
export async function addQueueRule(
  sandbox: TestSandbox,
  bucket: string,
  id: string,
  events: Event[],
): Promise<CustomerQueue> {
  const queue = await customerEventQueue(sandbox, bucket);
  await new S3Client(sandbox.sdkConfig('customer')).send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [{ Id: id, QueueArn: queue.queueArn, Events: events }],
      },
    }),
  );
  return queue;
}

/**
 * What the customer's bucket policy already has, for apply to keep: statement `sid` letting the
 * customer's own account read `resource`.
 */
export async function putCustomerStatement(
  sandbox: TestSandbox,
  bucket: string,
  sid: string,
  resource: string,
): Promise<void> {
  const statement = {
    Sid: sid,
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${CUSTOMER_ACCOUNT}:root` },
    Action: 's3:GetObject',
    Resource: resource,
  };
  await new S3Client(sandbox.sdkConfig('customer')).send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
    }),
  );
}

/** An S3 client of the vendor acting as the onboarded role (assumed with the external ID). */
export async function s3AsRole(
  sandbox: TestSandbox,
  context: Pick<OnboardingContext, 'roleArn' | 'externalId'>,
): Promise<S3Client> {
  const sts = new STSClient(sandbox.sdkConfig('vendor'));
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: context.roleArn,
      RoleSessionName: 'vendor',
      ExternalId: context.externalId,
    }),
  );
  return new S3Client({
    ...sandbox.sdkConfig('vendor'),
    credentials: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    },
  });
}
