/**
 * Onboarding on the sandbox, shared by the onboarding integration and end-to-end tests: a
 * configuration with one connection of fresh names, the customer administrator's clients, the
 * customer's buckets, `onboard --apply` run in-process with the customer's credentials, and small
 * edits that break a setup the way a customer might.
 *
 * ```ts
 * const setup = await onboardOnSandbox(sandbox, { workflow: 'live' });
 * const report = await verifyConnections({ config: setup.config, connections: [setup.connection],
 *   vendorCredentials: vendorCredentials(sandbox) });
 * ```
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  GetBucketPolicyCommand,
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
import { STSClient } from '@aws-sdk/client-sts';
import { type Config, type Connection, parseConfig } from '../../src/config/resolved-config.js';
import { ensureVendorQueue } from '../../src/live/vendor-queue.js';
import { applyOnboarding } from '../../src/onboarding/apply/apply-onboarding.js';
import type { ApplyClients } from '../../src/onboarding/apply/plan-onboarding.js';
import { type OnboardingContext, resolveOnboardingContext } from '../../src/onboarding/onboarding-context.js';
import { INLINE_POLICY_NAME, renderCloudFormation } from '../../src/onboarding/render-cloudformation.js';
import { verifyConnections } from '../../src/onboarding/verify/verify.js';
import type { VerifyReport } from '../../src/onboarding/verify/verify-types.js';
import { createRestrictedKey, encryptBucketByDefault } from './customer-keys.js';
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
 * The customer administrator's clients (what `onboard --apply` is run with), SNS and SQS in the
 * customer's region (default: the sandbox's).
 */
export function customerClients(sandbox: TestSandbox, region = sandbox.region): ApplyClients {
  const config = sandbox.sdkConfig('customer');
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

/** What may differ from the default connection (batch, prefixes `in/` and `out/`, one role). */
export interface ConnectionOverrides {
  workflow?: 'batch' | 'live';
  /** Merged into the connection as written in a file (before defaults). */
  connection?: Record<string, unknown>;
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
        source: { bucket: uniqueName('src'), prefix: 'in/' },
        destination: { bucket: uniqueName('dst'), prefix: 'out/' },
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
}

/** The configuration of {@link onboardingConfig}, resolved, and the customer's buckets created (with a sample object). */
async function prepareCustomer(sandbox: TestSandbox, options: OnboardOptions): Promise<OnboardedSetup> {
  const keys: { source?: string; destination?: string } = {};
  for (const side of ['source', 'destination'] as const)
    if (options.kms?.[side]) keys[side] = await createRestrictedKey(sandbox);
  const named = (side: 'source' | 'destination') =>
    options.kms?.[side] === 'named' ? { kmsKeyArn: keys[side] } : {};
  const region = options.bucketRegion ?? sandbox.region;
  const kmsConnection = options.kms
    ? {
        source: { bucket: uniqueName('src'), prefix: 'in/', ...named('source') },
        destination: { bucket: uniqueName('dst'), prefix: 'out/', ...named('destination') },
      }
    : {};
  const configInput = onboardingConfigInput(sandbox, {
    ...options,
    connection: { region, ...kmsConnection, ...options.connection },
  });
  const config = parseConfig(configInput);
  const connection = config.connections[0] as Connection;
  const context = resolveOnboardingContext(config, connection);
  const clients = customerClients(sandbox, connection.region);
  const location =
    region === 'us-east-1'
      ? {}
      : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
  await clients.s3.send(new CreateBucketCommand({ Bucket: connection.source.bucket, ...location }));
  await clients.s3.send(new CreateBucketCommand({ Bucket: connection.destination.bucket, ...location }));
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

/** A trust policy: `principal` may assume the role, with the external ID condition when one is given. */
export function trustPolicy(principal: string, externalId: string | undefined): string {
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

/** Replaces the role's trust policy, as a customer editing it by hand would. */
export async function replaceTrustPolicy(setup: OnboardedSetup, document: string): Promise<void> {
  await setup.clients.iam.send(
    new UpdateAssumeRolePolicyCommand({ RoleName: setup.context.roleName, PolicyDocument: document }),
  );
}

interface Statement {
  Action: string | string[];
  [key: string]: unknown;
}

/** A policy document without one action (statements left with no action are dropped). */
function withoutAction(text: string, action: string): string {
  const document = JSON.parse(text) as { Statement: Statement[] };
  document.Statement = document.Statement.flatMap((statement) => {
    const actions = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter(
      (a) => a !== action,
    );
    return actions.length === 0 ? [] : [{ ...statement, Action: actions }];
  });
  return JSON.stringify(document);
}

/**
 * Takes one action away from the role: from its inline policy and from both bucket policies (within
 * one account, a bucket policy naming the role grants access on its own).
 */
export async function removeGrantedAction(setup: OnboardedSetup, action: string): Promise<void> {
  const { iam, s3 } = setup.clients;
  const { PolicyDocument } = await iam.send(
    new GetRolePolicyCommand({ RoleName: setup.context.roleName, PolicyName: INLINE_POLICY_NAME }),
  );
  const document = withoutAction(decodeURIComponent(PolicyDocument ?? '{}'), action);
  for (const bucket of new Set([setup.connection.source.bucket, setup.connection.destination.bucket])) {
    const { Policy } = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: bucket, Policy: withoutAction(Policy ?? '{}', action) }),
    );
  }
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: setup.context.roleName,
      PolicyName: INLINE_POLICY_NAME,
      PolicyDocument: document,
    }),
  );
}

/**
 * What `bucketbridge live` does first for an sns-mode connection: creates the vendor's queue and
 * subscribes it to the customer's topic, with the vendor's credentials.
 */
export async function subscribeVendorQueue(sandbox: TestSandbox, setup: OnboardedSetup): Promise<void> {
  const live = setup.connection.live;
  if (setup.context.live?.mode !== 'sns' || live === undefined)
    throw new Error('not an sns-mode live connection');
  const vendor = sandbox.sdkConfig('vendor');
  await ensureVendorQueue({
    sqs: new SQSClient(vendor),
    sns: new SNSClient(vendor),
    topicArn: setup.context.live.topicArn,
    queueName: live.queueName ?? `bucketbridge-${setup.connection.name}`,
    maxReceiveCount: live.maxReceiveCount,
    visibilityTimeoutSec: 30,
    rawMessageDelivery: live.rawMessageDelivery,
  });
}

/** A customer queue S3 may send `bucket`'s events to (another team's consumer); returns its ARN. */
export async function customerEventQueue(sandbox: TestSandbox, bucket: string): Promise<string> {
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
  return queueArn;
}

/** Runs verify's checks for the setup's one connection with the vendor's credentials. */
export function verifySetup(
  sandbox: TestSandbox,
  setup: OnboardedSetup,
  options: { now?: Date; retiredExternalIds?: string[] } = {},
): Promise<VerifyReport> {
  return verifyConnections({
    config: setup.config,
    connections: [setup.connection],
    vendorCredentials: vendorCredentials(sandbox),
    ...options,
  });
}

/** `id → status` for every check of the report's one connection. */
export function checkStatuses(report: VerifyReport): Record<string, string> {
  return Object.fromEntries(report.connections[0]!.checks.map((c) => [c.id, c.status]));
}

/** One check of the report's one connection. */
export function findCheck(report: VerifyReport, id: string) {
  return report.connections[0]!.checks.find((c) => c.id === id)!;
}
