#!/usr/bin/env node
// Scale-out of one batch (issue 12 item 6): one, two and four `bucketbridge batch` processes on one
// connection of small objects with a shared PostgreSQL ledger, on the sandbox with injected S3
// latency. The processes join one run: one lists, all claim. Prints objects/s of the whole run
// (all objects over the wall time from the first start to the last exit) and the speed-up over
// one worker, and checks that the workers' processed counts add up to the objects. No thresholds.
//
//   npm run build && node bench/scale-out-batch.mjs [--objects 10000] [--workers 1,2,4]
//     [--concurrency 16] [--faults 's3=latency=20ms']
//
// PostgreSQL: BUCKETBRIDGE_TEST_POSTGRES_URL when set, else a throwaway server (default
// durability) on this machine; each figure gets a fresh database and a fresh output prefix.
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { BIN, seedObjects, startSandbox, toolEnv, writeConfig } from './batch-bench-lib.mjs';
import { createDatabase, startPostgres } from './postgres-bench-lib.mjs';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '16' },
    faults: { type: 'string', default: 's3=latency=20ms' },
  },
});
const OBJECTS = Number(values.objects);
const WORKERS = values.workers.split(',').map(Number);
const CONCURRENCY = Number(values.concurrency);
const SIZE = 1024;

/** Runs `bucketbridge batch --json`; resolves its report. */
function batch(config, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, 'batch', '--config', config, '--connection', 'bench', '--json'],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout));
      else reject(new Error(`batch exited with ${code}:\n${stderr.slice(-2000)}`));
    });
  });
}

const given = process.env.BUCKETBRIDGE_TEST_POSTGRES_URL;
const server = given ? undefined : await startPostgres();
const sandbox = await startSandbox({ faults: values.faults });
const figures = [];
try {
  await seedObjects(sandbox, OBJECTS, SIZE);
  const { dir, env } = toolEnv(sandbox, CONCURRENCY);
  for (const workers of WORKERS) {
    const database = await createDatabase(given ?? server.url, `bb_bench_scale_${workers}_${process.pid}`);
    const config = writeConfig(dir, sandbox, {
      source: { bucket: 'bench-src', prefix: 'in/' },
      destination: { bucket: 'bench-dst', prefix: `out-${workers}/` },
      processor: { type: 'copy' },
      concurrency: CONCURRENCY,
      ledger: database.url,
    });
    const started = performance.now();
    const reports = await Promise.all(Array.from({ length: workers }, () => batch(config, env)));
    const seconds = (performance.now() - started) / 1000;
    const processed = reports.map((r) => r.processed);
    const total = processed.reduce((a, b) => a + b, 0);
    if (total !== OBJECTS) throw new Error(`${workers} worker(s) processed ${total} objects, not ${OBJECTS}`);
    figures.push({ workers, seconds, objectsPerSec: OBJECTS / seconds, processed });
    console.log(`${workers} worker(s): ${seconds.toFixed(1)} s, per worker ${processed.join(' + ')}`);
    await database.drop();
  }
} finally {
  await sandbox.stop();
  server?.stop();
}

const one = figures.find((f) => f.workers === 1);
console.log(
  `\n${OBJECTS} objects of ${SIZE} bytes, copy processor, --concurrency ${CONCURRENCY} per worker, faults '${values.faults}'; ` +
    `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}); Node ${process.version}; load average ${loadavg()[0].toFixed(2)}`,
);
console.log('| Workers | Wall s | Objects/s | Speed-up | Processed per worker |');
console.log('| ---: | ---: | ---: | ---: | --- |');
for (const f of figures) {
  const speedUp = one ? (f.objectsPerSec / one.objectsPerSec).toFixed(2) : '—';
  console.log(
    `| ${f.workers} | ${f.seconds.toFixed(1)} | ${Math.round(f.objectsPerSec)} | ${speedUp}× | ${f.processed.join(' + ')} |`,
  );
}
