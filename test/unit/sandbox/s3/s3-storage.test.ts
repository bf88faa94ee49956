/**
 * The blob store and --state persistence: bodies stream to a temporary file renamed into place only
 * when complete, a failed upload leaves nothing, a replaced file outlives its readers, and a
 * restarted service serves every object it had.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../../../../sandbox/s3/blob-store.js';
import { createS3Service } from '../../../../sandbox/s3/s3-service.js';
import { bodyText, fakeContext, s3Request } from './fake-s3-context.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bb-s3-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('BlobStore', () => {
  it('a body still streaming exists only as a temporary file; the object file appears when it is complete', async () => {
    const dir = tempDir();
    const store = new BlobStore({ dir });
    const body = new PassThrough();
    const ingesting = store.ingest(body, { checksumAlgorithm: 'CRC32' });
    body.write(Buffer.alloc(1024, 1));
    await expect.poll(() => readdirSync(join(dir, 'tmp')).length).toBe(1);
    expect(readdirSync(join(dir, 'objects'))).toEqual([]);
    body.end(Buffer.alloc(1024, 2));
    const result = await ingesting;
    expect(result.size).toBe(2048);
    expect(result.checksum).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    expect(readdirSync(join(dir, 'objects'))).toHaveLength(1);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    const bytes = await readAll(store.read([result.segment], 1020, 1030));
    expect([...bytes]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  });

  it('a body that fails mid-stream leaves no file behind and rethrows the failure', async () => {
    const dir = tempDir();
    const store = new BlobStore({ dir });
    async function* broken() {
      yield Buffer.alloc(4096);
      throw new Error('client went away');
    }
    await expect(store.ingest(broken())).rejects.toThrow('client went away');
    expect(readdirSync(join(dir, 'objects'))).toEqual([]);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('a body over the size limit is EntityTooLarge', async () => {
    const store = new BlobStore({ dir: tempDir() });
    await expect(store.ingest(Readable.from([Buffer.alloc(100)]), { maxBytes: 10 })).rejects.toThrow(
      'Your proposed upload exceeds the maximum allowed size',
    );
  });

  it('small bodies stay in memory without a state directory; larger ones go to a file', async () => {
    const store = new BlobStore({ memoryLimitBytes: 16 });
    const small = await store.ingest(Readable.from([Buffer.from('tiny')]));
    const large = await store.ingest(Readable.from([Buffer.alloc(64, 7)]));
    expect(small.segment.kind).toBe('memory');
    expect(large.segment.kind).toBe('file');
  });

  it('a released file is kept until the download streaming it finishes', async () => {
    const dir = tempDir();
    const store = new BlobStore({ dir });
    const { segment } = await store.ingest(Readable.from([Buffer.alloc(1024 * 1024, 3)]));
    const download = store.read([segment], 0, 1024 * 1024);
    store.release([segment]);
    expect(readdirSync(join(dir, 'objects'))).toHaveLength(1);
    expect((await readAll(download)).length).toBe(1024 * 1024);
    await expect.poll(() => readdirSync(join(dir, 'objects')).length).toBe(0);
  });
});

describe('--state persistence', () => {
  it('a restarted service serves the objects, metadata and uploads of the snapshot and sweeps unreferenced files', async () => {
    const stateDir = tempDir();
    const first = createS3Service(fakeContext({ stateDir }));
    await first.handle(s3Request('PUT', '/kept'));
    const put = await first.handle(
      s3Request('PUT', '/kept/dir/a%20b.txt', {
        body: 'persisted body',
        headers: { 'content-type': 'text/plain', 'x-amz-meta-origin': 'test' },
      }),
    );
    const created = await bodyText((await first.handle(s3Request('POST', '/kept/pending?uploads'))).body);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)![1]!;
    await first.handle(
      s3Request('PUT', `/kept/pending?partNumber=1&uploadId=${uploadId}`, { body: 'part one' }),
    );
    const snapshot = JSON.parse(JSON.stringify(first.snapshot!()));
    writeFileSync(join(stateDir, 's3', 'objects', 'orphan-from-a-crash'), 'x');

    const second = createS3Service(fakeContext({ stateDir }));
    second.restore!(snapshot);
    const got = await second.handle(s3Request('GET', '/kept/dir/a%20b.txt'));
    expect(got.status).toBe(200);
    expect(await bodyText(got.body)).toBe('persisted body');
    expect(got.headers).toMatchObject({
      etag: put.headers?.etag,
      'content-type': 'text/plain',
      'x-amz-meta-origin': 'test',
    });
    const parts = await bodyText(
      (await second.handle(s3Request('GET', `/kept/pending?uploadId=${uploadId}`))).body,
    );
    expect(parts).toContain('<PartNumber>1</PartNumber>');
    expect(readdirSync(join(stateDir, 's3', 'objects'))).not.toContain('orphan-from-a-crash');
    expect(readdirSync(join(stateDir, 's3', 'objects'))).toHaveLength(2);
  });

  it('a snapshot in an unknown format is refused instead of starting empty', () => {
    const service = createS3Service(fakeContext({ stateDir: tempDir() }));
    expect(() => service.restore!({ version: 2, buckets: [] })).toThrow(
      'The saved S3 state has format version 2; this sandbox reads version 1. Start with another --state directory or remove its s3 state.',
    );
  });
});
