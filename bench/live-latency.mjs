// The live workflow on the sandbox (run by hand after `npm run build`: node bench/live-latency.mjs):
// (a) latency from PutObject to output written, p50/p99 over 1,000 events uploaded at 50/s;
// (b) messages per second with `live.concurrency` 1, 8 and 32, draining a backlog of events.
// The customer's own queue (sqs mode) and keys are used so that the figures are the queue and
// pipeline overhead, not STS.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
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

const LATENCY_EVENTS = 1000;
const BACKLOG = 400;
const sandbox = await startSandbox();
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

  // (b) throughput: a backlog of events drained with each concurrency.
  const limit = pLimit(10);
  console.log(`\nlive throughput, draining a backlog of ${BACKLOG} events (4 KiB objects, copy processor):`);
  for (const concurrency of [1, 8, 32]) {
    await Promise.all(
      Array.from({ length: BACKLOG }, (_, i) =>
        limit(() =>
          s3.send(new PutObjectCommand({ Bucket: source, Key: `rate-${concurrency}/${i}.bin`, Body: body })),
        ),
      ),
    );
    let processed = 0;
    let finish;
    const finished = new Promise((resolve) => {
      finish = resolve;
    });
    const startedAt = performance.now();
    const rateRun = await startLive({
      configPath: configFor(concurrency),
      logger,
      vendorCredentials,
      env: {},
      statsIntervalMs: 0,
      onOutcome: (outcome) => {
        if (outcome.status === 'processed' && ++processed === BACKLOG) finish();
      },
    });
    await finished;
    const seconds = (performance.now() - startedAt) / 1000;
    await rateRun.stop(30_000);
    console.log(
      `  concurrency ${String(concurrency).padStart(2)}: ${(BACKLOG / seconds).toFixed(1)} messages/s`,
    );
  }
} finally {
  sqs.destroy();
  s3.destroy();
  await sandbox.stop();
}
