import { getEventListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollectProcessor } from '../../../src/processors/collect/collect.js';
import { createFileSink } from '../../../src/processors/collect/file-sink.js';
import { createHttpSink } from '../../../src/processors/collect/http-sink.js';
import { createStdoutSink } from '../../../src/processors/collect/stdout-sink.js';
import { ProcessorSetupError } from '../../../src/processors/processor-setup-error.js';
import { type FakeObject, fakeObject } from './fake-object.js';

const cloudTrail = gzipSync(
  JSON.stringify({ Records: [{ eventName: 'A' }, { eventName: 'B' }, { eventName: 'C' }] }),
);

/** A local HTTP endpoint that records every POST and answers with the statuses queued first. */
async function startEndpoint(statuses: number[] = []) {
  const bodies: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const status = statuses.shift() ?? 200;
      if (status === 200) bodies.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`;
  return { url, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('the collect processor', () => {
  let fake: FakeObject;
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    await fake?.dispose();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('tags every CloudTrail record with bucket, key and position and POSTs them in batches', async () => {
    const endpoint = await startEndpoint();
    cleanups.push(endpoint.close);
    fake = fakeObject(cloudTrail, 'in/trail.json.gz');
    const processor = createCollectProcessor({
      format: 'json-array',
      recordsField: 'Records',
      sink: { type: 'http', url: endpoint.url, batchSize: 2, headers: { authorization: 'Bearer t' } },
    });
    const result = await processor.process(fake.input, fake.context);
    expect(result).toEqual({ details: { records: 3 } });
    expect(endpoint.bodies.map((b) => b.body)).toEqual([
      '{"bucket":"src","key":"in/trail.json.gz","line":1,"record":{"eventName":"A"}}\n' +
        '{"bucket":"src","key":"in/trail.json.gz","line":2,"record":{"eventName":"B"}}\n',
      '{"bucket":"src","key":"in/trail.json.gz","line":3,"record":{"eventName":"C"}}\n',
    ]);
    expect(endpoint.bodies[0]!.headers).toMatchObject({
      'content-type': 'application/x-ndjson',
      authorization: 'Bearer t',
      'idempotency-key': encodeURIComponent('src/in/trail.json.gz@etag1#0'),
    });
    expect(endpoint.bodies[1]!.headers['idempotency-key']).toBe(
      encodeURIComponent('src/in/trail.json.gz@etag1#1'),
    );
  });

  it('writes the records to the destination bucket as gzipped NDJSON beside the output key', async () => {
    fake = fakeObject(Buffer.concat([gzipSync('a\n'), gzipSync('b\n')]), 'in/app.log.gz');
    const processor = createCollectProcessor({ format: 'lines', sink: { type: 'destination' } });
    await processor.process(fake.input, fake.context);
    expect(fake.outputs).toHaveLength(1);
    expect(fake.outputs[0]!.key).toBe('out/in/app.log.gz.ndjson.gz');
    expect(gunzipSync(fake.outputs[0]!.body).toString()).toBe(
      '{"bucket":"src","key":"in/app.log.gz","line":1,"record":"a"}\n' +
        '{"bucket":"src","key":"in/app.log.gz","line":2,"record":"b"}\n',
    );
  });

  it('appends records to a file, objects one after another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-collect-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'sub', 'records.ndjson');
    const processor = createCollectProcessor({ format: 'ndjson', sink: { type: 'file', path } });
    fake = fakeObject('{"n":1}\n{"n":2}\n', 'in/a');
    const other = fakeObject('{"n":3}\n', 'in/b');
    cleanups.push(() => other.dispose());
    await Promise.all([
      processor.process(fake.input, fake.context),
      processor.process(other.input, other.context),
    ]);
    await processor.close?.();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines).toEqual(
      expect.arrayContaining([
        { bucket: 'src', key: 'in/a', line: 1, record: { n: 1 } },
        { bucket: 'src', key: 'in/a', line: 2, record: { n: 2 } },
        { bucket: 'src', key: 'in/b', line: 1, record: { n: 3 } },
      ]),
    );
  });

  it('writes NDJSON to stdout', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => {
      text += c.toString();
    });
    fake = fakeObject('x\ny\n');
    const processor = createCollectProcessor({
      format: 'lines',
      sink: { type: 'stdout' },
      sinkOverride: createStdoutSink(out),
    });
    await processor.process(fake.input, fake.context);
    expect(text).toBe(
      '{"bucket":"src","key":"in/data.txt","line":1,"record":"x"}\n{"bucket":"src","key":"in/data.txt","line":2,"record":"y"}\n',
    );
  });
});

describe('the HTTP sink', () => {
  const batch = { bucket: 'b', key: 'k', version: 'v', index: 0 };
  const records = [{ bucket: 'b', key: 'k', line: 1, record: 'r' }];

  it('retries 503 and 429 answers until the batch is accepted, delivering it once', async () => {
    const endpoint = await startEndpoint([503, 429]);
    try {
      const sink = createHttpSink({ url: endpoint.url, baseDelayMs: 1 });
      await sink.write(records, batch, new AbortController().signal);
      expect(endpoint.bodies).toHaveLength(1);
    } finally {
      await endpoint.close();
    }
  });

  it('leaves no abort listener behind after its retries', async () => {
    const endpoint = await startEndpoint(Array.from({ length: 12 }, () => 503));
    try {
      const sink = createHttpSink({ url: endpoint.url, baseDelayMs: 1, maxAttempts: 13 });
      const controller = new AbortController();
      await sink.write(records, batch, controller.signal);
      expect(endpoint.bodies).toHaveLength(1);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    } finally {
      await endpoint.close();
    }
  });

  it('fails the object at once when the endpoint refuses the batch with a 4xx', async () => {
    const endpoint = await startEndpoint([400]);
    try {
      const sink = createHttpSink({ url: endpoint.url, baseDelayMs: 1 });
      await expect(sink.write(records, batch, new AbortController().signal)).rejects.toThrow(
        `collect: the HTTP sink ${endpoint.url} refused a batch: HTTP 400`,
      );
    } finally {
      await endpoint.close();
    }
  });

  it('gives up after its attempts with a retryable error naming the last problem', async () => {
    const endpoint = await startEndpoint([500, 500, 500]);
    try {
      const sink = createHttpSink({ url: endpoint.url, baseDelayMs: 1, maxAttempts: 3 });
      const error = await sink.write(records, batch, new AbortController().signal).catch((e: unknown) => e);
      expect((error as Error).message).toBe(
        `collect: the HTTP sink ${endpoint.url} failed 3 times; last: HTTP 500`,
      );
      expect((error as { kind: string }).kind).toBe('transient');
    } finally {
      await endpoint.close();
    }
  });
});

describe('the file sink', () => {
  it('refuses at setup a file whose folder cannot be created', () => {
    expect(() => createFileSink('/proc/nope/records.ndjson')).toThrow(
      new ProcessorSetupError('processor.sink.path: cannot create the folder /proc/nope: ENOENT'),
    );
  });

  it('creates the folder and keeps earlier content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-file-sink-'));
    try {
      const path = join(dir, 'a', 'b.ndjson');
      // Two sinks one after the other: the second appends to what the first wrote.
      for (const record of [1, 2]) {
        const sink = createFileSink(path);
        await sink.write(
          [{ bucket: 'b', key: 'k', line: record, record }],
          { bucket: 'b', key: 'k', version: 'v', index: record - 1 },
          new AbortController().signal,
        );
        await sink.close();
      }
      expect(readFileSync(path, 'utf8')).toBe(
        '{"bucket":"b","key":"k","line":1,"record":1}\n{"bucket":"b","key":"k","line":2,"record":2}\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
