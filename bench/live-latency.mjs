// The live workflow on the sandbox (run by hand after `npm run build`: node bench/live-latency.mjs):
// (a) latency from PutObject to output written, p50/p99 over 1,000 events uploaded at 50/s;
// (b) messages per second and client CPU per message, draining a backlog of queued events with
//     each `live.concurrency`; with `--already-done` the same backlog is drained a second time
//     (its objects are done in the ledger, so each message costs a HEAD and a ledger lookup).
// The customer's own queue (sqs mode) and keys are used so that the figures are the queue and
// pipeline overhead, not STS. Options:
//   --backlog N          events in the backlog (default 5000)
//   --concurrency 1,8,32 live.concurrency values for (b) (default 32)
//   --faults SPEC        the sandbox's --faults (default 's3=latency=20ms;sqs=latency=20ms'; '' for none)
//   --skip-latency       run (b) only
//   --already-done       also drain the backlog again once its objects are done
//   --cpu-prof DIR       write a CPU profile of each drain (only the drain) into DIR
// CPU is this process's user+system time during the drain (the sandbox is another process), so
// it is the live worker's CPU: the bench does nothing else meanwhile.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import { stringify } from 'yaml';
import { ROOT, startSandbox } from './batch-bench-lib.mjs';

const { startLive } = await import(join(ROOT, 'dist/src/live/run-live.js'));
const { createLogger } = await import(join(ROOT, 'dist/src/observe/logger.js'));

const { values: args } = parseArgs({
  options: {
    backlog: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    faults: { type: 'string', default: 's3=latency=20ms;sqs=latency=20ms' },
    'skip-latency': { type: 'boolean', default: false },
    'already-done': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
const LATENCY_EVENTS = 1000;
const BACKLOG = Number(args.backlog);
const CONCURRENCIES = args.concurrency.split(',').map(Number);
const sandbox = await startSandbox(args.faults ? { faults: args.faults } : {});
console.log(`sandbox faults: ${args.faults || 'none'}`);
const s3 = sandbox.client(64);
const sqs = new SQSClient({
  endpoint: sandbox.endpoint,
  region: sandbox.region,
  credentials: sandbox.credentials,
});
const suffix = Date.now().toString(36);
const source = `bench-live-src-${suffix}`;
const destination = `bench-live-dst-${suffix}`;

try {
  await s3.send(new CreateBucketCommand({ Bucket: source }));
  await s3.send(new CreateBucketCommand({ Bucket: destination }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-live-${suffix}` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: Attributes.QueueArn,
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${source}` } },
      },
    ],
  };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: source,
      NotificationConfiguration: {
        QueueConfigurations: [{ QueueArn: Attributes.QueueArn, Events: ['s3:ObjectCreated:*'] }],
      },
    }),
  );

  const dir = mkdtempSync(join(tmpdir(), 'bb-bench-live-'));
  const configFor = (concurrency) => {
    const path = join(dir, `live-${concurrency}.yaml`);
    writeFileSync(
      path,
      stringify({
        version: 2,
        vendor: { accountId: '111111111111', principals: ['arn:aws:iam::111111111111:root'] },
        aws: { region: sandbox.region, endpoint: sandbox.endpoint },
        ledger: 'sqlite:./ledger.db',
        connections: [
          {
            name: 'bench',
            accountId: sandbox.accountId,
            workflow: 'live',
            live: { mode: 'sqs', queueUrl: QueueUrl, concurrency },
            source: { bucket: source },
            destination: { bucket: destination, prefix: 'out/' },
            processor: { type: 'copy' },
          },
        ],
      }),
    );
    return path;
  };
  const logger = createLogger({ level: 'silent', pretty: false });
  const vendorCredentials = async () => sandbox.credentials;
  const body = Buffer.alloc(4096, 'x');

  if (!args['skip-latency']) await measureLatency();
  async function measureLatency() {
    // (a) latency: each upload's start → its `processed` outcome (output durable, ledger written).
    const putAt = new Map();
    const latenciesMs = [];
    let done;
    const allDone = new Promise((resolve) => {
      done = resolve;
    });
    const run = await startLive({
      configPath: configFor(32),
      logger,
      vendorCredentials,
      env: {},
      statsIntervalMs: 0,
      onOutcome: (outcome) => {
        const started = putAt.get(outcome.object.key);
        if (outcome.status === 'processed' && started !== undefined) {
          latenciesMs.push(performance.now() - started);
          if (latenciesMs.length === LATENCY_EVENTS) done();
        }
      },
    });
    // A steady 50 uploads/s, well below what the worker drains, so the figure is latency rather
    // than the age of a backlog.
    const RATE_PER_SEC = 50;
    const uploads = [];
    const firstAt = performance.now();
    for (let i = 0; i < LATENCY_EVENTS; i++) {
      const due = firstAt + (i * 1000) / RATE_PER_SEC;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const key = `latency/${String(i).padStart(4, '0')}.bin`;
      putAt.set(key, performance.now());
      uploads.push(s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: body })));
    }
    await Promise.all(uploads);
    await allDone;
    await run.stop(30_000);
    latenciesMs.sort((a, b) => a - b);
    const pct = (p) =>
      latenciesMs[Math.min(latenciesMs.length - 1, Math.floor((p / 100) * latenciesMs.length))];
    console.log(`live latency, PutObject → output written, ${LATENCY_EVENTS} events of 4 KiB, 50 uploads/s:`);
    console.log(
      `  p50 ${pct(50).toFixed(1)} ms   p99 ${pct(99).toFixed(1)} ms   max ${latenciesMs.at(-1).toFixed(1)} ms`,
    );
  }

  // (b) throughput: a backlog of events drained with each concurrency.
  const limit = pLimit(64);
  /** Starts a live run and resolves when `count` messages' objects have an outcome of `status`. */
  const drain = async (concurrency, count, status) => {
    let seen = 0;
    let pipelineSec = 0;
    let finish;
    const finished = new Promise((resolve) => {
      finish = resolve;
    });
    const profiler = args['cpu-prof'] ? await startProfiler() : undefined;
    const cpuBefore = process.cpuUsage();
    const sandboxCpuBefore = sandboxCpuMs();
    const startedAt = performance.now();
    const rateRun = await startLive({
      configPath: configFor(concurrency),
      logger,
      vendorCredentials,
      env: {},
      statsIntervalMs: 0,
      onOutcome: (outcome, durationSec) => {
        pipelineSec += durationSec;
        if (outcome.status === status && ++seen === count) finish();
      },
    });
    await finished;
    const seconds = (performance.now() - startedAt) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const sandboxMsPerMessage = (sandboxCpuMs() - sandboxCpuBefore) / count;
    await rateRun.stop(30_000);
    await profiler?.stop(join(args['cpu-prof'], `drain-${concurrency}-${status}.cpuprofile`));
    const cpuMsPerMessage = (cpu.user + cpu.system) / 1000 / count;
    const pipelineMs = (pipelineSec * 1000) / count;
    return { seconds, rate: count / seconds, cpuMsPerMessage, sandboxMsPerMessage, pipelineMs };
  };
  /** The sandbox's user+system CPU so far, in milliseconds (Linux /proc; clock ticks of 10 ms). */
  const sandboxCpuMs = () => {
    const fields = readFileSync(`/proc/${sandbox.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const line = (label, r) =>
    console.log(
      `  ${label}: ${r.rate.toFixed(1).padStart(7)} messages/s  ${r.seconds.toFixed(2).padStart(6)} s  ` +
        `client CPU ${r.cpuMsPerMessage.toFixed(3)} ms/message  ` +
        `(sandbox ${r.sandboxMsPerMessage.toFixed(3)})  ${r.pipelineMs.toFixed(1)} ms in the pipeline per object`,
    );
  console.log(`\nlive throughput, draining a backlog of ${BACKLOG} events (4 KiB objects, copy processor):`);
  for (const concurrency of CONCURRENCIES) {
    const seedStarted = performance.now();
    await Promise.all(
      Array.from({ length: BACKLOG }, (_, i) =>
        limit(() =>
          s3.send(new PutObjectCommand({ Bucket: source, Key: `rate-${concurrency}/${i}.bin`, Body: body })),
        ),
      ),
    );
    const seedSec = (performance.now() - seedStarted) / 1000;
    console.log(`  (queued ${BACKLOG} events in ${seedSec.toFixed(1)} s)`);
    line(
      `concurrency ${String(concurrency).padStart(2)}, copied      `,
      await drain(concurrency, BACKLOG, 'processed'),
    );
    if (args['already-done']) {
      // The same events again: each object is done in the ledger, so nothing is copied.
      const sent = await sendAgain(`rate-${concurrency}/`);
      line(
        `concurrency ${String(concurrency).padStart(2)}, already done`,
        await drain(concurrency, sent, 'skipped'),
      );
    }
  }

  /** Queues a fresh ObjectCreated event for every object under `prefix`, by copying each onto itself. */
  async function sendAgain(prefix) {
    const keys = Array.from({ length: BACKLOG }, (_, i) => `${prefix}${i}.bin`);
    await Promise.all(
      keys.map((key) =>
        limit(() =>
          s3.send(
            new CopyObjectCommand({
              Bucket: source,
              Key: key,
              CopySource: `${source}/${key}`,
              MetadataDirective: 'REPLACE',
              Metadata: { again: '1' },
            }),
          ),
        ),
      ),
    );
    return keys.length;
  }
} finally {
  sqs.destroy();
  s3.destroy();
  await sandbox.stop();
}

/** Profiles this process with the inspector until `stop(path)`, which writes the .cpuprofile. */
async function startProfiler() {
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(path) {
      const { profile } = await post('Profiler.stop');
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
