/**
 * The SDK-level S3 suite that runs against the sandbox and, as a cross-check, against moto's server:
 * only behaviour AWS documents and both implement (bucket CRUD, put/get/head/list, multipart, copy,
 * ranges, conditionals, batch delete). `defineS3Conformance` registers it for one endpoint.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import {
  type ConformanceEndpoint,
  rejectionOf,
  singleAttemptConfig,
} from '../../helpers/sandbox-test-kit.js';

export type S3Target = ConformanceEndpoint;

let counter = 0;
function bucketName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${randomBytes(3).toString('hex')}`;
}

function md5(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** The error an S3 call fails with, for asserting its name, status and message. */
export const failure = (promise: Promise<unknown>) => rejectionOf(promise, S3ServiceException);

export function makeClient(target: S3Target): S3Client {
  return new S3Client({ ...singleAttemptConfig(target), forcePathStyle: true });
}

export async function newBucket(s3: S3Client, prefix = 'conf'): Promise<string> {
  const Bucket = bucketName(prefix);
  await s3.send(new CreateBucketCommand({ Bucket }));
  return Bucket;
}

/** Registers the conformance suite against the target `getTarget()` returns once the suite runs. */
export function defineS3Conformance(label: string, getTarget: () => S3Target): void {
  describe(`S3 conformance (${label})`, () => {
    const s3 = () => makeClient(getTarget());

    describe('buckets', () => {
      it('a created bucket is listed, answers HeadBucket with its region and is gone after deletion', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        const head = await client.send(new HeadBucketCommand({ Bucket }));
        expect(head.BucketRegion).toBe('us-east-1');
        const listed = await client.send(new ListBucketsCommand({}));
        expect(listed.Buckets?.map((b) => b.Name)).toContain(Bucket);
        await client.send(new DeleteBucketCommand({ Bucket }));
        const error = await failure(client.send(new HeadBucketCommand({ Bucket })));
        expect(error.$metadata.httpStatusCode).toBe(404);
      });

      it('a bucket that still holds an object cannot be deleted', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        await client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
        const error = await failure(client.send(new DeleteBucketCommand({ Bucket })));
        expect(error.name).toBe('BucketNotEmpty');
        expect(error.$metadata.httpStatusCode).toBe(409);
      });

      it('operations on a missing bucket fail with NoSuchBucket', async () => {
        const error = await failure(
          s3().send(new GetObjectCommand({ Bucket: bucketName('missing'), Key: 'k' })),
        );
        expect(error.name).toBe('NoSuchBucket');
        expect(error.message).toBe('The specified bucket does not exist');
      });
    });

    describe('objects', () => {
      it('an object round-trips its body, content headers and user metadata, with the MD5 as ETag', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        const Body = 'hello, bucketbridge';
        const put = await client.send(
          new PutObjectCommand({
            Bucket,
            Key: 'docs/hello.txt',
            Body,
            ContentType: 'text/plain',
            ContentDisposition: 'attachment; filename="hello.txt"',
            CacheControl: 'max-age=60',
            Metadata: { origin: 'unit', 'mixed-case': 'Value' },
          }),
        );
        expect(put.ETag).toBe(`"${md5(Body)}"`);
        const got = await client.send(new GetObjectCommand({ Bucket, Key: 'docs/hello.txt' }));
        expect(await got.Body?.transformToString()).toBe(Body);
        expect(got.ContentType).toBe('text/plain');
        expect(got.ContentDisposition).toBe('attachment; filename="hello.txt"');
        expect(got.CacheControl).toBe('max-age=60');
        expect(got.Metadata).toEqual({ origin: 'unit', 'mixed-case': 'Value' });
        expect(got.ContentLength).toBe(Body.length);
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: 'docs/hello.txt' }));
        expect(head.ETag).toBe(put.ETag);
        expect(head.ContentLength).toBe(Body.length);
      });

      it('keys with spaces, plus signs, percent signs, unicode and 1,000 bytes round-trip through put, list and get', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        const keys = [
          'with space.txt',
          'plus+sign.txt',
          'percent%20literal.txt',
          'ünïcødé/日本語/😀.txt',
          `long/${'k'.repeat(995)}`,
          'a&b=c?d#e.txt',
        ];
        for (const Key of keys) await client.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
        const listed = await client.send(new ListObjectsV2Command({ Bucket }));
        expect(new Set(listed.Contents?.map((c) => c.Key))).toEqual(new Set(keys));
        for (const Key of keys) {
          const got = await client.send(new GetObjectCommand({ Bucket, Key }));
          expect(await got.Body?.transformToString()).toBe(Key);
        }
      });

      it('a missing key fails with NoSuchKey for the bucket owner', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        const error = await failure(client.send(new GetObjectCommand({ Bucket, Key: 'nope' })));
        expect(error.name).toBe('NoSuchKey');
        expect(error.$metadata.httpStatusCode).toBe(404);
      });

      it('byte ranges, open ranges and suffix ranges return 206 with Content-Range; a range past the end is 416', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        await client.send(new PutObjectCommand({ Bucket, Key: 'r', Body: '0123456789' }));
        const cases: Array<[string, string, string]> = [
          ['bytes=0-3', '0123', 'bytes 0-3/10'],
          ['bytes=6-', '6789', 'bytes 6-9/10'],
          ['bytes=-3', '789', 'bytes 7-9/10'],
          ['bytes=8-100', '89', 'bytes 8-9/10'],
        ];
        for (const [Range, body, contentRange] of cases) {
          const got = await client.send(new GetObjectCommand({ Bucket, Key: 'r', Range }));
          expect(got.$metadata.httpStatusCode).toBe(206);
          expect(got.ContentRange).toBe(contentRange);
          expect(await got.Body?.transformToString()).toBe(body);
        }
        const error = await failure(
          client.send(new GetObjectCommand({ Bucket, Key: 'r', Range: 'bytes=10-20' })),
        );
        expect(error.name).toBe('InvalidRange');
        expect(error.$metadata.httpStatusCode).toBe(416);
      });

      it('If-None-Match with the current ETag is 304 and If-Match with another ETag is 412', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        const put = await client.send(new PutObjectCommand({ Bucket, Key: 'c', Body: 'cond' }));
        const notModified = await failure(
          client.send(new GetObjectCommand({ Bucket, Key: 'c', IfNoneMatch: put.ETag })),
        );
        expect(notModified.$metadata.httpStatusCode).toBe(304);
        const failed = await failure(
          client.send(
            new GetObjectCommand({ Bucket, Key: 'c', IfMatch: '"0123456789abcdef0123456789abcdef"' }),
          ),
        );
        expect(failed.name).toBe('PreconditionFailed');
        expect(failed.$metadata.httpStatusCode).toBe(412);
        const matched = await client.send(new GetObjectCommand({ Bucket, Key: 'c', IfMatch: put.ETag }));
        expect(await matched.Body?.transformToString()).toBe('cond');
      });

      it('CopyObject copies across buckets keeping metadata, or replaces it with REPLACE', async () => {
        const client = s3();
        const source = await newBucket(client);
        const target = await newBucket(client);
        await client.send(
          new PutObjectCommand({
            Bucket: source,
            Key: 'src dir/a+b.txt',
            Body: 'copy me',
            ContentType: 'text/plain',
            Metadata: { stage: 'raw' },
          }),
        );
        const copied = await client.send(
          new CopyObjectCommand({
            Bucket: target,
            Key: 'copy.txt',
            CopySource: `${source}/${encodeURIComponent('src dir/a+b.txt')}`,
          }),
        );
        expect(copied.CopyObjectResult?.ETag).toBe(`"${md5('copy me')}"`);
        const kept = await client.send(new HeadObjectCommand({ Bucket: target, Key: 'copy.txt' }));
        expect(kept.Metadata).toEqual({ stage: 'raw' });
        expect(kept.ContentType).toBe('text/plain');
        await client.send(
          new CopyObjectCommand({
            Bucket: target,
            Key: 'replaced.txt',
            CopySource: `${source}/${encodeURIComponent('src dir/a+b.txt')}`,
            MetadataDirective: 'REPLACE',
            Metadata: { stage: 'done' },
            ContentType: 'application/json',
          }),
        );
        const replaced = await client.send(new HeadObjectCommand({ Bucket: target, Key: 'replaced.txt' }));
        expect(replaced.Metadata).toEqual({ stage: 'done' });
        expect(replaced.ContentType).toBe('application/json');
      });

      it('DeleteObject removes a key and DeleteObjects reports each deleted key', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        for (const Key of ['a', 'b', 'c'])
          await client.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
        await client.send(new DeleteObjectCommand({ Bucket, Key: 'a' }));
        const result = await client.send(
          new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'b' }, { Key: 'c' }] } }),
        );
        expect(result.Deleted?.map((d) => d.Key).sort()).toEqual(['b', 'c']);
        const listed = await client.send(new ListObjectsV2Command({ Bucket }));
        expect(listed.KeyCount).toBe(0);
      });
    });

    describe('listing', () => {
      it('ListObjectsV2 pages through 1,100 keys in UTF-8 order with continuation tokens', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        const keys = Array.from({ length: 1100 }, (_, i) => `item/${String(i).padStart(5, '0')}`);
        const limit = pLimit(16);
        await Promise.all(
          keys.map((Key) => limit(() => client.send(new PutObjectCommand({ Bucket, Key, Body: '.' })))),
        );
        const first = await client.send(new ListObjectsV2Command({ Bucket }));
        expect(first.KeyCount).toBe(1000);
        expect(first.IsTruncated).toBe(true);
        const second = await client.send(
          new ListObjectsV2Command({ Bucket, ContinuationToken: first.NextContinuationToken }),
        );
        expect(second.KeyCount).toBe(100);
        expect(second.IsTruncated).toBe(false);
        expect([...(first.Contents ?? []), ...(second.Contents ?? [])].map((c) => c.Key)).toEqual(keys);
      });

      it('a delimiter rolls keys up into CommonPrefixes and max-keys counts them', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        for (const Key of ['a/1', 'a/2', 'b/1', 'c', 'd/x/y'])
          await client.send(new PutObjectCommand({ Bucket, Key, Body: '.' }));
        const all = await client.send(new ListObjectsV2Command({ Bucket, Delimiter: '/' }));
        expect(all.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/', 'b/', 'd/']);
        expect(all.Contents?.map((c) => c.Key)).toEqual(['c']);
        const page = await client.send(new ListObjectsV2Command({ Bucket, Delimiter: '/', MaxKeys: 2 }));
        expect(page.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/', 'b/']);
        expect(page.IsTruncated).toBe(true);
        const rest = await client.send(
          new ListObjectsV2Command({
            Bucket,
            Delimiter: '/',
            MaxKeys: 2,
            ContinuationToken: page.NextContinuationToken,
          }),
        );
        expect(rest.Contents?.map((c) => c.Key)).toEqual(['c']);
        expect(rest.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['d/']);
        const under = await client.send(new ListObjectsV2Command({ Bucket, Prefix: 'd/', Delimiter: '/' }));
        expect(under.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['d/x/']);
      });

      it('ListObjectsV2 start-after and ListObjects markers resume after the given key', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        for (const Key of ['k1', 'k2', 'k3', 'k4'])
          await client.send(new PutObjectCommand({ Bucket, Key, Body: '.' }));
        const after = await client.send(new ListObjectsV2Command({ Bucket, StartAfter: 'k2' }));
        expect(after.Contents?.map((c) => c.Key)).toEqual(['k3', 'k4']);
        const v1 = await client.send(new ListObjectsCommand({ Bucket, Marker: 'k1', MaxKeys: 2 }));
        expect(v1.Contents?.map((c) => c.Key)).toEqual(['k2', 'k3']);
        expect(v1.IsTruncated).toBe(true);
      });
    });

    describe('versioning', () => {
      it('a versioned bucket keeps overwritten versions and hides a deleted key behind a delete marker', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        await client.send(
          new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }),
        );
        const v1 = await client.send(new PutObjectCommand({ Bucket, Key: 'doc', Body: 'one' }));
        const v2 = await client.send(new PutObjectCommand({ Bucket, Key: 'doc', Body: 'two' }));
        expect(v1.VersionId).toBeDefined();
        expect(v2.VersionId).not.toBe(v1.VersionId);
        const old = await client.send(new GetObjectCommand({ Bucket, Key: 'doc', VersionId: v1.VersionId }));
        expect(await old.Body?.transformToString()).toBe('one');
        const deleted = await client.send(new DeleteObjectCommand({ Bucket, Key: 'doc' }));
        expect(deleted.DeleteMarker).toBe(true);
        const missing = await failure(client.send(new GetObjectCommand({ Bucket, Key: 'doc' })));
        expect(missing.name).toBe('NoSuchKey');
        const versions = await client.send(new ListObjectVersionsCommand({ Bucket }));
        expect(versions.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
          [v2.VersionId, false],
          [v1.VersionId, false],
        ]);
        expect(versions.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).toEqual([
          [deleted.VersionId, true],
        ]);
        await client.send(new DeleteObjectCommand({ Bucket, Key: 'doc', VersionId: deleted.VersionId }));
        const back = await client.send(new GetObjectCommand({ Bucket, Key: 'doc' }));
        expect(await back.Body?.transformToString()).toBe('two');
      });
    });

    describe('multipart', () => {
      it('lib-storage uploads 12 MiB in 5 MiB parts; the ETag is the MD5 of the part MD5s with -3', async () => {
        const client = s3();
        const Bucket = await newBucket(client);
        const body = randomBytes(12 * 1024 * 1024);
        const upload = new Upload({
          client,
          params: { Bucket, Key: 'big/file.bin', Body: body },
          partSize: 5 * 1024 * 1024,
        });
        const done = await upload.done();
        const partMd5s = [0, 1, 2].map((i) =>
          createHash('md5')
            .update(body.subarray(i * 5 * 1024 * 1024, (i + 1) * 5 * 1024 * 1024))
            .digest(),
        );
        expect(done.ETag).toBe(`"${md5(Buffer.concat(partMd5s))}-3"`);
        const got = await client.send(new GetObjectCommand({ Bucket, Key: 'big/file.bin' }));
        const bytes = Buffer.from(await got.Body!.transformToByteArray());
        expect(bytes.length).toBe(body.length);
        expect(md5(bytes)).toBe(md5(body));
        const tail = await client.send(
          new GetObjectCommand({ Bucket, Key: 'big/file.bin', Range: 'bytes=-10' }),
        );
        expect(Buffer.from(await tail.Body!.transformToByteArray())).toEqual(body.subarray(body.length - 10));
      });
    });
  });
}
