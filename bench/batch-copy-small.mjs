#!/usr/bin/env node
// Benchmark (a): 10,000 objects of 4 KiB copied from one bucket to another on the sandbox, by
// bucketbridge (`batch`, copy processor), rclone copy, the AWS CLI v2 (`aws s3 cp --recursive`)
// and a minimal AWS SDK script (GET then PUT, the floor of our overhead), all at the same
// concurrency, in the same run. Prints objects/s, MB/s, peak RSS and the ratios. No thresholds.
// Usage: npm run build && node bench/batch-copy-small.mjs [--objects N] [--concurrency C]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { BIN, printTable, ROOT, startSandbox, timed, toolEnv, writeConfig } from './batch-bench-lib.mjs';

const { values } = parseArgs({
  options: { objects: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '16' } },
});
const OBJECTS = Number(values.objects);
const CONCURRENCY = Number(values.concurrency);
const SIZE = 4 * 1024;

const sandbox = await startSandbox();
try {
  const s3 = sandbox.client();
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-src' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-dst' }));
  const body = Buffer.alloc(SIZE, 'x');
  const limit = pLimit(64);
  const setupStarted = performance.now();
  await Promise.all(
    Array.from({ length: OBJECTS }, (_, i) =>
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
  console.log(`uploaded ${OBJECTS} objects in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);
  const { dir, env } = toolEnv(sandbox, CONCURRENCY);
  const config = (prefix, processor) =>
    writeConfig(dir, sandbox, {
      source: { bucket: 'bench-src', prefix: 'in/' },
      destination: { bucket: 'bench-dst', prefix },
      processor,
      concurrency: CONCURRENCY,
    });
  const copyConfig = config('bucketbridge/', { type: 'copy' });
  const execConfig = config('bucketbridge-streamed/', { type: 'exec', command: 'cat' });
  const results = [];
  results.push(
    await timed('bucketbridge', BIN, ['batch', '--config', copyConfig, '--connection', 'bench'], env),
  );
  results.push(
    await timed(
      'bucketbridge exec cat',
      BIN,
      ['batch', '--config', execConfig, '--connection', 'bench'],
      env,
    ),
  );
  results.push(
    await timed(
      'sdk floor (GET+PUT)',
      process.execPath,
      [
        join(ROOT, 'bench/batch-sdk-floor.mjs'),
        sandbox.endpoint,
        sandbox.region,
        'bench-src',
        'in/',
        'bench-dst',
        'floor/',
        String(CONCURRENCY),
      ],
      env,
    ),
  );
  results.push(
    await timed(
      'rclone copy',
      'rclone',
      [
        'copy',
        'sb:bench-src/in',
        'sb:bench-dst/rclone',
        '--transfers',
        String(CONCURRENCY),
        '--checkers',
        String(CONCURRENCY),
      ],
      env,
    ),
  );
  results.push(
    await timed(
      'aws s3 cp (v2)',
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
      env,
    ),
  );
  printTable('10,000 × 4 KiB copy', results, { objects: OBJECTS, bytes: OBJECTS * SIZE });
  console.log(
    '(bucketbridge copies inside S3 with CopyObject; "exec cat" streams every byte through this machine.)',
  );
} finally {
  await sandbox.stop();
}
