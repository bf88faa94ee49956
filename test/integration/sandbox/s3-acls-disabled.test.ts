/**
 * Buckets with ACLs disabled (Object Ownership BucketOwnerEnforced, the default) as AWS treats the
 * ACLs writers send: `private` from the bucket owner's own account is a no-op, from another account
 * AccessControlListNotSupported; `bucket-owner-full-control` is accepted from both; other canned
 * ACLs and grants are refused from both. Witnesses: boto3, and rclone with its default settings
 * (it sends `x-amz-acl: private` on mkdir and on every upload).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { boto3Outcome } from '../../fixtures/boto3-outcome.js';
import { uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';
import { runBoto3, runRclone } from '../../helpers/witnesses.js';

const sandbox = useTestSandbox();
const work = useTempFolder('bb-acls-');

/** A customer bucket the vendor account may write to (PutObject and GetObject). */
async function sharedBucket(): Promise<string> {
  const Bucket = uniqueName('acl');
  const s3 = new S3Client(sandbox.sdkConfig('customer'));
  await s3.send(new CreateBucketCommand({ Bucket }));
  const Policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${sandbox.accounts.vendor.id}:root` },
        Action: ['s3:PutObject', 's3:GetObject'],
        Resource: `arn:aws:s3:::${Bucket}/*`,
      },
    ],
  });
  await s3.send(new PutBucketPolicyCommand({ Bucket, Policy }));
  return Bucket;
}

/**
 * For each canned ACL, what PutObject and CopyObject answer for `signer`: "ok" or the error code.
 * A grant header (`GrantRead`) is the last case.
 */
async function aclOutcomes(Bucket: string, signer: string): Promise<Record<string, string[]>> {
  const result = await runBoto3(
    `
b = ${JSON.stringify(Bucket)}
s3.put_object(Bucket=b, Key="src", Body=b"source")
${boto3Outcome('outcome', 'code + ": " + message')}
out = {}
for acl in ["private", "bucket-owner-full-control", "public-read", "bucket-owner-read"]:
    out[acl] = [
        outcome(lambda: s3.put_object(Bucket=b, Key="put-" + acl, Body=b"x", ACL=acl)),
        outcome(lambda: s3.copy_object(Bucket=b, Key="copy-" + acl, CopySource={"Bucket": b, "Key": "src"}, ACL=acl)),
    ]
grant = "id=" + "0" * 64
out["grant"] = [
    outcome(lambda: s3.put_object(Bucket=b, Key="put-grant", Body=b"x", GrantRead=grant)),
    outcome(lambda: s3.copy_object(Bucket=b, Key="copy-grant", CopySource={"Bucket": b, "Key": "src"}, GrantRead=grant)),
]
print(json.dumps(out))
`,
    sandbox,
    signer,
  );
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, string[]>;
}

const REFUSED = 'AccessControlListNotSupported: The bucket does not allow ACLs';

describe('ACLs on a bucket with ACLs disabled (boto3)', () => {
  it("from the bucket owner's account: private and bucket-owner-full-control pass, other ACLs and grants are refused", async () => {
    const outcomes = await aclOutcomes(await sharedBucket(), 'customer');
    expect(outcomes).toEqual({
      private: ['ok', 'ok'],
      'bucket-owner-full-control': ['ok', 'ok'],
      'public-read': [REFUSED, REFUSED],
      'bucket-owner-read': [REFUSED, REFUSED],
      grant: [REFUSED, REFUSED],
    });
  });

  it('from another account: only bucket-owner-full-control passes', async () => {
    const Bucket = await sharedBucket();
    const outcomes = await aclOutcomes(Bucket, 'vendor');
    expect(outcomes).toEqual({
      private: [REFUSED, REFUSED],
      'bucket-owner-full-control': ['ok', 'ok'],
      'public-read': [REFUSED, REFUSED],
      'bucket-owner-read': [REFUSED, REFUSED],
      grant: [REFUSED, REFUSED],
    });
  });

  it('CreateBucket accepts x-amz-acl: private and refuses public-read with ACLs disabled', async () => {
    const ok = uniqueName('acl-private');
    const bad = uniqueName('acl-public');
    const result = await runBoto3(
      `
from botocore.exceptions import ClientError
s3.create_bucket(Bucket=${JSON.stringify(ok)}, ACL="private")
try:
    s3.create_bucket(Bucket=${JSON.stringify(bad)}, ACL="public-read")
    print("created")
except ClientError as e:
    print(e.response["Error"]["Code"])
print(s3.get_bucket_ownership_controls(Bucket=${JSON.stringify(ok)})["OwnershipControls"]["Rules"][0]["ObjectOwnership"])
`,
      sandbox,
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual([
      'InvalidBucketAclWithObjectOwnership',
      'BucketOwnerEnforced',
    ]);
  });
});

describe('rclone with its default settings (x-amz-acl: private)', () => {
  it('makes a bucket, uploads single-part and multipart files into it and reads them back', async () => {
    const remote = sandbox.rcloneRemote();
    const bucket = uniqueName('rclone-defaults');
    const source = mkdtempSync(join(work, 'src-'));
    writeFileSync(join(source, 'small.txt'), 'small');
    writeFileSync(join(source, 'big.bin'), Buffer.alloc(6 * 1024 * 1024, 7));
    const mkdir = await runRclone(['mkdir', `${remote}:${bucket}`], sandbox);
    expect(mkdir.exitCode, mkdir.stderr).toBe(0);
    const copy = await runRclone(
      ['copy', source, `${remote}:${bucket}`, '--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M'],
      sandbox,
      undefined,
      { timeoutMs: 120_000 },
    );
    expect(copy.exitCode, copy.stderr).toBe(0);
    const check = await runRclone(['check', source, `${remote}:${bucket}`], sandbox);
    expect(check.exitCode, check.stderr).toBe(0);
  });
});
