/**
 * Every S3 denial a cross-account setup meets, through the AWS SDK v3 against the sandbox: the
 * vendor account reaching into the customer's bucket without and with a bucket policy, explicit
 * denies, the condition keys S3 supplies (s3:prefix, s3:x-amz-acl, aws:SecureTransport), and
 * AccessDenied instead of NoSuchKey for callers who may not list the bucket.
 */
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { failure, newBucket } from './s3-conformance.js';

let sandbox: TestSandbox;
let customer: S3Client;
let vendor: S3Client;
let vendorArn: string;
beforeAll(async () => {
  sandbox = await startTestSandbox();
  customer = new S3Client({ ...sandbox.sdkConfig('customer'), maxAttempts: 1 });
  vendor = new S3Client({ ...sandbox.sdkConfig('vendor'), maxAttempts: 1 });
  vendorArn = `arn:aws:iam::${sandbox.accounts.vendor.id}:root`;
});
afterAll(() => sandbox.close());

function denial(action: string, resource: string, why: string): string {
  return `User: ${vendorArn} is not authorized to perform: ${action} on resource: "${resource}" ${why}`;
}

/** The message when no resource-based policy allows the vendor `action` on `resource`. */
const noAllowFor = (action: string, resource: string) =>
  denial(action, resource, `because no resource-based policy allows the ${action} action`);

/** A bucket-policy statement about the vendor account (`VENDOR`; `BUCKET` stands for the bucket's name). */
function vendorStatement(Effect: 'Allow' | 'Deny', Action: string, Resource: string, Condition?: object) {
  return { Effect, Principal: { AWS: 'VENDOR' }, Action, Resource, ...(Condition ? { Condition } : {}) };
}

async function bucketWithPolicy(statements: object[]): Promise<string> {
  const Bucket = await newBucket(customer, 'authz');
  const policy = {
    Version: '2012-10-17',
    Statement: statements.map((s) =>
      JSON.parse(JSON.stringify(s).replaceAll('BUCKET', Bucket).replaceAll('VENDOR', vendorArn)),
    ),
  };
  await customer.send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify(policy) }));
  return Bucket;
}

describe('cross-account access without a bucket policy', () => {
  it('GetObject from another account is AccessDenied naming the missing resource-based allow', async () => {
    const Bucket = await newBucket(customer, 'authz');
    await customer.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'private' }));
    const error = await failure(vendor.send(new GetObjectCommand({ Bucket, Key: 'k' })));
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(noAllowFor('s3:GetObject', `arn:aws:s3:::${Bucket}/k`));
  });

  it('HeadBucket from another account is 403 and still tells the bucket region', async () => {
    const Bucket = await newBucket(customer, 'authz');
    const error = await failure(vendor.send(new HeadBucketCommand({ Bucket })));
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.$response?.headers['x-amz-bucket-region']).toBe('us-east-1');
  });

  it("ListBuckets lists only the caller's own buckets", async () => {
    const Bucket = await newBucket(customer, 'authz');
    const mine = await vendor.send(new ListBucketsCommand({}));
    expect(mine.Buckets?.map((b) => b.Name) ?? []).not.toContain(Bucket);
  });

  it('CopyObject needs s3:GetObject on the source even when the destination is the caller’s own bucket', async () => {
    const source = await newBucket(customer, 'authz');
    await customer.send(new PutObjectCommand({ Bucket: source, Key: 'secret', Body: 'x' }));
    const target = await newBucket(vendor, 'authz');
    const error = await failure(
      vendor.send(new CopyObjectCommand({ Bucket: target, Key: 'stolen', CopySource: `${source}/secret` })),
    );
    expect(error.message).toBe(noAllowFor('s3:GetObject', `arn:aws:s3:::${source}/secret`));
  });
});

describe('cross-account access granted by a bucket policy', () => {
  it('a GetObject grant on a prefix allows keys under it and nothing else', async () => {
    const Bucket = await bucketWithPolicy([
      vendorStatement('Allow', 's3:GetObject', 'arn:aws:s3:::BUCKET/shared/*'),
    ]);
    await customer.send(new PutObjectCommand({ Bucket, Key: 'shared/a', Body: 'ok' }));
    await customer.send(new PutObjectCommand({ Bucket, Key: 'private/b', Body: 'no' }));
    const got = await vendor.send(new GetObjectCommand({ Bucket, Key: 'shared/a' }));
    expect(await got.Body?.transformToString()).toBe('ok');
    const error = await failure(vendor.send(new GetObjectCommand({ Bucket, Key: 'private/b' })));
    expect(error.name).toBe('AccessDenied');
  });

  it('a missing key is AccessDenied without s3:ListBucket and NoSuchKey with it', async () => {
    const Bucket = await bucketWithPolicy([
      vendorStatement('Allow', 's3:GetObject', 'arn:aws:s3:::BUCKET/*'),
    ]);
    const hidden = await failure(vendor.send(new GetObjectCommand({ Bucket, Key: 'absent' })));
    expect(hidden.name).toBe('AccessDenied');
    expect(hidden.message).toBe(noAllowFor('s3:ListBucket', `arn:aws:s3:::${Bucket}`));
    const listable = await bucketWithPolicy([
      vendorStatement('Allow', 's3:GetObject', 'arn:aws:s3:::BUCKET/*'),
      vendorStatement('Allow', 's3:ListBucket', 'arn:aws:s3:::BUCKET'),
    ]);
    const missing = await failure(vendor.send(new GetObjectCommand({ Bucket: listable, Key: 'absent' })));
    expect(missing.name).toBe('NoSuchKey');
  });

  it('a ListBucket grant conditioned on s3:prefix allows listing that prefix only', async () => {
    const Bucket = await bucketWithPolicy([
      vendorStatement('Allow', 's3:ListBucket', 'arn:aws:s3:::BUCKET', {
        StringLike: { 's3:prefix': ['incoming/*'] },
      }),
    ]);
    await customer.send(new PutObjectCommand({ Bucket, Key: 'incoming/1', Body: 'x' }));
    const listed = await vendor.send(new ListObjectsV2Command({ Bucket, Prefix: 'incoming/' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['incoming/1']);
    const error = await failure(vendor.send(new ListObjectsV2Command({ Bucket, Prefix: 'other/' })));
    expect(error.name).toBe('AccessDenied');
    const whole = await failure(vendor.send(new ListObjectsV2Command({ Bucket })));
    expect(whole.name).toBe('AccessDenied');
  });

  it('a PutObject grant conditioned on s3:x-amz-acl requires the bucket-owner-full-control header', async () => {
    const Bucket = await bucketWithPolicy([
      vendorStatement('Allow', 's3:PutObject', 'arn:aws:s3:::BUCKET/*', {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' },
      }),
    ]);
    const error = await failure(vendor.send(new PutObjectCommand({ Bucket, Key: 'out', Body: 'x' })));
    expect(error.message).toBe(noAllowFor('s3:PutObject', `arn:aws:s3:::${Bucket}/out`));
    await vendor.send(
      new PutObjectCommand({ Bucket, Key: 'out', Body: 'x', ACL: 'bucket-owner-full-control' }),
    );
    const got = await customer.send(new GetObjectCommand({ Bucket, Key: 'out' }));
    expect(await got.Body?.transformToString()).toBe('x');
  });
});

describe('expected bucket owner', () => {
  it('a request naming another account as ExpectedBucketOwner is AccessDenied; the right owner passes', async () => {
    const Bucket = await bucketWithPolicy([
      vendorStatement('Allow', 's3:PutObject', 'arn:aws:s3:::BUCKET/*'),
    ]);
    const wrong = await failure(
      vendor.send(
        new PutObjectCommand({
          Bucket,
          Key: 'k',
          Body: 'x',
          ExpectedBucketOwner: sandbox.accounts.vendor.id,
        }),
      ),
    );
    expect(wrong.name).toBe('AccessDenied');
    expect(wrong.message).toBe('Access Denied');
    await vendor.send(
      new PutObjectCommand({
        Bucket,
        Key: 'k',
        Body: 'x',
        ExpectedBucketOwner: sandbox.accounts.customer.id,
      }),
    );
  });
});

describe('explicit denies', () => {
  it('an explicit Deny in the bucket policy wins over an Allow', async () => {
    const Bucket = await bucketWithPolicy([
      vendorStatement('Allow', 's3:GetObject', 'arn:aws:s3:::BUCKET/*'),
      vendorStatement('Deny', 's3:GetObject', 'arn:aws:s3:::BUCKET/locked/*'),
    ]);
    await customer.send(new PutObjectCommand({ Bucket, Key: 'locked/x', Body: 'x' }));
    const error = await failure(vendor.send(new GetObjectCommand({ Bucket, Key: 'locked/x' })));
    expect(error.message).toBe(
      denial(
        's3:GetObject',
        `arn:aws:s3:::${Bucket}/locked/x`,
        'with an explicit deny in a resource-based policy',
      ),
    );
  });

  it('a Deny on aws:SecureTransport false refuses even the owner over the sandbox’s plain HTTP', async () => {
    const Bucket = await bucketWithPolicy([
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::BUCKET', 'arn:aws:s3:::BUCKET/*'],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    const error = await failure(customer.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' })));
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toContain('with an explicit deny in a resource-based policy');
  });

  it('DeleteObjects reports AccessDenied per key the caller may not delete and deletes the others', async () => {
    const Bucket = await bucketWithPolicy([
      vendorStatement('Allow', 's3:DeleteObject', 'arn:aws:s3:::BUCKET/tmp/*'),
    ]);
    for (const Key of ['tmp/1', 'keep/2'])
      await customer.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
    const result = await vendor.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'tmp/1' }, { Key: 'keep/2' }] } }),
    );
    expect(result.Deleted?.map((d) => d.Key)).toEqual(['tmp/1']);
    expect(result.Errors?.map((e) => [e.Key, e.Code, e.Message])).toEqual([
      ['keep/2', 'AccessDenied', 'Access Denied'],
    ]);
    const left = await customer.send(new ListObjectsV2Command({ Bucket }));
    expect(left.Contents?.map((c) => c.Key)).toEqual(['keep/2']);
  });
});
