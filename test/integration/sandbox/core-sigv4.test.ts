import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { AwsChunkedDecoder } from '../../../sandbox/auth/aws-chunked.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { echoQuery, echoS3, type Received } from './core-echo-service.js';
import {
  type ChunkedOptions,
  crc32Base64,
  errorCode,
  putChunked,
  s3Signer,
  send,
  signPut,
} from './core-raw-request.js';

const log: Received[] = [];
let sandbox: TestSandbox;
let s3: S3Client;

beforeAll(async () => {
  sandbox = await startTestSandbox({
    services: { s3: echoS3(log), sts: echoQuery('sts', log), sqs: echoQuery('sqs', log) },
  });
  s3 = new S3Client({ ...sandbox.sdkConfig('customer'), maxAttempts: 1 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  log.length = 0;
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const payload = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));

/** PUTs the test payload to `path` as the customer in 64 KiB aws-chunked pieces of the given form. */
const putPayloadChunked = (path: string, form: Pick<ChunkedOptions, 'signed' | 'trailer' | 'tamper'>) =>
  putChunked({
    endpoint: sandbox.endpoint,
    credentials: sandbox.accounts.customer,
    path,
    payload,
    chunkSize: 65_536,
    ...form,
  });

describe('the header form of SigV4', () => {
  test.each([
    ['a plain key', 'plain.txt'],
    ['a key with spaces, + and %', 'dir/a b+c%d.txt'],
    ['a unicode key', 'répertoire/日本語 ✓.txt'],
    ['a 1,000-byte key', `k/${'x'.repeat(998)}`],
  ])('an SDK PutObject with %s is accepted and the service gets the exact bytes', async (_label, key) => {
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-a', Key: key, Body: payload }));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ operation: 'PutObject', sha256: sha256(payload), length: payload.length });
    expect(log[0]!.callerArn).toBe('arn:aws:iam::222222222222:root');
    expect(decodeURIComponent(log[0]!.path)).toBe(`/bucket-a/${key}`);
  });

  test('the query protocol (STS) and JSON 1.0 (SQS) are verified and routed by the credential scope', async () => {
    const sts = new STSClient({ ...sandbox.sdkConfig('vendor'), maxAttempts: 1 });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe('arn:aws:iam::111111111111:root');
    await new SQSClient({ ...sandbox.sdkConfig('vendor'), maxAttempts: 1 }).send(new ListQueuesCommand({}));
    expect(log.map((r) => r.operation)).toEqual(['GetCallerIdentity', 'ListQueues']);
  });
});

describe('aws-chunked bodies', () => {
  test.each(['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const)(
    'an SDK streaming upload (unsigned payload, %s trailer) is de-chunked and its trailer verified',
    async (algorithm) => {
      await s3.send(
        new PutObjectCommand({
          Bucket: 'bucket-a',
          Key: 'streamed',
          Body: Readable.from([payload.subarray(0, 70_000), payload.subarray(70_000)]),
          ContentLength: payload.length,
          ChecksumAlgorithm: algorithm,
        }),
      );
      expect(log[0]).toMatchObject({ sha256: sha256(payload), length: payload.length });
      expect(log[0]!.headers['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
      expect(log[0]!.headers['content-length']).toBe(String(payload.length));
      expect(log[0]!.headers['content-encoding']).toBeUndefined();
      expect(log[0]!.headers[`x-amz-checksum-${algorithm.toLowerCase()}`]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    },
  );

  test.each([
    ['signed chunks', { signed: true }],
    ['signed chunks with a signed CRC32 trailer', { signed: true, trailer: {} }],
    ['unsigned chunks with a CRC32 trailer', { signed: false, trailer: {} }],
  ])('a body sent as %s is accepted and decoded exactly', async (_label, form) => {
    const res = await putPayloadChunked('/bucket-a/chunked', form);
    expect(res.status).toBe(200);
    expect(log[0]).toMatchObject({ sha256: sha256(payload), length: payload.length });
  });

  test('a chunk changed after signing is refused with 403 SignatureDoesNotMatch', async () => {
    const res = await putPayloadChunked('/bucket-a/tampered', { signed: true, tamper: true });
    expect(res.status).toBe(403);
    expect(errorCode(res.body)).toBe('SignatureDoesNotMatch');
  });

  test('a trailing CRC32 that does not match the body is refused with 400 BadDigest', async () => {
    const res = await putPayloadChunked('/bucket-a/bad-crc', {
      signed: false,
      trailer: { value: crc32Base64(Buffer.from('something else')) },
    });
    expect(res.status).toBe(400);
    expect(errorCode(res.body)).toBe('BadDigest');
    expect(res.body).toContain(
      '<Message>The CRC32 you specified did not match the calculated checksum.</Message>',
    );
  });

  test("chunk signatures follow AWS's published example (66,560 bytes of 'a' in 64 KiB chunks)", async () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    let key = createHmac('sha256', `AWS4${secret}`).update('20130524').digest();
    for (const part of ['us-east-1', 's3', 'aws4_request'])
      key = createHmac('sha256', key).update(part).digest();
    const decoder = new AwsChunkedDecoder({
      signing: {
        key,
        amzDate: '20130524T000000Z',
        scope: '20130524/us-east-1/s3/aws4_request',
        seedSignature: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
      },
      decodedLength: 66_560,
    });
    const body = Buffer.concat([
      Buffer.from(
        '10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n',
      ),
      Buffer.alloc(65_536, 'a'),
      Buffer.from(
        '\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n',
      ),
      Buffer.alloc(1024, 'a'),
      Buffer.from(
        '\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n',
      ),
    ]);
    const decoded: Buffer[] = [];
    // Fed in uneven pieces, as a socket delivers them.
    for (let i = 0; i < body.length; i += 7_001) decoder.write(body.subarray(i, i + 7_001));
    decoder.end();
    for await (const chunk of decoder) decoded.push(chunk as Buffer);
    expect(Buffer.concat(decoded).equals(Buffer.alloc(66_560, 'a'))).toBe(true);
  });
});

describe('virtual-host addressing', () => {
  test('a request for bucket.localhost:PORT reaches the bucket as if path-style', async () => {
    const port = new URL(sandbox.endpoint).port;
    const body = Buffer.from('virtual host');
    // *.localhost does not resolve on every machine: the request goes to 127.0.0.1 with this Host header.
    const res = await putWithPayloadHash(
      new URL(`http://bucket-v.localhost:${port}/dir/key%20one`),
      body,
      body,
    );
    expect(res.status).toBe(200);
    expect(log[0]).toMatchObject({
      path: '/bucket-v/dir/key%20one',
      operation: 'PutObject',
      sha256: sha256(body),
    });
  });
});

describe('the payload hash', () => {
  test('a body that does not match its signed x-amz-content-sha256 is refused with 400 XAmzContentSHA256Mismatch', async () => {
    const res = await putWithPayloadHash(
      new URL('/bucket-a/hash', sandbox.endpoint),
      Buffer.from('what was signed'),
      Buffer.from('what was sent!!'),
    );
    expect(res.status).toBe(400);
    expect(errorCode(res.body)).toBe('XAmzContentSHA256Mismatch');
  });
});

/**
 * PUTs `sentBody` to `url` (sent to the sandbox's own address with `url`'s Host header), signed as
 * the customer with `signedBody`'s SHA-256 as its payload hash.
 */
async function putWithPayloadHash(url: URL, signedBody: Buffer, sentBody: Buffer) {
  const signed = await signPut(s3Signer(sandbox.accounts.customer), url, {
    host: url.host,
    'x-amz-content-sha256': sha256(signedBody),
    'content-length': String(sentBody.length),
  });
  return send(sandbox.endpoint, {
    method: 'PUT',
    path: url.pathname,
    headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)])),
    body: sentBody,
  });
}

describe('presigned URLs', () => {
  test('a presigned GetObject URL works without any other credentials', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'bucket-a', Key: 'a b+c' }), {
      expiresIn: 60,
    });
    const res = await fetch(`${url}&size=1000`.replace('&size=1000', ''));
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(1024 * 1024);
    expect(log[0]).toMatchObject({ operation: 'GetObject', callerArn: 'arn:aws:iam::222222222222:root' });
  });

  test('a presigned URL for another key is refused with 403 SignatureDoesNotMatch', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'bucket-a', Key: 'one' }), {
      expiresIn: 60,
    });
    const res = await fetch(url.replace('/one?', '/two?'));
    expect(res.status).toBe(403);
    expect(errorCode(await res.text())).toBe('SignatureDoesNotMatch');
  });

  test('an expired presigned URL is refused with 403 AccessDenied "Request has expired"', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'bucket-a', Key: 'old' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });
    const res = await fetch(url);
    const body = await res.text();
    expect(res.status).toBe(403);
    expect(errorCode(body)).toBe('AccessDenied');
    expect(body).toContain('<Message>Request has expired</Message><X-Amz-Expires>60</X-Amz-Expires>');
    expect(log).toHaveLength(0);
  });
});
