/**
 * `bucketbridge demo`: the whole story on the sandbox, told as a customer and a vendor live it.
 * The customer creates two buckets and uploads files; bucketbridge generates and applies the
 * least-privilege roles and bucket policies with the customer's administrator credentials; then,
 * with the vendor's own credentials only, it verifies each connection and runs a batch per
 * built-in processor through the role. Every step is the real CLI run as its own process, so
 * the demo exercises exactly what a user runs.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createClient } from '../aws/client-factory.js';
import { sleepMs } from '../core/retry.js';
import { WorkFailedError } from '../errors/index.js';
import {
  buildDemoConfig,
  DEMO_DESTINATION_BUCKET,
  DEMO_SOURCE_BUCKET,
  type DemoConnectionPlan,
} from './demo-config.js';
import { hasFfmpeg, liveSamples, type SampleObject, textSamples, videoSample } from './sample-data.js';
import { type SandboxAccountKeys, type SandboxChild, startSandboxChild } from './sandbox-child.js';

/** dist/src/demo/ → bin/bucketbridge */
const BIN = fileURLToPath(new URL('../../../bin/bucketbridge', import.meta.url));

/** What the demo says when ffmpeg is missing: what is skipped, and how to get it. */
export const NO_FFMPEG =
  "ffmpeg not found: no video step; to see it, install Debian's ffmpeg package (`sudo apt-get install ffmpeg`) and run the demo again";

export interface DemoOptions {
  /** Keep the configuration, ledger, onboarding files and sandbox state in this folder. */
  keepDir?: string;
  /** Receives the narrative. Default: stderr. */
  say?: (line: string) => void;
}

export interface DemoSummary {
  endpoint: string;
  workDir: string | undefined;
  connections: ({
    name: string;
    story: string;
    outputs: string;
    verify: 'passed' | 'failed';
  } & DemoCounts)[];
}

/** What a connection did in the demo. */
interface DemoCounts {
  processed: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
}

/** The part of `verify --json` the demo reads. */
interface VerifyDocument {
  connections: { name: string; checks: { id: string; status: string; detail: string }[] }[];
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** The environment of a process acting as one sandbox account, with no stray profile or metadata lookups. */
function envAs(account: SandboxAccountKeys, workDir: string, region: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'])
    delete env[name];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: account.accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.secretAccessKey,
    AWS_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(workDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'no-aws-credentials'),
    BUCKETBRIDGE_LOG_LEVEL: process.env.BUCKETBRIDGE_LOG_LEVEL ?? 'warn',
  };
}

async function uploadSamples(s3: S3Client, samples: SampleObject[]): Promise<void> {
  for (const sample of samples) {
    await s3.send(
      new PutObjectCommand({
        Bucket: DEMO_SOURCE_BUCKET,
        Key: sample.key,
        Body: sample.body,
        ContentType: sample.contentType,
      }),
    );
  }
}

interface ListedOutput {
  key: string;
  sizeBytes: number;
}

const describeOutput = (o: ListedOutput) => `${o.key} (${o.sizeBytes} B)`;

async function listOutputs(s3: S3Client, prefix: string): Promise<ListedOutput[]> {
  const keys: ListedOutput[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: DEMO_DESTINATION_BUCKET, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      // verify's write probes are for the customer to spot, not outputs.
      if (object.Key?.includes('.bucketbridge-verify/')) continue;
      keys.push({ key: object.Key ?? '', sizeBytes: object.Size ?? 0 });
    }
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

function failStep(step: string, run: CliRun): never {
  throw new WorkFailedError(`demo step failed: ${step} (exit ${run.code})\n${run.stderr.trim()}`);
}

/**
 * Runs `bucketbridge live` for one connection, uploads files once it is following its queue, waits
 * (bounded) until their outputs appear, then stops it with SIGTERM as an operator would.
 */
async function followLive(args: {
  configPath: string;
  connection: string;
  env: NodeJS.ProcessEnv;
  upload: () => Promise<void>;
  outputs: () => Promise<ListedOutput[]>;
  expected: number;
  say: (line: string) => void;
}): Promise<{ outputs: ListedOutput[]; seconds: number }> {
  const child = spawn(
    process.execPath,
    [BIN, 'live', '--config', args.configPath, '--connection', args.connection],
    {
      env: { ...args.env, BUCKETBRIDGE_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('close', (code) => resolveExit(code)),
  );
  try {
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error('live did not start within 60 s')), 60_000);
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('live: running')) {
          clearTimeout(timer);
          resolveReady();
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`live exited with code ${code}`));
      });
    });
    args.say(`   following the queue; the customer uploads ${args.expected} files`);
    const started = Date.now();
    await args.upload();
    let outputs: ListedOutput[] = [];
    while (Date.now() - started < 60_000) {
      outputs = await args.outputs();
      if (outputs.length >= args.expected) break;
      await sleepMs(250);
    }
    const seconds = (Date.now() - started) / 1000;
    args.say(`   ${outputs.length} of ${args.expected} outputs appeared within ${seconds.toFixed(1)} s:`);
    for (const output of outputs) args.say(`       ${describeOutput(output)}`);
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0)
      throw new WorkFailedError(`live did not stop cleanly (exit ${code})\n${stderr.slice(-2000)}`);
    args.say('   SIGTERM: live stopped receiving, finished its work and exited 0');
    return { outputs, seconds };
  } catch (error) {
    child.kill('SIGKILL');
    if (error instanceof WorkFailedError) throw error;
    throw new WorkFailedError(
      `demo step failed: live ${args.connection}: ${(error as Error).message}\n${stderr.slice(-2000)}`,
    );
  }
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = Date.now();
  const workDir = options.keepDir
    ? resolve(options.keepDir)
    : await mkdtemp(join(tmpdir(), 'bucketbridge-demo-'));
  let sandbox: SandboxChild | undefined;
  try {
    say('1. Starting the sandbox (a local, policy-enforcing stand-in for S3, STS, IAM, SNS and SQS)');
    sandbox = await startSandboxChild(options.keepDir ? { stateDir: join(workDir, 'sandbox-state') } : {});
    const vendor = sandbox.account('vendor');
    const customer = sandbox.account('customer');
    say(`   ${sandbox.endpoint}  vendor ${vendor.id}, customer ${customer.id}`);

    say(
      `2. The customer creates s3://${DEMO_SOURCE_BUCKET} and s3://${DEMO_DESTINATION_BUCKET} and uploads files`,
    );
    const customerS3 = createClient(S3Client, {
      settings: { region: sandbox.region, endpoint: sandbox.endpoint, maxAttempts: 3 },
      credentials: { accessKeyId: customer.accessKeyId, secretAccessKey: customer.secretAccessKey },
    });
    for (const bucket of [DEMO_SOURCE_BUCKET, DEMO_DESTINATION_BUCKET]) {
      await customerS3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
        if (error.name !== 'BucketAlreadyOwnedByYou') throw error;
      });
    }
    const withVideo = await hasFfmpeg();
    const samples = textSamples();
    if (withVideo) samples.push(await videoSample(workDir));
    await uploadSamples(customerS3, samples);
    say(`   ${samples.length} objects${withVideo ? ', a test video among them' : ` (${NO_FFMPEG})`}`);

    const config = buildDemoConfig({
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      vendorAccountId: vendor.id,
      customerAccountId: customer.id,
      ledgerPath: join(workDir, 'ledger.db'),
      withVideo,
    });
    const configPath = join(workDir, 'bucketbridge.yaml');
    await writeFile(configPath, config.yaml);
    const customerEnv = envAs(customer, workDir, sandbox.region);
    const vendorEnv = envAs(vendor, workDir, sandbox.region);

    say(
      '3. Onboarding: bucketbridge generates each role, its trust (external ID required) and least-privilege',
    );
    say('   policy, and applies them with the customer administrator credentials, merging bucket policies');
    for (const connection of config.connections) {
      const out = join(workDir, 'onboarding', connection.name);
      const run = await runCli(
        ['onboard', '--config', configPath, '--connection', connection.name, '--out', out, '--apply'],
        customerEnv,
      );
      if (run.code !== 0) failStep(`onboard --apply ${connection.name}`, run);
    }
    say(
      `   ${config.connections.length} roles applied; files for the customer in ${join(workDir, 'onboarding')}`,
    );

    const summary: DemoSummary = {
      endpoint: sandbox.endpoint,
      workDir: options.keepDir ? workDir : undefined,
      connections: [],
    };
    say('4. The vendor, with its own credentials only, verifies every connection: the role is assumed with');
    say('   the external ID and refused without it, the buckets are listed, read and written');
    const verify = await runCli(['verify', '--config', configPath, '--json'], vendorEnv);
    if (verify.code !== 0 && verify.code !== 1) failStep('verify', verify);
    const verified = JSON.parse(verify.stdout) as VerifyDocument;
    /** Adds a connection's line to the summary: where its outputs are, its verify result, its counts. */
    const summarise = (connection: DemoConnectionPlan, counts: DemoCounts): void => {
      const checks = verified.connections.find((c) => c.name === connection.name)?.checks ?? [];
      summary.connections.push({
        name: connection.name,
        story: connection.story,
        outputs: `s3://${DEMO_DESTINATION_BUCKET}/${connection.outputPrefix}`,
        verify: checks.length > 0 && checks.every((c) => c.status !== 'fail') ? 'passed' : 'failed',
        ...counts,
      });
    };
    for (const report of verified.connections) {
      const failed = report.checks.filter((c) => c.status === 'fail');
      const passed = report.checks.filter((c) => c.status === 'pass').length;
      say(
        `   ${report.name}: ${passed} checks passed` +
          (failed.length > 0 ? `; FAILED ${failed.map((c) => `${c.id}: ${c.detail}`).join('; ')}` : ''),
      );
    }

    say('5. The vendor runs a batch per connection through its role');
    for (const connection of config.connections.filter((c) => c.workflow === 'batch')) {
      const batch = await runCli(
        ['batch', '--config', configPath, '--connection', connection.name, '--json'],
        vendorEnv,
      );
      if (batch.code !== 0 && batch.code !== 1) failStep(`batch ${connection.name}`, batch);
      const { processed, failed, bytesIn, bytesOut } = JSON.parse(batch.stdout) as DemoCounts;
      const report = { processed, failed, bytesIn, bytesOut };
      const outputs = await listOutputs(customerS3, connection.outputPrefix);
      summarise(connection, report);
      say(
        `   ${connection.name}: ${connection.story}\n` +
          `     ${report.processed} processed, ${report.failed} failed, ${report.bytesIn} B in, ` +
          `${report.bytesOut} B out → s3://${DEMO_DESTINATION_BUCKET}/${connection.outputPrefix}`,
      );
      for (const output of outputs.slice(0, 3)) say(`       ${describeOutput(output)}`);
      if (outputs.length > 3) say(`       … and ${outputs.length - 3} more`);
    }
    for (const connection of config.connections.filter((c) => c.workflow === 'live')) {
      const uploads = liveSamples(connection.sourcePrefix);
      say(`6. Live: the vendor follows ${connection.name} (${connection.story})`);
      const live = await followLive({
        configPath,
        connection: connection.name,
        env: vendorEnv,
        upload: () => uploadSamples(customerS3, uploads),
        outputs: () => listOutputs(customerS3, connection.outputPrefix),
        expected: uploads.length,
        say,
      });
      summarise(connection, {
        processed: live.outputs.length,
        failed: Math.max(0, uploads.length - live.outputs.length),
        bytesIn: uploads.reduce((sum, u) => sum + u.body.length, 0),
        bytesOut: live.outputs.reduce((sum, o) => sum + o.sizeBytes, 0),
      });
    }
    say(`7. Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    say(
      options.keepDir
        ? `   Everything is kept in ${workDir} (config, ledger, onboarding files, sandbox state).`
        : '   Nothing was left behind; run with --keep DIR to keep the configuration, ledger and sandbox state.',
    );
    const failures = summary.connections.filter((c) => c.failed > 0 || c.verify === 'failed');
    if (failures.length > 0) {
      throw new WorkFailedError(
        `the demo finished with problems in ${failures.map((c) => c.name).join(', ')}`,
      );
    }
    return summary;
  } finally {
    await sandbox?.stop();
    if (!options.keepDir) await rm(workDir, { recursive: true, force: true });
  }
}
