#!/usr/bin/env node
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startSandbox } from './batch-bench-lib.mjs';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    'upload-gib': { type: 'string', default: '2' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const UPLOAD_BYTES = Math.round(Number(values['upload-gib']) * 1024 ** 3);
/** Every phase stops after this long even if its count is not reached. */
const PHASE_LIMIT_MS = 60_000;

/** The process's peak and current resident memory, in MiB, from /proc. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { peakMiB: kib('VmHWM') / 1024, currentMiB: kib('VmRSS') / 1024 };
}

/** CPU time (user + system) the process has used so far, in milliseconds (/proc ticks are 10 ms). */
function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Runs `operation` `count` times at the set concurrency and prints the observed rate, plus the
 * sandbox's own CPU time per request: on a machine where the client (the SDK) shares the cores,
 * 1000 / that figure is the rate one core of sandbox could serve.
 */
async function rate(label, count, operation, sandboxPid) {
  const cpuBefore = cpuMsOf(sandboxPid);
  let next = 0;
  let done = 0;
  let failed = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count && performance.now() - started < PHASE_LIMIT_MS) {
      const i = next++;
      try {
        await operation(i);
        done++;
      } catch (error) {
        failed++;
        if (failed === 1) console.error(`${label}: first failure: ${error.name}: ${error.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  rate.lastDone = done;
  const seconds = (performance.now() - started) / 1000;
  const cpuPerRequestMs = (cpuMsOf(sandboxPid) - cpuBefore) / Math.max(1, done);
  console.log(
    `${label}: ${done} requests in ${seconds.toFixed(2)} s = ${Math.round(done / seconds)} req/s (concurrency ${CONCURRENCY}, ${failed} failed); ` +
      `sandbox CPU ${cpuPerRequestMs.toFixed(3)} ms/request = ${Math.round(1000 / cpuPerRequestMs)} req/s per sandbox core`,
  );
}

async function smallRequests() {
  const sandbox = await startSandbox({ args: ['--port', '0'] });
  try {
    const s3 = sandbox.client(CONCURRENCY);
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-small' }));
    const body = Buffer.alloc(1024, 'x');
    // Warm up connections and the JIT before measuring.
    await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        s3.send(new PutObjectCommand({ Bucket: 'bench-small', Key: `warm/${i}`, Body: body })),
      ),
    );
    const pid = sandbox.pid;
    await rate(
      'PutObject 1 KiB',
      REQUESTS,
      (i) => s3.send(new PutObjectCommand({ Bucket: 'bench-small', Key: `k/${i % 5000}`, Body: body })),
      pid,
    );
    // Only keys the put phase wrote (it may have stopped at its time bound).
    const written = Math.min(5000, rate.lastDone);
    await rate(
      'GetObject 1 KiB',
      REQUESTS,
      async (i) => {
        const r = await s3.send(new GetObjectCommand({ Bucket: 'bench-small', Key: `k/${i % written}` }));
        await r.Body.transformToByteArray();
      },
      pid,
    );
    const m = memoryOf(sandbox.pid);
    console.log(`small requests: sandbox peak RSS ${m.peakMiB.toFixed(0)} MiB`);
  } finally {
    await sandbox.stop();
  }
}

async function largeUpload() {
  const dir = mkdtempSync(join(tmpdir(), 'bb-bench-state-'));
  const sandbox = await startSandbox({ args: ['--port', '0', '--state', dir] });
  try {
    const s3 = sandbox.client(CONCURRENCY);
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-large' }));
    const before = memoryOf(sandbox.pid);
    const chunk = Buffer.alloc(1024 * 1024, 'y');
    let produced = 0;
    const source = new Readable({
      read() {
        if (produced >= UPLOAD_BYTES) return this.push(null);
        const n = Math.min(chunk.length, UPLOAD_BYTES - produced);
        produced += n;
        this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      },
    });
    const started = performance.now();
    let peakDuring = 0;
    const sampler = setInterval(() => {
      peakDuring = Math.max(peakDuring, memoryOf(sandbox.pid).currentMiB);
    }, 100);
    await new Upload({
      client: s3,
      params: { Bucket: 'bench-large', Key: 'big.bin', Body: source },
      partSize: 16 * 1024 * 1024,
      queueSize: 4,
    }).done();
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bench-large', Key: 'big.bin' }));
    const after = memoryOf(sandbox.pid);
    console.log(
      `upload ${(UPLOAD_BYTES / 1024 ** 3).toFixed(2)} GiB (multipart, 16 MiB parts, 4 in flight, --state): ${seconds.toFixed(1)} s = ${(UPLOAD_BYTES / 1024 ** 2 / seconds).toFixed(0)} MiB/s; stored ${head.ContentLength} bytes, ETag ${head.ETag}`,
    );
    console.log(
      `upload: sandbox RSS before ${before.currentMiB.toFixed(0)} MiB, peak ${after.peakMiB.toFixed(0)} MiB (sampled peak during upload ${peakDuring.toFixed(0)} MiB)`,
    );
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await smallRequests();
if (UPLOAD_BYTES > 0) await largeUpload();
