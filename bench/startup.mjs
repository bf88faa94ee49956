#!/usr/bin/env node
/**
 * Start-up benchmark: how long `bucketbridge --help` and `--version` take, next to an empty
 * Node.js process (the floor) and the AWS CLI's `aws --version` (what users compare with).
 *
 *   npm run build && node bench/startup.mjs [--runs 30] [--warmup 3] [--json]
 *
 * Each command runs `--warmup` times unmeasured (disk cache), then `--runs` times; the table shows
 * the median and 90th percentile wall time in milliseconds and the ratio of each median to the
 * empty Node.js process. AWS CLIs that are not installed are skipped and said so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/bucketbridge', import.meta.url));

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);
if (
  !Number.isInteger(runs) ||
  runs < 1 ||
  runs > 1000 ||
  !Number.isInteger(warmup) ||
  warmup < 0 ||
  warmup > 100
) {
  process.stderr.write('bench/startup.mjs: --runs must be 1..1000 and --warmup 0..100\n');
  process.exit(2);
}
if (!existsSync(new URL('../dist/src/cli/main.js', import.meta.url))) {
  process.stderr.write('bench/startup.mjs: bucketbridge is not built; run `npm run build` first\n');
  process.exit(2);
}

/** Which of the AWS CLIs on this machine to compare with: the first `aws` on PATH and /usr/bin/aws. */
function awsClis() {
  const found = [];
  const onPath = spawnSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).stdout.trim();
  for (const path of [onPath, '/usr/bin/aws']) {
    if (path === '' || found.some((f) => f.path === path)) continue;
    const probe = spawnSync(path, ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const version = `${probe.stdout}${probe.stderr}`.trim().split(/\s+/)[0] ?? 'aws';
    found.push({ path, version });
  }
  return found;
}

const cases = [
  { name: 'node -e ""  (empty Node.js process)', command: process.execPath, args: ['-e', ''] },
  { name: 'bucketbridge --version', command: process.execPath, args: [bin, '--version'] },
  { name: 'bucketbridge --help', command: process.execPath, args: [bin, '--help'] },
  ...awsClis().map((cli) => ({
    name: `aws --version  (${cli.version}, ${cli.path})`,
    label: cli.version,
    command: cli.path,
    args: ['--version'],
  })),
];

function timeOnce({ command, args }) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: process.env,
  });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.status}: ${String(result.stderr).slice(0, 500)}`,
    );
  }
  return elapsedMs;
}

function percentile(sorted, p) {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

// Round-robin, so that load from other processes falls on every command alike.
for (let i = 0; i < warmup; i += 1) for (const c of cases) timeOnce(c);
const samples = cases.map(() => []);
for (let i = 0; i < runs; i += 1) {
  for (const [n, c] of cases.entries()) samples[n].push(timeOnce(c));
}
const results = cases.map((c, n) => {
  const sorted = samples[n].sort((a, b) => a - b);
  return {
    name: c.name,
    label: c.label,
    runs,
    medianMs: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
  };
});
const baseline = results[0].medianMs;
for (const r of results) r.ratioToNode = r.medianMs / baseline;

if (values.json) {
  process.stdout.write(`${JSON.stringify({ node: process.version, runs, warmup, results }, null, 2)}\n`);
} else {
  const width = Math.max(...results.map((r) => r.name.length));
  process.stdout.write(
    `Start-up, ${runs} runs each after ${warmup} warm-up runs (Node.js ${process.version})\n\n`,
  );
  process.stdout.write(`${'command'.padEnd(width)}  median ms   p90 ms   x node\n`);
  for (const r of results) {
    process.stdout.write(
      `${r.name.padEnd(width)}  ${r.medianMs.toFixed(1).padStart(9)}  ${r.p90Ms.toFixed(1).padStart(7)}  ${r.ratioToNode.toFixed(2).padStart(7)}\n`,
    );
  }
  const help = results.find((r) => r.name === 'bucketbridge --help');
  for (const aws of results.filter((r) => r.name.startsWith('aws '))) {
    process.stdout.write(
      `\nbucketbridge --help takes ${(help.medianMs / aws.medianMs).toFixed(2)}x the time of ${aws.label} --version`,
    );
  }
  process.stdout.write('\n');
}
