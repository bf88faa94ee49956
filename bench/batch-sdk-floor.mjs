#!/usr/bin/env node
// The floor of what bucketbridge's overhead can be: list a prefix, then GET each object and PUT
// it (optionally gzipped) under another prefix with the same concurrency, nothing else: no ledger,
// no metadata, no retries beyond the SDK's. In `copy` mode, one CopyObject per object instead (the
// floor of a server-side copy: what the SDK itself costs per request).
// Usage: node bench/batch-sdk-floor.mjs ENDPOINT REGION SRC_BUCKET SRC_PREFIX DST_BUCKET DST_PREFIX CONCURRENCY [gzip [LEVEL]|copy]
// (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)
import { Agent } from 'node:http';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { CopyObjectCommand, GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import pLimit from 'p-limit';

const [endpoint, region, srcBucket, srcPrefix, dstBucket, dstPrefix, concurrencyText, mode, levelText] =
  process.argv.slice(2);
const concurrency = Number(concurrencyText);
const s3 = new S3Client({
  endpoint,
  region,
  forcePathStyle: true,
  requestHandler: new NodeHttpHandler({
    httpAgent: new Agent({ keepAlive: true, maxSockets: concurrency * 4 }),
  }),
});
const limit = pLimit(concurrency);
const pending = new Set();
for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: srcBucket, Prefix: srcPrefix })) {
  for (const item of page.Contents ?? []) {
    const task = limit(async () => {
      if (mode === 'copy') {
        const copySource = `${srcBucket}/${encodeURIComponent(item.Key).replace(/%2F/g, '/')}`;
        const key = dstPrefix + item.Key.slice(srcPrefix.length);
        await s3.send(new CopyObjectCommand({ Bucket: dstBucket, Key: key, CopySource: copySource }));
        return;
      }
      const got = await s3.send(new GetObjectCommand({ Bucket: srcBucket, Key: item.Key }));
      let body = got.Body;
      let key = dstPrefix + item.Key.slice(srcPrefix.length);
      let piping;
      if (mode === 'gzip') {
        const gzip = createGzip({ level: Number(levelText ?? '1') });
        piping = pipeline(got.Body, gzip);
        body = gzip;
        key += '.gz';
      } else if (item.Size > 8 * 1024 * 1024) {
        body = got.Body.pipe(new PassThrough());
      }
      const upload = new Upload({
        client: s3,
        params: { Bucket: dstBucket, Key: key, Body: body },
        partSize: 8 * 1024 * 1024,
        queueSize: 4,
      });
      await Promise.all([upload.done(), piping]);
    });
    pending.add(task);
    task.finally(() => pending.delete(task));
    // Back-pressure: do not list further ahead than the workers can take.
    if (pending.size >= concurrency * 4) await Promise.race(pending);
  }
}
await Promise.all(pending);
