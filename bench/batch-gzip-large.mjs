#!/usr/bin/env node
// Benchmark (b): one large object (2 GiB by default) through bucketbridge's gzip processor, next to
// a minimal AWS SDK script doing GET → gzip → multipart PUT (the floor of our overhead), and the
// plain copies rclone and the AWS CLI v2 make of the same object (they cannot compress; they show
// what moving the bytes costs). Same sandbox, same run. Prints MB/s, peak RSS and the ratios; the
// point of the RSS column is that memory does not grow with the object's size. Also prints
// bucketbridge's wall and CPU ratios to the floor script's, measured in the same run. No thresholds.
// Usage: npm run build && node bench/batch-gzip-large.mjs [--gib 2] [--concurrency 16] [--level 1]
//   [--only bucketbridge,floor,rclone,awscli] [--profile DIR]
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  awsCliCopyRun,
  BIN,
  printTable,
  SDK_FLOOR,
  sdkFloorArgs,
  startSandbox,
  timed,
  toolEnv,
  writeConfig,
} from './batch-bench-lib.mjs';

const { values } = parseArgs({
  options: {
    gib: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '16' },
    /** zlib level for both bucketbridge and the floor script, so they do the same work. */
    level: { type: 'string', default: '1' },
    /** Comma-separated subset of: bucketbridge, floor, rclone, awscli. */
    only: { type: 'string', default: 'bucketbridge,floor,rclone,awscli' },
    /** A folder for `node --cpu-prof` profiles of the bucketbridge and floor runs (one subfolder each). */
    profile: { type: 'string' },
  },
});
const ONLY = new Set(values.only.split(','));
const LEVEL = Number(values.level);
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
    processor: { type: 'gzip', level: LEVEL },
    concurrency: CONCURRENCY,
  });
  const bbArgs = ['batch', '--config', config, '--connection', 'bench'];
  const floorArgs = sdkFloorArgs(sandbox, 'floor/', CONCURRENCY, 'gzip', String(LEVEL));
  // `--cpu-prof` is refused in NODE_OPTIONS, so a profiled run starts node itself.
  const nodeRun = (name, script, args) => [
    process.execPath,
    values.profile === undefined
      ? [script, ...args]
      : ['--cpu-prof', '--cpu-prof-dir', join(values.profile, name), script, ...args],
  ];
  // Each tool is one entry: [name for --only, label, command, arguments].
  const runs = [
    ['bucketbridge', 'bucketbridge', ...nodeRun('bucketbridge', BIN, bbArgs)],
    ['floor', 'sdk floor (GET+gzip+PUT)', ...nodeRun('floor', SDK_FLOOR, floorArgs)],
    [
      'rclone',
      'rclone copy (no gzip)',
      'rclone',
      ['copy', 'sb:bench-src/in', 'sb:bench-dst/rclone', '--transfers', String(CONCURRENCY)],
    ],
    awsCliCopyRun(sandbox, 'aws s3 cp (no gzip)'),
  ];
  const results = [];
  for (const [name, label, command, args] of runs) {
    if (ONLY.has(name)) results.push(await timed(label, command, args, env));
  }
  printTable(`one ${values.gib} GiB object through gzip`, results, { objects: 1, bytes: BYTES });
  console.log(`(bucketbridge and the floor script both compress with zlib level ${LEVEL})`);
  const ours = results.find((r) => r.label === 'bucketbridge');
  const floor = results.find((r) => r.label.startsWith('sdk floor'));
  if (ours && floor) {
    console.log(
      `bucketbridge vs the SDK floor (same run): wall ${(ours.seconds / floor.seconds).toFixed(2)}x, ` +
        `CPU ${(ours.cpuSeconds / floor.cpuSeconds).toFixed(2)}x; ` +
        `peak RSS ${ours.peakMiB.toFixed(0)} MiB (floor ${floor.peakMiB.toFixed(0)} MiB)`,
    );
  }
} finally {
  await sandbox.stop();
}
