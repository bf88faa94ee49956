#!/usr/bin/env node
// Benchmark (b): one large object (2 GiB by default) through bucketbridge's gzip processor, next to
// a minimal AWS SDK script doing GET → gzip → multipart PUT (the floor of our overhead), and the
// plain copies rclone and the AWS CLI v2 make of the same object (they cannot compress; they show
// what moving the bytes costs). Same sandbox, same run. Prints MB/s, peak RSS and the ratios; the
// point of the RSS column is that memory does not grow with the object's size. No thresholds.
// Usage: npm run build && node bench/batch-gzip-large.mjs [--gib 2] [--concurrency 16]
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BIN, printTable, ROOT, startSandbox, timed, toolEnv, writeConfig } from './batch-bench-lib.mjs';

const { values } = parseArgs({
  options: { gib: { type: 'string', default: '2' }, concurrency: { type: 'string', default: '16' } },
});
const BYTES = Math.round(Number(values.gib) * 1024 ** 3);
const CONCURRENCY = Number(values.concurrency);

/**
 * Log-like content (compresses about 4:1), generated as it is read from 16 distinct 1 MiB blocks
 * made up front (gzip's 32 KiB window cannot see the repetition): cheap to produce, nothing held.
 */
function logLikeStream(total) {
  const blocks = Array.from({ length: 16 }, (_, b) => {
    let text = '';
    for (let line = 0; text.length < 1024 * 1024; line++) {
      text += `2024-05-01T12:${String(b).padStart(2, '0')}:${String(line % 60).padStart(2, '0')}Z INFO request ${line} ${randomBytes(8).toString('hex')} ok\n`;
    }
    return Buffer.from(text).subarray(0, 1024 * 1024);
  });
  return Readable.from(
    (function* () {
      for (let produced = 0, i = 0; produced < total; i++) {
        const block = blocks[i % blocks.length].subarray(0, Math.min(1024 * 1024, total - produced));
        produced += block.length;
        yield block;
      }
    })(),
  );
}

const sandbox = await startSandbox();
try {
  const s3 = sandbox.client();
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-src' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-dst' }));
  const setupStarted = performance.now();
  await new Upload({
    client: s3,
    params: { Bucket: 'bench-src', Key: 'in/big.log', Body: logLikeStream(BYTES) },
    partSize: 16 * 1024 * 1024,
    queueSize: 4,
  }).done();
  console.log(
    `uploaded ${(BYTES / 1e6).toFixed(0)} MB in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
  );
  const { dir, env } = toolEnv(sandbox, CONCURRENCY);
  const config = writeConfig(dir, sandbox, {
    source: { bucket: 'bench-src', prefix: 'in/' },
    destination: { bucket: 'bench-dst', prefix: 'bucketbridge/' },
    processor: { type: 'gzip', level: 1 },
    concurrency: CONCURRENCY,
  });
  const results = [];
  results.push(await timed('bucketbridge', BIN, ['batch', '--config', config, '--connection', 'bench'], env));
  results.push(
    await timed(
      'sdk floor (GET+gzip+PUT)',
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
        'gzip',
      ],
      env,
    ),
  );
  results.push(
    await timed(
      'rclone copy (no gzip)',
      'rclone',
      ['copy', 'sb:bench-src/in', 'sb:bench-dst/rclone', '--transfers', String(CONCURRENCY)],
      env,
    ),
  );
  results.push(
    await timed(
      'aws s3 cp (no gzip)',
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
  printTable(`one ${values.gib} GiB object through gzip`, results, { objects: 1, bytes: BYTES });
  console.log('(both bucketbridge and the floor script compress with zlib level 1)');
} finally {
  await sandbox.stop();
}
