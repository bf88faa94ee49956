/**
 * A customer account wired for the live workflow on the sandbox, from the onboarding policy
 * builders (so the role has exactly the generated permissions): source and destination buckets,
 * the cross-account role with its external ID, and either the customer's SNS topic with the
 * bucket's notification (sns mode; the vendor's queue is made by `live` itself) or the customer's
 * own queue with its dead-letter queue (sqs mode). Runs `live` in-process or as a CLI process.
 * Shared by the live integration suites.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { type Connection, parseConfig } from '../../../src/config/resolved-config.js';
import type { LiveRun, StartLiveOptions } from '../../../src/live/run-live.js';
import { startLive } from '../../../src/live/run-live.js';
import { createLogger } from '../../../src/observe/logger.js';
import { resolveOnboardingContext } from '../../../src/onboarding/onboarding-context.js';
import { buildBucketNotification } from '../../../src/onboarding/policies/bucket-notification.js';
import { buildPermissionsPolicy } from '../../../src/onboarding/policies/permissions-policy.js';
import { buildQueuePolicy } from '../../../src/onboarding/policies/queue-policy.js';
import { buildTopicPolicy } from '../../../src/onboarding/policies/topic-policy.js';
import { buildTrustPolicy } from '../../../src/onboarding/policies/trust-policy.js';
import { encryptBucketsWithNewKeys, grantKeyPolicies } from '../../helpers/customer-keys.js';
import { createBuckets } from '../../helpers/customer-setup.js';
import { BIN } from '../../helpers/run-cli.js';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { uniqueName } from '../../helpers/sandbox.js';
import { queueArn } from './live-queues.js';

export interface LiveWorldOptions {
  mode: 'sns' | 'sqs';
  rawMessageDelivery?: boolean;
  backfill?: boolean;
  processor?: Record<string, unknown>;
  /** Receives before the dead-letter queue. Default 2 (tests reach the DLQ quickly). */
  maxReceiveCount?: number;
  /** Default '30s'. */
  visibilityTimeout?: string;
  concurrency?: number;
  /** The customer's region (`connections[].region`, buckets and topic). Default: the sandbox's region. */
  region?: string;
  /**
   * SSE-KMS buckets and an SSE-KMS topic (sns) or customer queue (sqs): a root-only key each,
   * named in the connection, with the generated key-policy statements merged.
   */
  kms?: boolean;
  /** The configuration's `ledger`. Default: a SQLite file in the world's folder (what `ledger()` reads). */
  ledger?: string;
  /** More `source` settings of the connection (filters such as `ignoreOlderThan`). */
  source?: Record<string, unknown>;
}

export interface LedgerRow {
  key: string;
  version: string;
  state: string;
  attempts: number;
  reason: string | null;
}

export interface LiveWorld {
  dir: string;
  configPath: string;
  sourceBucket: string;
  destinationBucket: string;
  /** sns mode: the customer's topic; sqs mode: undefined. */
  topicArn: string | undefined;
  /** sqs mode: the customer's queue and its dead-letter queue. */
  customerQueueUrl: string | undefined;
  customerDlqUrl: string | undefined;
  /** The vendor's queue name (sns mode). */
  vendorQueueName: string;
  s3: S3Client;
  /** The customer's SQS client (sqs mode checks). */
  customerSqs: SQSClient;
  /** The vendor's SQS client (sns mode checks and direct sends). */
  vendorSqs: SQSClient;
  logLines: string[];
  put(key: string, body: string | Buffer): Promise<void>;
  remove(key: string): Promise<void>;
  output(key: string): Promise<string | undefined>;
  listOutputs(): Promise<string[]>;
  ledger(): LedgerRow[];
  start(overrides?: Partial<StartLiveOptions>): Promise<LiveRun>;
  /** Starts `bucketbridge live` as a process with the vendor's keys. */
  spawnCli(args?: string[]): CliProcess;
  close(): void;
}

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  /** Resolves with the exit code (or null and the signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function createLiveWorld(sandbox: TestSandbox, options: LiveWorldOptions): Promise<LiveWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'bb-live-'));
  const region = options.region ?? sandbox.region;
  const customer = { ...sandbox.sdkConfig('customer'), region };
  const s3 = new S3Client(customer);
  const iam = new IAMClient(customer);
  const sns = new SNSClient(customer);
  const customerSqs = new SQSClient(customer);
  const vendorSqs = new SQSClient(sandbox.sdkConfig('vendor'));
  const sourceBucket = uniqueName('bb-live-src');
  const destinationBucket = uniqueName('bb-live-dst');
  await createBuckets(s3, [sourceBucket, destinationBucket], region);
  const keys = options.kms
    ? await encryptBucketsWithNewKeys(sandbox, s3, { source: sourceBucket, destination: destinationBucket })
    : undefined;
  const encrypted: Record<string, string> = keys ? { KmsMasterKeyId: keys.event } : {};
  const vendorId = sandbox.accounts.vendor.id;
  const customerId = sandbox.accounts.customer.id;
  const maxReceiveCount = options.maxReceiveCount ?? 2;

  let customerQueueUrl: string | undefined;
  let customerDlqUrl: string | undefined;
  if (options.mode === 'sqs') {
    const dlq = await customerSqs.send(new CreateQueueCommand({ QueueName: uniqueName('cust-dlq') }));
    customerDlqUrl = dlq.QueueUrl!;
    const dlqArn = await queueArn(customerSqs, customerDlqUrl);
    const queue = await customerSqs.send(
      new CreateQueueCommand({
        QueueName: uniqueName('cust-events'),
        Attributes: {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
          ...encrypted,
        },
      }),
    );
    customerQueueUrl = queue.QueueUrl!;
  }

  const vendorQueueName = uniqueName('bb-vendor-q');
  const roleName = uniqueName('BbLiveRole');
  const connectionInput = {
    name: 'acme',
    accountId: customerId,
    ...(options.region === undefined ? {} : { region: options.region }),
    assumeRoleFlag: true,
    assumeRoleArn: [`arn:aws:iam::${customerId}:role/${roleName}`],
    externalId: `ext-${uniqueName('id')}`,
    workflow: 'live',
    live: {
      mode: options.mode,
      ...(options.mode === 'sqs' ? { queueUrl: customerQueueUrl } : { queueName: vendorQueueName }),
      rawMessageDelivery: options.rawMessageDelivery ?? false,
      backfill: options.backfill ?? false,
      maxReceiveCount,
      ...(keys ? { kmsKeyArn: keys.event } : {}),
      visibilityTimeout: options.visibilityTimeout ?? '30s',
      concurrency: options.concurrency ?? 8,
    },
    onboarding: { roleName, topicName: uniqueName('BbTopic') },
    source: {
      bucket: sourceBucket,
      prefix: 'in/',
      ...(keys ? { kmsKeyArn: keys.source } : {}),
      ...options.source,
    },
    destination: {
      bucket: destinationBucket,
      prefix: 'out/',
      ...(keys ? { kmsKeyArn: keys.destination } : {}),
    },
    processor: options.processor ?? { type: 'copy' },
    concurrency: 8,
  };
  const configInput = {
    version: 2,
    vendor: { accountId: vendorId, principals: [`arn:aws:iam::${vendorId}:root`] },
    aws: { region: sandbox.region, endpoint: sandbox.endpoint, maxAttempts: 2 },
    ledger: options.ledger ?? 'sqlite:./state/ledger.db',
    connections: [connectionInput],
  };
  const config = parseConfig(configInput);
  const context = resolveOnboardingContext(config, config.connections[0] as Connection);

  await iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify(buildTrustPolicy(context)),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: roleName,
      PolicyName: 'bucketbridge',
      PolicyDocument: JSON.stringify(buildPermissionsPolicy(context)),
    }),
  );
  // A key policy may name the role only once it exists.
  if (keys) await grantKeyPolicies(sandbox, context);
  let topicArn: string | undefined;
  if (context.live?.mode === 'sns') {
    const created = await sns.send(
      new CreateTopicCommand({ Name: context.live.topicName, Attributes: encrypted }),
    );
    topicArn = created.TopicArn!;
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn: topicArn,
        AttributeName: 'Policy',
        AttributeValue: JSON.stringify(buildTopicPolicy({ ...context, live: context.live })),
      }),
    );
  } else if (context.live?.mode === 'sqs') {
    await customerSqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: customerQueueUrl,
        Attributes: { Policy: JSON.stringify(buildQueuePolicy({ ...context, live: context.live })) },
      }),
    );
  }
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: sourceBucket,
      NotificationConfiguration: buildBucketNotification(context) as never,
    }),
  );

  const configPath = join(dir, 'bucketbridge.yaml');
  writeFileSync(configPath, stringify(configInput));
  const vendorCredentials = sandbox.sdkConfig('vendor').credentials;
  const logLines: string[] = [];
  const running: LiveRun[] = [];
  const processes: ChildProcessWithoutNullStreams[] = [];

  const world: LiveWorld = {
    dir,
    configPath,
    sourceBucket,
    destinationBucket,
    topicArn,
    customerQueueUrl,
    customerDlqUrl,
    vendorQueueName,
    s3,
    customerSqs,
    vendorSqs,
    logLines,
    async put(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: sourceBucket, Key: key, Body: body }));
    },
    async remove(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: sourceBucket, Key: key }));
    },
    async output(key) {
      try {
        const response = await s3.send(new GetObjectCommand({ Bucket: destinationBucket, Key: key }));
        return await response.Body!.transformToString();
      } catch {
        // Missing, or a fault injected into this check: the caller polls again.
        return undefined;
      }
    },
    async listOutputs() {
      const keys: string[] = [];
      for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: destinationBucket })) {
        for (const item of page.Contents ?? []) keys.push(item.Key!);
      }
      return keys.sort();
    },
    ledger() {
      const db = new Database(join(dir, 'state', 'ledger.db'), { readonly: true, fileMustExist: true });
      try {
        return db
          .prepare('SELECT key, version, state, attempts, reason FROM objects ORDER BY key')
          .all() as LedgerRow[];
      } finally {
        db.close();
      }
    },
    async start(overrides = {}) {
      const run = await startLive({
        configPath,
        env: {},
        vendorCredentials: async () => vendorCredentials,
        logger: createLogger({
          level: 'debug',
          pretty: false,
          destination: { write: (line: string) => logLines.push(line) },
        }),
        statsIntervalMs: 0,
        retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 },
        consumer: { waitTimeSec: 1, failureBackoffSec: () => 0 },
        ...overrides,
      });
      running.push(run);
      return run;
    },
    spawnCli(args = []) {
      const cli = spawnVendorCli(sandbox, ['live', '--config', configPath, '--poll-wait', '1s', ...args]);
      processes.push(cli.child);
      return cli;
    },
    close() {
      for (const child of processes)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      void Promise.all(running.map((run) => run.stop(0))).finally(() => {
        for (const client of [s3, iam, sns, customerSqs, vendorSqs]) client.destroy();
        rmSync(dir, { recursive: true, force: true });
      });
    },
  };
  return world;
}

/** Starts the CLI as a process with the vendor's keys and the sandbox's endpoint, debug logs on stderr. */
export function spawnVendorCli(sandbox: TestSandbox, args: string[]): CliProcess {
  const env = sandbox.env('vendor');
  delete env.AWS_ENDPOINT_URL;
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', BUCKETBRIDGE_LOG_LEVEL: 'debug', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stderr: () => stderr, exited };
}

/** The JSON log lines (debug logs on stderr) of a CLI process with the given message. */
export function logsOf(cli: Pick<CliProcess, 'stderr'>, msg: string): Array<Record<string, unknown>> {
  return cli
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === msg);
}
