/**
 * Sandbox S3 behaviours beyond the moto cross-check, through the AWS SDK v3: AWS's exact error codes
 * and messages, checksums, conditional writes, URL-encoded listings, regions, Object Ownership and
 * ACLs, bucket policies, tagging and multipart rules.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Crc32 } from '@aws-sdk/checksums/crc';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketPolicyCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../helpers/sandbox.js';
import { useS3Sandbox } from '../../helpers/sandbox-clients.js';
import { failure, newBucket } from './s3-conformance.js';

const { sandbox, s3 } = useS3Sandbox();

/** The error a PutObject of `input` fails with. */
const putFailure = (input: PutObjectCommandInput) => failure(s3.send(new PutObjectCommand(input)));
/** Base64 digests, as Content-MD5 and x-amz-checksum-sha256 carry them. */
const md5Of = (text: string) => createHash('md5').update(text).digest('base64');
const sha256Of = (text: string) => createHash('sha256').update(text).digest('base64');

function clientIn(region: string, followRegionRedirects = false): S3Client {
  return new S3Client({ ...sandbox.sdkConfig('customer'), region, followRegionRedirects, maxAttempts: 1 });
}

const MiB = 1024 * 1024;

describe('bucket rules', () => {
  it.each([
    ['Upper_Case'],
    ['ab'],
    ['-starts-with-hyphen'],
    ['two..dots'],
    ['192.168.1.1'],
    ['xn--reserved'],
  ])('the name %s is refused with InvalidBucketName', async (Bucket) => {
    const error = await failure(s3.send(new CreateBucketCommand({ Bucket })));
    expect(error.name).toBe('InvalidBucketName');
    expect(error.message).toBe('The specified bucket is not valid.');
  });

  it("another account's bucket name is BucketAlreadyExists; your own outside us-east-1 is BucketAlreadyOwnedByYou", async () => {
    const Bucket = uniqueName('owned');
    const eu = clientIn('eu-west-1');
    await eu.send(
      new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    );
    const again = await failure(
      eu.send(
        new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
      ),
    );
    expect(again.name).toBe('BucketAlreadyOwnedByYou');
    expect(again.$metadata.httpStatusCode).toBe(409);
    const vendor = new S3Client({ ...sandbox.sdkConfig('vendor'), region: 'eu-west-1', maxAttempts: 1 });
    const taken = await failure(
      vendor.send(
        new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
      ),
    );
    expect(taken.name).toBe('BucketAlreadyExists');
  });

  it('LocationConstraint gives the bucket its region, reported by GetBucketLocation and HeadBucket', async () => {
    const Bucket = uniqueName('region');
    await clientIn('eu-central-1').send(
      new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }),
    );
    const location = await s3.send(new GetBucketLocationCommand({ Bucket }));
    expect(location.LocationConstraint).toBe('eu-central-1');
    const head = await clientIn('eu-central-1').send(new HeadBucketCommand({ Bucket }));
    expect(head.BucketRegion).toBe('eu-central-1');
    const usEast = await newBucket(s3);
    expect(
      (await s3.send(new GetBucketLocationCommand({ Bucket: usEast }))).LocationConstraint,
    ).toBeUndefined();
  });

  it('a request signed for the wrong region is redirected with x-amz-bucket-region, which the SDK can follow', async () => {
    const Bucket = uniqueName('redirect');
    const eu = clientIn('eu-west-1');
    await eu.send(
      new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    );
    await eu.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'far away' }));
    const redirect = await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'k' })));
    expect(redirect.name).toBe('PermanentRedirect');
    expect(redirect.$metadata.httpStatusCode).toBe(301);
    expect(redirect.$response?.headers['x-amz-bucket-region']).toBe('eu-west-1');
    const malformed = await failure(clientIn('ap-south-1').send(new GetObjectCommand({ Bucket, Key: 'k' })));
    expect(malformed.name).toBe('AuthorizationHeaderMalformed');
    expect(malformed.message).toBe(
      "The authorization header is malformed; the region 'ap-south-1' is wrong; expecting 'eu-west-1'",
    );
    const followed = await clientIn('us-east-1', true).send(new GetObjectCommand({ Bucket, Key: 'k' }));
    expect(await followed.Body?.transformToString()).toBe('far away');
  });
});

describe('object writes', () => {
  it('a wrong Content-MD5 is BadDigest and stores nothing', async () => {
    const Bucket = await newBucket(s3);
    const error = await putFailure({ Bucket, Key: 'md5', Body: 'payload', ContentMD5: md5Of('other') });
    expect(error.name).toBe('BadDigest');
    expect(error.message).toBe('The Content-MD5 you specified did not match what we received.');
    expect((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount).toBe(0);
  });

  it('a SHA256 checksum is validated, stored and returned when checksum mode is enabled', async () => {
    const Bucket = await newBucket(s3);
    const expected = sha256Of('checked');
    const put = await s3.send(
      new PutObjectCommand({ Bucket, Key: 'sum', Body: 'checked', ChecksumAlgorithm: 'SHA256' }),
    );
    expect(put.ChecksumSHA256).toBe(expected);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'sum', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(expected);
    const wrong = await putFailure({ Bucket, Key: 'bad', Body: 'checked', ChecksumSHA256: sha256Of('x') });
    expect(wrong.name).toBe('BadDigest');
    expect(wrong.message).toBe('The sha256 you specified did not match the calculated checksum.');
  });

  it('a streamed body sent aws-chunked with a trailing CRC32 is stored and its CRC32 returned', async () => {
    const Bucket = await newBucket(s3);
    const data = Buffer.alloc(300 * 1024, 'z');
    const put = await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: 'streamed',
        Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]),
        ContentLength: data.length,
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    const crc = new Crc32();
    crc.update(data);
    const expected = Buffer.from(await crc.digest()).toString('base64');
    expect(put.ChecksumCRC32).toBe(expected);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'streamed', ChecksumMode: 'ENABLED' }));
    expect(got.ChecksumCRC32).toBe(expected);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it('a presigned GET URL downloads the object with a plain HTTP client', async () => {
    const Bucket = await newBucket(s3);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'shared file.txt', Body: 'presigned' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'shared file.txt' }), {
      expiresIn: 60,
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('presigned');
  });

  it('If-None-Match: * writes a key only when it does not exist yet', async () => {
    const Bucket = await newBucket(s3);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'once', Body: 'first', IfNoneMatch: '*' }));
    const error = await putFailure({ Bucket, Key: 'once', Body: 'second', IfNoneMatch: '*' });
    expect(error.name).toBe('PreconditionFailed');
    expect(error.message).toBe('At least one of the pre-conditions you specified did not hold');
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'once' }));
    expect(await got.Body?.transformToString()).toBe('first');
  });

  it('a key longer than 1,024 bytes is KeyTooLongError; exactly 1,024 bytes is accepted', async () => {
    const Bucket = await newBucket(s3);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'é'.repeat(512), Body: 'x' }));
    const error = await putFailure({ Bucket, Key: `${'é'.repeat(512)}x`, Body: 'x' });
    expect(error.name).toBe('KeyTooLongError');
    expect(error.message).toBe('Your key is too long');
  });

  it('storage class and KMS encryption with a key ID are stored and echoed (as the key ARN)', async () => {
    const Bucket = await newBucket(s3);
    const kms = new KMSClient({ ...sandbox.sdkConfig('customer'), maxAttempts: 1 });
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const keyId = KeyMetadata!.Arn!;
    const put = await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: 'enc',
        Body: 'secret',
        StorageClass: 'STANDARD_IA',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: KeyMetadata!.KeyId,
      }),
    );
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toBe(keyId);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'enc' }));
    expect(head.StorageClass).toBe('STANDARD_IA');
    expect(head.SSEKMSKeyId).toBe(keyId);
    const plain = await s3.send(new PutObjectCommand({ Bucket, Key: 'plain', Body: 'x' }));
    expect(plain.ServerSideEncryption).toBe('AES256');
  });

  it('x-amz-tagging on PutObject is readable with GetObjectTagging', async () => {
    const Bucket = await newBucket(s3);
    await s3.send(new PutObjectCommand({ Bucket, Key: 't', Body: 'x', Tagging: 'team=data&tier=hot' }));
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 't' }));
    expect(tags.TagSet).toEqual([
      { Key: 'team', Value: 'data' },
      { Key: 'tier', Value: 'hot' },
    ]);
  });

  it('response-content-type overrides the stored Content-Type on GetObject', async () => {
    const Bucket = await newBucket(s3);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'o', Body: '{}', ContentType: 'text/plain' }));
    const got = await s3.send(
      new GetObjectCommand({ Bucket, Key: 'o', ResponseContentType: 'application/json' }),
    );
    expect(got.ContentType).toBe('application/json');
  });
});

describe('listing encoding', () => {
  it('encoding-type=url encodes keys, prefixes and delimiters as S3 does (RFC 3986: space as %20, slash kept)', async () => {
    const Bucket = await newBucket(s3);
    for (const Key of ['run books/a b.txt', 'a+b.txt', '100%.csv', '한글/x.txt'])
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, EncodingType: 'url', Delimiter: '/' }));
    expect(listed.EncodingType).toBe('url');
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['100%25.csv', 'a%2Bb.txt']);
    expect(listed.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['run%20books/', '%ED%95%9C%EA%B8%80/']);
    const all = await s3.send(
      new ListObjectsV2Command({ Bucket, EncodingType: 'url', Prefix: 'run books/' }),
    );
    expect(all.Prefix).toBe('run%20books/');
    expect(all.Contents?.map((c) => c.Key)).toEqual(['run%20books/a%20b.txt']);
  });

  it('ListObjects v1 gives NextMarker only when a delimiter is used', async () => {
    const Bucket = await newBucket(s3);
    for (const Key of ['a/1', 'b/1', 'c']) await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
    const plain = await s3.send(new ListObjectsCommand({ Bucket, MaxKeys: 1 }));
    expect(plain.IsTruncated).toBe(true);
    expect(plain.NextMarker).toBeUndefined();
    const rolled = await s3.send(new ListObjectsCommand({ Bucket, MaxKeys: 1, Delimiter: '/' }));
    expect(rolled.NextMarker).toBe('a/');
    const next = await s3.send(
      new ListObjectsCommand({ Bucket, MaxKeys: 5, Delimiter: '/', Marker: rolled.NextMarker }),
    );
    expect(next.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/']);
    expect(next.Contents?.map((c) => c.Key)).toEqual(['c']);
  });
});

describe('object ownership and ACLs', () => {
  it('new buckets enforce bucket ownership and refuse ACLs other than bucket-owner-full-control', async () => {
    const Bucket = await newBucket(s3);
    const controls = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }));
    expect(controls.OwnershipControls?.Rules?.[0]?.ObjectOwnership).toBe('BucketOwnerEnforced');
    const error = await putFailure({ Bucket, Key: 'k', Body: 'x', ACL: 'public-read' });
    expect(error.name).toBe('AccessControlListNotSupported');
    expect(error.message).toBe('The bucket does not allow ACLs');
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x', ACL: 'bucket-owner-full-control' }));
    const aclError = await failure(
      s3.send(new PutObjectAclCommand({ Bucket, Key: 'k', ACL: 'public-read' })),
    );
    expect(aclError.name).toBe('AccessControlListNotSupported');
  });

  it('with ObjectWriter ownership a canned ACL is stored and reported by GetObjectAcl', async () => {
    const Bucket = await newBucket(s3);
    await s3.send(
      new PutBucketOwnershipControlsCommand({
        Bucket,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x', ACL: 'public-read' }));
    const acl = await s3.send(new GetObjectAclCommand({ Bucket, Key: 'k' }));
    expect(acl.Grants?.map((g) => [g.Grantee?.URI ?? g.Grantee?.Type, g.Permission])).toEqual([
      ['CanonicalUser', 'FULL_CONTROL'],
      ['http://acs.amazonaws.com/groups/global/AllUsers', 'READ'],
    ]);
  });
});

describe('bucket policies', () => {
  it('a policy that is not JSON is MalformedPolicy; a stored policy reads back verbatim until deleted', async () => {
    const Bucket = await newBucket(s3);
    const bad = await failure(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: 'not json' })));
    expect(bad.name).toBe('MalformedPolicy');
    expect(bad.message).toBe("Policies must be valid JSON and the first byte must be '{'");
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${sandbox.accounts.vendor.id}:root` },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${Bucket}/*`,
        },
      ],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy }));
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy).toBe(policy);
    await s3.send(new DeleteBucketPolicyCommand({ Bucket }));
    const gone = await failure(s3.send(new GetBucketPolicyCommand({ Bucket })));
    expect(gone.name).toBe('NoSuchBucketPolicy');
    expect(gone.message).toBe('The bucket policy does not exist');
  });

  it('a policy naming another bucket is refused with "Policy has invalid resource"', async () => {
    const Bucket = await newBucket(s3);
    const Policy = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::elsewhere/*' },
      ],
    });
    const error = await failure(s3.send(new PutBucketPolicyCommand({ Bucket, Policy })));
    expect(error.message).toBe('Policy has invalid resource');
  });
});

describe('multipart rules', () => {
  async function startUpload(Bucket: string, Key: string): Promise<string> {
    return (await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }))).UploadId!;
  }

  /** Completes the upload with `Parts` in the order given. */
  const completeUpload = (Bucket: string, Key: string, UploadId: string, Parts: CompletedPart[]) =>
    s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));

  it('parts smaller than 5 MiB except the last are EntityTooSmall', async () => {
    const Bucket = await newBucket(s3);
    const UploadId = await startUpload(Bucket, 'small');
    const parts = [];
    for (const PartNumber of [1, 2]) {
      const part = await s3.send(
        new UploadPartCommand({ Bucket, Key: 'small', UploadId, PartNumber, Body: 'tiny' }),
      );
      parts.push({ PartNumber, ETag: part.ETag });
    }
    const error = await failure(completeUpload(Bucket, 'small', UploadId, parts));
    expect(error.name).toBe('EntityTooSmall');
    expect(error.message).toBe('Your proposed upload is smaller than the minimum allowed size');
  });

  it('parts out of order are InvalidPartOrder and an unknown ETag is InvalidPart', async () => {
    const Bucket = await newBucket(s3);
    const UploadId = await startUpload(Bucket, 'order');
    const one = await s3.send(
      new UploadPartCommand({ Bucket, Key: 'order', UploadId, PartNumber: 1, Body: Buffer.alloc(5 * MiB) }),
    );
    const two = await s3.send(
      new UploadPartCommand({ Bucket, Key: 'order', UploadId, PartNumber: 2, Body: 'end' }),
    );
    const reversed = await failure(
      completeUpload(Bucket, 'order', UploadId, [
        { PartNumber: 2, ETag: two.ETag },
        { PartNumber: 1, ETag: one.ETag },
      ]),
    );
    expect(reversed.name).toBe('InvalidPartOrder');
    const unknown = await failure(
      completeUpload(Bucket, 'order', UploadId, [
        { PartNumber: 1, ETag: '"00000000000000000000000000000000"' },
      ]),
    );
    expect(unknown.name).toBe('InvalidPart');
    const done = await completeUpload(Bucket, 'order', UploadId, [
      { PartNumber: 1, ETag: one.ETag },
      { PartNumber: 2, ETag: two.ETag },
    ]);
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    const part2 = await s3.send(new GetObjectCommand({ Bucket, Key: 'order', PartNumber: 2 }));
    expect(await part2.Body?.transformToString()).toBe('end');
    expect(part2.PartsCount).toBe(2);
  });

  it('ListParts and ListMultipartUploads show an upload until it is aborted; a second abort is NoSuchUpload', async () => {
    const Bucket = await newBucket(s3);
    const UploadId = await startUpload(Bucket, 'dir/pending');
    await s3.send(
      new UploadPartCommand({ Bucket, Key: 'dir/pending', UploadId, PartNumber: 3, Body: 'abc' }),
    );
    const parts = await s3.send(new ListPartsCommand({ Bucket, Key: 'dir/pending', UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[3, 3]]);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'dir/' }));
    expect(uploads.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['dir/pending', UploadId]]);
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'dir/pending', UploadId }));
    const again = await failure(
      s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'dir/pending', UploadId })),
    );
    expect(again.name).toBe('NoSuchUpload');
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []).toEqual([]);
  });

  it('UploadPartCopy copies a byte range of another object into a part', async () => {
    const Bucket = await newBucket(s3);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'source', Body: '0123456789' }));
    const UploadId = await startUpload(Bucket, 'assembled');
    const copied = await s3.send(
      new UploadPartCopyCommand({
        Bucket,
        Key: 'assembled',
        UploadId,
        PartNumber: 1,
        CopySource: `${Bucket}/source`,
        CopySourceRange: 'bytes=2-5',
      }),
    );
    await completeUpload(Bucket, 'assembled', UploadId, [
      { PartNumber: 1, ETag: copied.CopyPartResult?.ETag },
    ]);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'assembled' }));
    expect(await got.Body?.transformToString()).toBe('2345');
    const bad = await failure(
      s3.send(
        new UploadPartCopyCommand({
          Bucket,
          Key: 'assembled',
          UploadId: await startUpload(Bucket, 'assembled'),
          PartNumber: 1,
          CopySource: `${Bucket}/source`,
          CopySourceRange: 'bytes=5-10',
        }),
      ),
    );
    expect(bad.message).toBe('Range specified is not valid for source object of size: 10');
  });
});

describe('keys with dot segments', () => {
  it.each([['a/../b.txt'], ['./here.txt'], ['dir/./x'], ['..'], ['trail/..']])(
    'stores and serves %s under exactly that key, as S3 does (no path folding)',
    async (key) => {
      const bucket = await newBucket(s3, 'dots');
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `body of ${key}` }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect(await got.Body?.transformToString()).toBe(`body of ${key}`);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
    },
  );
});
