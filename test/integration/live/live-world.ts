/**
 * A customer account wired for the live workflow on the sandbox: source and destination buckets
 * (test/helpers/customer-setup.ts), for sqs mode the customer's own queue with its dead-letter
 * queue, then `onboard --apply` in-process, so the role, its policies, the topic (sns mode; the
 * vendor's queue is made by `live` itself) and the notification are exactly what onboarding makes.
 * Runs `live` in-process or as a CLI process. Shared by the live integration suites.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { stringify } from 'yaml';
import { type Connection, parseConfig } from '../../../src/config/resolved-config.js';
import { unquoteEtag } from '../../../src/core/source-object.js';
import type { LiveRun, StartLiveOptions } from '../../../src/live/run-live.js';
import { startLive } from '../../../src/live/run-live.js';
import { createLogger } from '../../../src/observe/logger.js';
import { applyOnboarding } from '../../../src/onboarding/apply/apply-onboarding.js';
import { resolveOnboardingContext } from '../../../src/onboarding/onboarding-context.js';
import { createLedger } from '../../../src/state/create-ledger.js';
import { encryptBucketsWithNewKeys } from '../../helpers/customer-keys.js';
import { adminClients, createBuckets, destroyAdminClients } from '../../helpers/customer-setup.js';
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
  reason: string | undefined;
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
  /**
   * The ledger's entries for what `put` uploaded, by key, read through the Ledger interface. Fails
   * when the ledger holds an entry for anything else, so a test sees every entry there is.
   */
  ledger(): Promise<LedgerRow[]>;
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

  // The customer onboarded as a real one is (`onboard --apply`): the role with the generated trust
  // and permissions policies, the bucket policies, the key policies (kms), the topic with its policy
  // (sns) or the customer queue's policy (sqs), and the bucket's notification.
  const admin = adminClients(sandbox, 'customer', region);
  await applyOnboarding(context, admin, { say: () => undefined });
  const topicArn = context.live?.mode === 'sns' ? context.live.topicArn : undefined;

  const configPath = join(dir, 'bucketbridge.yaml');
  /** Every upload of `put`: the ledger keys of what the world put in the source bucket. */
  const uploaded: Array<{ key: string; version: string }> = [];
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
      const { ETag } = await s3.send(new PutObjectCommand({ Bucket: sourceBucket, Key: key, Body: body }));
      uploaded.push({ key, version: unquoteEtag(ETag)! });
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
    async ledger() {
      const ledger = createLedger({ setting: configInput.ledger, configPath, readOnly: true });
      if (!ledger) throw new Error(`no ledger yet for ${configPath}`);
      const entries = async () => {
        const { claimed, done, failed } = await ledger.stats('acme');
        return claimed + done + failed;
      };
      try {
        // A run may claim while this reads: read again until the count stood still around the reads.
        for (let attempt = 0; attempt < 50; attempt++) {
          const before = await entries();
          const rows: LedgerRow[] = [];
          for (const { key, version } of uploaded) {
            const entry = await ledger.get({ connection: 'acme', bucket: sourceBucket, key, version });
            if (entry)
              rows.push({ key, version, state: entry.state, attempts: entry.attempts, reason: entry.reason });
          }
          if ((await entries()) !== before) continue;
          if (rows.length !== before) {
            throw new Error(`the ledger holds ${before} entries, ${rows.length} of them for uploads`);
          }
          return rows.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
        }
        throw new Error('the ledger kept changing while it was read');
      } finally {
        await ledger.close();
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
        for (const client of [s3, customerSqs, vendorSqs]) client.destroy();
        destroyAdminClients(admin);
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
