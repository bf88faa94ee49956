// Shared parts of the batch benchmarks: a sandbox in its own process, tools run under
// /usr/bin/time (wall time and peak resident memory), and the table of figures.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import pLimit from 'p-limit';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SANDBOX = join(ROOT, 'dist/sandbox/main.js');
export const BIN = join(ROOT, 'bin/bucketbridge');

/**
 * Starts the compiled sandbox and returns its endpoint and the customer's keys. `faults` is the
 * sandbox's `--faults` spec, e.g. `s3=latency=20ms` (closer to real S3 than a loopback's 0 ms);
 * `args` are more of the sandbox's flags (`--state DIR`).
 */
export async function startSandbox({ faults, args = [] } = {}) {
  const flags = faults ? [...args, '--faults', faults] : args;
  const child = spawn(process.execPath, [SANDBOX, ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sandbox not ready after 20 s')), 20_000);
    createInterface({ input: child.stdout }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const ready = JSON.parse(line);
  const customer = ready.accounts.find((a) => a.name === 'customer');
  const credentials = { accessKeyId: customer.accessKeyId, secretAccessKey: customer.secretAccessKey };
  return {
    endpoint: ready.endpoint,
    region: ready.region,
    accountId: customer.id,
    credentials,
    /** The sandbox process's id (its CPU time is in /proc/<pid>/stat). */
    pid: child.pid,
    client: (maxSockets = 64) =>
      new S3Client({
        endpoint: ready.endpoint,
        region: ready.region,
        forcePathStyle: true,
        credentials,
        requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets }) }),
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Creates the buckets `bench-src` and `bench-dst` and uploads `count` objects of `size` bytes to
 * `bench-src/in/000000.bin`...; logs how long the upload took. Resolves the client it used.
 */
export async function seedObjects(sandbox, count, size) {
  const s3 = sandbox.client();
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-src' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-dst' }));
  const body = Buffer.alloc(size, 'x');
  const limit = pLimit(64);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      limit(() =>
        s3.send(
          new PutObjectCommand({
            Bucket: 'bench-src',
            Key: `in/${String(i).padStart(6, '0')}.bin`,
            Body: body,
          }),
        ),
      ),
    ),
  );
  console.log(
    `uploaded ${count} objects of ${size} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return s3;
}

/** Environment for the AWS CLI, rclone and bucketbridge: the customer's keys, nothing from the machine. */
export function toolEnv(sandbox, concurrency) {
  const dir = mkdtempSync(join(tmpdir(), 'bb-bench-'));
  const awsConfig = join(dir, 'aws-config');
  writeFileSync(
    awsConfig,
    `[default]\nregion = ${sandbox.region}\ns3 =\n  max_concurrent_requests = ${concurrency}\n  multipart_chunksize = 8MB\n`,
  );
  writeFileSync(join(dir, 'aws-credentials'), '');
  return {
    dir,
    // Only what the tools need: a CA bundle or proxy setting of this machine must not leak in.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LANG: 'C.UTF-8',
      AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey,
      AWS_DEFAULT_REGION: sandbox.region,
      AWS_REGION: sandbox.region,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: awsConfig,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
      AWS_PAGER: '',
      RCLONE_CONFIG: join(dir, 'rclone.conf'),
      RCLONE_CONFIG_SB_TYPE: 's3',
      RCLONE_CONFIG_SB_PROVIDER: 'Other',
      RCLONE_CONFIG_SB_ACCESS_KEY_ID: sandbox.credentials.accessKeyId,
      RCLONE_CONFIG_SB_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey,
      RCLONE_CONFIG_SB_ENDPOINT: sandbox.endpoint,
      RCLONE_CONFIG_SB_REGION: sandbox.region,
      RCLONE_CONFIG_SB_FORCE_PATH_STYLE: 'true',
      BUCKETBRIDGE_LOG_LEVEL: 'warn',
    },
  };
}

/**
 * A bucketbridge configuration for one connection with the customer's own keys (no role); the
 * ledger is a SQLite file beside it unless `ledger` says otherwise.
 */
export function writeConfig(dir, sandbox, { source, destination, processor, concurrency, ledger }) {
  const path = join(dir, `bucketbridge-${destination.prefix.replace(/\W/g, '')}.yaml`);
  writeFileSync(
    path,
    JSON.stringify({
      version: 2,
      vendor: { accountId: '111111111111', principals: ['arn:aws:iam::111111111111:root'] },
      aws: { region: sandbox.region, endpoint: sandbox.endpoint },
      ledger: ledger ?? `sqlite:./ledger-${destination.prefix.replace(/\W/g, '')}.db`,
      connections: [
        { name: 'bench', accountId: sandbox.accountId, source, destination, processor, concurrency },
      ],
    }),
  );
  return path;
}

/**
 * Runs a command under /usr/bin/time; resolves wall seconds, peak RSS (MiB) and the CPU seconds
 * (user + system, of the process and the children it waited for) the OS charged it: CPU time is
 * robust to other load on the machine, wall time is not. Throws on failure.
 */
/** The AWS CLI v2 copying the source prefix to `awscli/`: the peer every batch bench compares. */
export function awsCliCopyRun(sandbox, label = 'aws s3 cp (v2)') {
  return [
    'awscli',
    label,
    '/usr/bin/aws',
    [
      's3',
      'cp',
      '--recursive',
      '--only-show-errors',
      '--endpoint-url',
      sandbox.endpoint,
      's3://bench-src/in/',
      's3://bench-dst/awscli/',
    ],
  ];
}

/** The minimal SDK script every batch bench compares against (list, then GET+PUT or CopyObject). */
export const SDK_FLOOR = join(ROOT, 'bench/batch-sdk-floor.mjs');

/** `SDK_FLOOR`'s arguments: the source prefix to `prefix`, then its mode (`copy`, `gzip LEVEL`). */
export function sdkFloorArgs(sandbox, prefix, concurrency, ...mode) {
  return [
    sandbox.endpoint,
    sandbox.region,
    'bench-src',
    'in/',
    'bench-dst',
    prefix,
    String(concurrency),
    ...mode,
  ];
}

export function timed(label, command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'BENCH_TIME %e %M %U %S', command, ...args], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => {
      const match = /BENCH_TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || !match) {
        reject(new Error(`${label} failed (exit ${code}):\n${stderr.slice(-2000)}`));
        return;
      }
      resolve({
        label,
        seconds: Number(match[1]),
        peakMiB: Number(match[2]) / 1024,
        cpuSeconds: Number(match[3]) + Number(match[4]),
      });
    });
  });
}

/**
 * Prints wall seconds, objects/s, MB/s, client CPU seconds (user+sys), CPU per object, peak RSS,
 * and each tool's objects/s and CPU per object relative to the reference (rclone by default).
 */
export function printTable(title, results, { objects, bytes, reference = 'rclone copy' }) {
  const ref = results.find((r) => r.label.startsWith(reference));
  console.log(`\n${title}: ${objects} object(s), ${(bytes / 1e6).toFixed(1)} MB`);
  console.log(
    'tool                        wall s  objects/s     MB/s  CPU s  CPU ms/obj  peak MiB  obj/s vs ref  CPU/obj vs ref',
  );
  for (const r of results) {
    const rate = objects / r.seconds;
    const cpuPerObjectMs = (r.cpuSeconds * 1000) / objects;
    const rateRatio = ref ? `${(rate / (objects / ref.seconds)).toFixed(2)}x` : '-';
    const cpuRatio = ref ? `${(r.cpuSeconds / ref.cpuSeconds).toFixed(2)}x` : '-';
    console.log(
      `${r.label.padEnd(26)} ${r.seconds.toFixed(2).padStart(7)} ${rate.toFixed(1).padStart(10)} ` +
        `${(bytes / 1e6 / r.seconds).toFixed(1).padStart(8)} ${r.cpuSeconds.toFixed(2).padStart(6)} ` +
        `${cpuPerObjectMs.toFixed(2).padStart(11)} ${r.peakMiB.toFixed(0).padStart(9)} ` +
        `${rateRatio.padStart(13)} ${cpuRatio.padStart(15)}`,
    );
  }
  if (ref) console.log(`(ratios are to ${ref.label}, measured in this same run)`);
}
