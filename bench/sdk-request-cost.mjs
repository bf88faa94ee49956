#!/usr/bin/env node
// The CPU one AWS SDK request costs this process, with nothing else around it: CopyObject sent to a
// local HTTP server (a child process, so its CPU is not counted) that answers at once with a
// CopyObjectResult. Measures a default S3Client and one built by bucketbridge's client factory, at
// the same concurrency. This is the floor of a server-side copy's CPU per object in bucketbridge:
// no ledger, no listing, no pipeline. Compare with rclone's whole per-object CPU from
// bench/batch-copy-small.mjs. No thresholds.
// Usage: npm run build && node bench/sdk-request-cost.mjs [--requests 4000] [--concurrency 64]
import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CopyObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ROOT } from './batch-bench-lib.mjs';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '64' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const { createClient } = await import(join(ROOT, 'dist/src/aws/client-factory.js'));

const SERVER = `
const http = require('node:http');
const body = '<?xml version="1.0" encoding="UTF-8"?>\\n<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"0cc175b9c0f1b6a831c399e269772661"</ETag></CopyObjectResult>';
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/xml', 'x-amz-request-id': 'bench', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0)).resume();
`;
const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
const port = await new Promise((resolve) =>
  server.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
);
const endpoint = `http://127.0.0.1:${port}`;
const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

const clients = [
  [
    'default S3Client',
    new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials,
      requestHandler: new NodeHttpHandler({
        httpAgent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }),
      }),
    }),
  ],
  [
    "bucketbridge's client factory",
    createClient(S3Client, { settings: { region: 'us-east-1', maxAttempts: 5, endpoint }, credentials }),
  ],
];

async function copies(s3, count) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const n = next++;
        await s3.send(
          new CopyObjectCommand({
            Bucket: 'dst',
            Key: `out/${n}`,
            CopySource: `src/in/${n}`,
            CopySourceIfMatch: '0cc175b9c0f1b6a831c399e269772661',
            MetadataDirective: 'COPY',
          }),
          { abortSignal: new AbortController().signal },
        );
      }
    }),
  );
}

try {
  console.log(
    `CopyObject to a local server that answers at once, ${REQUESTS} requests, concurrency ${CONCURRENCY}`,
  );
  for (const [label, s3] of clients) {
    await copies(s3, 500); // warm up: sockets, JIT, credentials
    const before = process.cpuUsage();
    const started = process.hrtime.bigint();
    await copies(s3, REQUESTS);
    const cpu = process.cpuUsage(before);
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(
      `${label.padEnd(30)} CPU ${(cpuMs / REQUESTS).toFixed(3)} ms/request  (${(cpuMs / 1000).toFixed(2)} s CPU, ${(wallMs / 1000).toFixed(2)} s wall)`,
    );
  }
} finally {
  server.stdin.end();
}
