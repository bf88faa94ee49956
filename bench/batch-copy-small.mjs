#!/usr/bin/env node
// Benchmark (a): small objects (4 KiB) copied from one bucket to another on the sandbox with
// injected S3 latency, by bucketbridge (`batch`, copy processor), rclone copy, the AWS CLI v2
// (`aws s3 cp --recursive`) and minimal AWS SDK scripts (GET then PUT, and one CopyObject: the
// floors of our overhead),
// all at the same concurrency, in the same run. Prints wall time, objects/s, client CPU seconds
// (user+sys, from the OS), CPU per object and the ratios to rclone. No thresholds.
// Usage: npm run build && node bench/batch-copy-small.mjs [--objects 2000] [--concurrency 64]
//   [--faults 's3=latency=20ms'] [--only bucketbridge,rclone,...] [--bb-args '--workers 1']
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import {
  awsCliCopyRun,
  BIN,
  printTable,
  SDK_FLOOR,
  sdkFloorArgs,
  seedObjects,
  startSandbox,
  timed,
  toolEnv,
  writeConfig,
} from './batch-bench-lib.mjs';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
    faults: { type: 'string', default: 's3=latency=20ms' },
    /** Comma-separated subset of: bucketbridge, exec, floor, sdkcopy, rclone, awscli. */
    only: { type: 'string', default: 'bucketbridge,exec,floor,sdkcopy,rclone,awscli' },
    /** Extra arguments for `bucketbridge batch`, e.g. `--workers 1`. */
    'bb-args': { type: 'string', default: '' },
    /** A folder for `node --cpu-prof` profiles of the bucketbridge runs. */
    profile: { type: 'string' },
  },
});
const ONLY = new Set(values.only.split(','));
const BB_ARGS = values['bb-args'].split(' ').filter(Boolean);
const OBJECTS = Number(values.objects);
const CONCURRENCY = Number(values.concurrency);
const SIZE = 4 * 1024;

const sandbox = await startSandbox({ faults: values.faults });
try {
  await seedObjects(sandbox, OBJECTS, SIZE);
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
  // Each tool is one entry: [name for --only, label, command, arguments].
  const runs = [
    [
      'bucketbridge',
      'bucketbridge',
      BIN,
      ['batch', '--config', copyConfig, '--connection', 'bench', ...BB_ARGS],
    ],
    [
      'exec',
      'bucketbridge exec cat',
      BIN,
      ['batch', '--config', execConfig, '--connection', 'bench', ...BB_ARGS],
    ],
    [
      'floor',
      'sdk floor (GET+PUT)',
      process.execPath,
      [SDK_FLOOR, ...sdkFloorArgs(sandbox, 'floor/', CONCURRENCY)],
    ],
    [
      'sdkcopy',
      'sdk floor (CopyObject)',
      process.execPath,
      [SDK_FLOOR, ...sdkFloorArgs(sandbox, 'sdkcopy/', CONCURRENCY, 'copy')],
    ],
    [
      'rclone',
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
    ],
    awsCliCopyRun(sandbox),
  ];
  const results = [];
  for (const [name, label, command, args] of runs) {
    if (!ONLY.has(name)) continue;
    // `--cpu-prof` is refused in NODE_OPTIONS, so a profiled run starts node itself.
    const profiled = values.profile !== undefined && command === BIN;
    results.push(
      profiled
        ? await timed(
            label,
            process.execPath,
            ['--cpu-prof', '--cpu-prof-dir', values.profile, BIN, ...args],
            env,
          )
        : await timed(label, command, args, env),
    );
  }
  printTable(
    `${OBJECTS} × 4 KiB copy, concurrency ${CONCURRENCY}, faults ${values.faults || 'none'}, ${availableParallelism()} core(s)`,
    results,
    { objects: OBJECTS, bytes: OBJECTS * SIZE },
  );
  console.log(
    '(bucketbridge copies inside S3 with CopyObject; "exec cat" streams every byte through this machine.)',
  );
} finally {
  await sandbox.stop();
}
