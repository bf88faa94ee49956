/**
 * What a streamed output sends to S3 (the sandbox): parts of the size chosen for the expected
 * output, and on every request exactly one checksum (CRC32, computed once by the SDK), which an
 * Object Lock destination requires and which nothing duplicates (no Content-MD5 besides it). The
 * object stored is byte for byte the stream.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadStream } from '../../../src/pipeline/output-writer.js';
import { startTestSandbox, type TestSandbox, uniqueName } from '../../helpers/sandbox.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

interface SentRequest {
  operation: string;
  headers: Record<string, string>;
}

let sandbox: TestSandbox;
let s3: S3Client;
let bucket: string;
/** Every request the client sent, with its headers as they went out (after checksums and signing). */
const sent: SentRequest[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox();
  s3 = new S3Client(sandbox.sdkConfig('customer'));
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const { headers } = args.request as { headers: Record<string, string> };
      sent.push({ operation: context.commandName ?? '', headers: { ...headers } });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordSentRequests', priority: 'low' },
  );
  bucket = uniqueName('upload-stream');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  s3.destroy();
  await sandbox.close();
});

/** `size` bytes of random data in 64 KiB chunks, and its SHA-256. */
function randomStream(size: number): { body: Readable; sha256: string } {
  const data = randomBytes(size);
  const chunks: Buffer[] = [];
  for (let at = 0; at < size; at += 64 * 1024) chunks.push(data.subarray(at, at + 64 * 1024));
  return { body: Readable.from(chunks), sha256: createHash('sha256').update(data).digest('hex') };
}

async function upload(key: string, size: number, expectedBytes?: number) {
  const { body, sha256 } = randomStream(size);
  sent.length = 0;
  const bytes = await uploadStream({
    s3,
    bucket,
    key,
    body,
    contentType: 'application/octet-stream',
    metadata: {},
    destination: {},
    signal: new AbortController().signal,
    expectedBytes,
  });
  const requests = [...sent];
  const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const storedSha256 = createHash('sha256')
    .update(await stored.Body!.transformToByteArray())
    .digest('hex');
  return { bytes, sha256, storedSha256, requests };
}

/** The names of the `x-amz-checksum-<algorithm>` headers (values), and whether Content-MD5 went too. */
function checksumHeaders(headers: Record<string, string>): string[] {
  return Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter(
      (name) =>
        (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-algorithm') || name === 'content-md5',
    )
    .sort();
}

describe('uploadStream', () => {
  it('uploads 20 MiB as 8 MiB parts, each with exactly one checksum (CRC32), and stores every byte', async () => {
    const result = await upload('twenty.bin', 20 * MIB, 20 * MIB);

    expect(result.bytes).toBe(20 * MIB);
    expect(result.storedSha256).toBe(result.sha256);
    expect(result.requests.map((r) => r.operation).sort()).toEqual([
      'CompleteMultipartUploadCommand',
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'UploadPartCommand',
    ]);
    const create = result.requests.find((r) => r.operation === 'CreateMultipartUploadCommand')!;
    expect(create.headers['x-amz-checksum-algorithm']).toBe('CRC32');
    const parts = result.requests.filter((r) => r.operation === 'UploadPartCommand');
    for (const part of parts) expect(checksumHeaders(part.headers)).toEqual(['x-amz-checksum-crc32']);
    expect(parts.map((p) => Number(p.headers['content-length'])).sort((a, b) => b - a)).toEqual([
      8 * MIB,
      8 * MIB,
      4 * MIB,
    ]);

    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'twenty.bin', ChecksumMode: 'ENABLED' }),
    );
    expect(head.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==-3$/);
  });

  it('sends an output below the part size as one PutObject with exactly one checksum (CRC32)', async () => {
    const result = await upload('small.bin', 3 * MIB, 3 * MIB);

    expect(result.storedSha256).toBe(result.sha256);
    expect(result.requests.map((r) => r.operation)).toEqual(['PutObjectCommand']);
    expect(checksumHeaders(result.requests[0]!.headers)).toEqual(['x-amz-checksum-crc32']);
  });

  it('uses larger parts when the output is expected to be larger than 10,000 parts of 8 MiB hold', async () => {
    // 100 GiB expected: 13 MiB parts (room for 125 GiB); 14 MiB sent is enough to see the size.
    const result = await upload('large.bin', 14 * MIB, 100 * GIB);

    expect(result.bytes).toBe(14 * MIB);
    expect(result.storedSha256).toBe(result.sha256);
    const parts = result.requests.filter((r) => r.operation === 'UploadPartCommand');
    expect(parts.map((p) => Number(p.headers['content-length'])).sort((a, b) => b - a)).toEqual([
      13 * MIB,
      1 * MIB,
    ]);
  });
});
