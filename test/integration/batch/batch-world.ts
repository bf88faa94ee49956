/**
 * A customer onboarded on the sandbox (test/helpers/customer-setup.ts: a source and a destination
 * bucket, the generated role the vendor assumes with an external ID, the bucket policies), a
 * configuration file for its one connection, and ways to run the batch in-process or through the
 * CLI. Shared by the batch integration suites.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { stringify } from 'yaml';
import type { BatchJobOptions } from '../../../src/batch/batch-job.js';
import { runBatchJob } from '../../../src/batch/batch-job.js';
import type { BatchReport } from '../../../src/batch/batch-report.js';
import { createLedger } from '../../../src/state/create-ledger.js';
import { destroyAdminClients, onboardOnSandbox } from '../../helpers/customer-setup.js';
import { type CliResult, type RunCliOptions, runCli } from '../../helpers/run-cli.js';
import type { TestSandbox } from '../../helpers/sandbox.js';

export interface WorldOptions {
  processor?: Record<string, unknown>;
  sourcePrefix?: string;
  destinationPrefix?: string;
  keyTemplate?: string;
  /** Source keys the role may not read (an explicit Deny on s3:GetObject). */
  deniedKeys?: string[];
  concurrency?: number;
  /** The configuration's `ledger`. Default: a SQLite file in the world's folder (`ledgerPath`). */
  ledger?: string;
  /** More `source` settings of the connection (filters such as `ignoreOlderThan`). */
  source?: Record<string, unknown>;
  /** The destination has S3 Object Lock with a default retention (every upload needs a checksum). */
  objectLockDestination?: boolean;
  /**
   * The customer also grants what the generated policy leaves out by design: listing and aborting
   * the destination's incomplete multipart uploads, so a re-run can clean up after a crashed one.
   */
  grantUploadCleanup?: boolean;
}

export interface BatchWorld {
  dir: string;
  configPath: string;
  ledgerPath: string;
  sourceBucket: string;
  destinationBucket: string;
  /** The customer's own client (root keys), for setting up and checking. */
  s3: S3Client;
  put(key: string, body: string | Buffer, contentType?: string): Promise<void>;
  get(bucket: string, key: string): Promise<{ body: Buffer; response: GetObjectCommandOutput }>;
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  incompleteUploads(bucket: string): Promise<number>;
  /** Rows of the ledger by state (states without rows left out), read through the Ledger interface. */
  ledgerCounts(): Promise<Record<string, number>>;
  run(options?: Partial<BatchJobOptions>): Promise<BatchReport>;
  /** Runs `bucketbridge batch` as a separate process with the vendor's keys in its environment. */
  cli(args: string[], options?: Pick<RunCliOptions, 'timeoutMs' | 'onSpawn'>): Promise<CliResult>;
  /** Environment a CLI process needs (vendor keys, no AWS config files). */
  cliEnv(): Record<string, string>;
  close(): void;
}

export async function createBatchWorld(
  sandbox: TestSandbox,
  options: WorldOptions = {},
): Promise<BatchWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'bb-batch-'));
  const s3 = new S3Client(sandbox.sdkConfig('customer'));
  // The customer onboarded as a real one is: the role, its inline policy and the bucket policies
  // that `onboard --apply` generates, so the batch runs with exactly the access it asks for.
  const setup = await onboardOnSandbox(sandbox, {
    sampleKey: null,
    source: { prefix: options.sourcePrefix ?? 'in/', ...options.source },
    destination: {
      prefix: options.destinationPrefix ?? 'out/',
      ...(options.keyTemplate ? { keyTemplate: options.keyTemplate } : {}),
    },
    connection: { processor: options.processor ?? { type: 'copy' }, concurrency: options.concurrency ?? 8 },
    ...(options.objectLockDestination ? { objectLockDestination: true } : {}),
  });
  const { iam } = setup.clients;
  const sourceBucket = setup.connection.source.bucket;
  const destinationBucket = setup.connection.destination.bucket;
  const addRolePolicy = (name: string, statement: Record<string, unknown>) =>
    iam.send(
      new PutRolePolicyCommand({
        RoleName: setup.context.roleName,
        PolicyName: name,
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
      }),
    );
  if (options.deniedKeys && options.deniedKeys.length > 0) {
    await addRolePolicy('deny-keys', {
      Effect: 'Deny',
      Action: 's3:GetObject',
      Resource: options.deniedKeys.map((key) => `arn:aws:s3:::${sourceBucket}/${key}`),
    });
  }
  if (options.grantUploadCleanup) {
    await addRolePolicy('upload-cleanup', {
      Effect: 'Allow',
      Action: ['s3:ListBucketMultipartUploads', 's3:AbortMultipartUpload'],
      Resource: [`arn:aws:s3:::${destinationBucket}`, `arn:aws:s3:::${destinationBucket}/*`],
    });
  }
  const configPath = join(dir, 'bucketbridge.yaml');
  const ledgerPath = join(dir, 'state', 'ledger.db');
  const config = {
    ...setup.configInput,
    // Two attempts per request, so one injected fault is absorbed by the SDK as in production.
    aws: { region: sandbox.region, endpoint: sandbox.endpoint, maxAttempts: 2 },
    ledger: options.ledger ?? 'sqlite:./state/ledger.db',
  };
  writeFileSync(configPath, stringify(config));
  const vendor = sandbox.sdkConfig('vendor').credentials;

  const world: BatchWorld = {
    dir,
    configPath,
    ledgerPath,
    sourceBucket,
    destinationBucket,
    s3,
    async put(key, body, contentType) {
      await s3.send(
        new PutObjectCommand({ Bucket: sourceBucket, Key: key, Body: body, ContentType: contentType }),
      );
    },
    async get(bucket, key) {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = Buffer.from(await response.Body!.transformToByteArray());
      return { body, response };
    },
    async listKeys(bucket, prefix) {
      const keys: string[] = [];
      for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
        for (const item of page.Contents ?? []) keys.push(item.Key!);
      }
      return keys;
    },
    async incompleteUploads(bucket) {
      const result = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      return result.Uploads?.length ?? 0;
    },
    async ledgerCounts() {
      const ledger = createLedger({ setting: config.ledger, configPath, readOnly: true });
      if (!ledger) throw new Error(`no ledger at ${ledgerPath}`);
      try {
        const { claimed, done, failed } = await ledger.stats('acme');
        return Object.fromEntries(Object.entries({ claimed, done, failed }).filter(([, rows]) => rows > 0));
      } finally {
        await ledger.close();
      }
    },
    run(overrides = {}) {
      return runBatchJob({
        configPath,
        connectionName: 'acme',
        vendorCredentials: async () => vendor,
        env: {},
        retry: { baseDelayMs: 5, maxDelayMs: 50 },
        ...overrides,
      });
    },
    cli(args, cliOptions = {}) {
      return runCli(['batch', '--config', configPath, '--connection', 'acme', ...args], {
        env: world.cliEnv(),
        timeoutMs: cliOptions.timeoutMs ?? 120_000,
        ...(cliOptions.onSpawn ? { onSpawn: cliOptions.onSpawn } : {}),
      });
    },
    cliEnv() {
      const env = sandbox.env('vendor');
      // The configuration names the endpoint; the CLI must not pick it up from anywhere else.
      delete env.AWS_ENDPOINT_URL;
      return env;
    },
    close() {
      s3.destroy();
      destroyAdminClients(setup.clients);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
