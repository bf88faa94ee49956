/**
 * `--state DIR` for S3: a sandbox restarted on the same directory serves every bucket, object body,
 * version, policy and unfinished multipart upload it had.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { describe, expect, it } from 'vitest';
import { startTestSandbox, uniqueName } from '../../helpers/sandbox.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';

const stateDir = useTempFolder('bb-s3-state-');

describe('S3 under --state', () => {
  it('a restarted sandbox serves the buckets, bodies, versions, policy and pending uploads it had', async () => {
    const Bucket = uniqueName('state');
    const big = randomBytes(6 * 1024 * 1024 + 17);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: `arn:aws:s3:::${Bucket}` },
      ],
    });

    const first = await startTestSandbox({ stateDir: stateDir });
    const s3 = new S3Client({ ...first.sdkConfig('customer'), region: 'eu-west-1', maxAttempts: 1 });
    await s3.send(
      new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    );
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'doc.txt', Body: 'first' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'doc.txt', Body: 'second' }));
    await new Upload({
      client: s3,
      params: { Bucket, Key: 'big.bin', Body: big },
      partSize: 5 * 1024 * 1024,
    }).done();
    const pending = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'pending.bin' }));
    await first.close();

    const second = await startTestSandbox({ stateDir: stateDir });
    try {
      const again = new S3Client({ ...second.sdkConfig('customer'), region: 'eu-west-1', maxAttempts: 1 });
      expect((await again.send(new HeadBucketCommand({ Bucket }))).BucketRegion).toBe('eu-west-1');
      expect((await again.send(new GetBucketPolicyCommand({ Bucket }))).Policy).toBe(policy);
      const current = await again.send(new GetObjectCommand({ Bucket, Key: 'doc.txt' }));
      expect(await current.Body?.transformToString()).toBe('second');
      const old = await again.send(new GetObjectCommand({ Bucket, Key: 'doc.txt', VersionId: v1.VersionId }));
      expect(await old.Body?.transformToString()).toBe('first');
      expect(
        (await again.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'doc' }))).Versions,
      ).toHaveLength(2);
      const restored = await again.send(new GetObjectCommand({ Bucket, Key: 'big.bin' }));
      const bytes = Buffer.from(await restored.Body!.transformToByteArray());
      expect(createHash('md5').update(bytes).digest('hex')).toBe(createHash('md5').update(big).digest('hex'));
      expect(restored.ETag).toMatch(/-2"$/);
      const uploads = await again.send(new ListMultipartUploadsCommand({ Bucket }));
      expect(uploads.Uploads?.map((u) => u.UploadId)).toEqual([pending.UploadId]);
    } finally {
      await second.close();
    }
  });
});
