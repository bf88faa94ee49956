/**
 * S3 Object Lock as AWS documents it, witnessed by boto3: the bucket configuration and its
 * validation, retention and legal holds on versions, deletes refused while a version is locked
 * (governance gives way to a bypass with s3:BypassGovernanceRetention, compliance to nobody), and
 * the integrity checksum S3 requires of uploads into a bucket with a default retention.
 */
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { describe, expect, it } from 'vitest';
import { boto3Outcome } from '../../fixtures/boto3-outcome.js';
import { createObjectLockBucket } from '../../helpers/object-lock.js';
import { uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { runBoto3 } from '../../helpers/witnesses.js';

const sandbox = useTestSandbox();

/**
 * Runs a boto3 snippet as `signer` with `b` a bucket name (not created), `error(call)` ("ok" or
 * "Code: Message") and `later` an ISO date one day ahead; prints JSON.
 */
async function boto3Json(snippet: string, signer = 'customer'): Promise<Record<string, unknown>> {
  const result = await runBoto3(
    `
import datetime
b = ${JSON.stringify(uniqueName('locked'))}
later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
${boto3Outcome('error', 'code + ": " + message')}
${snippet}
`,
    sandbox,
    signer,
  );
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

const MALFORMED =
  'MalformedXML: The XML you provided was not well-formed or did not validate against our published schema';
const LOCKED = 'AccessDenied: Access Denied because object protected by object lock.';

describe('the bucket configuration', () => {
  it('CreateBucket with Object Lock turns versioning on; the rule is validated as AWS does', async () => {
    const out = await boto3Json(`
s3.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
def rule(**retention):
    return lambda: s3.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}})
out = {"versioning": s3.get_bucket_versioning(Bucket=b)["Status"],
  "initial": s3.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"],
  "both": error(rule(Mode="GOVERNANCE", Days=1, Years=1)),
  "neither": error(rule(Mode="GOVERNANCE")),
  "mode": error(rule(Mode="FOREVER", Days=1)),
  "zero": error(rule(Mode="GOVERNANCE", Days=0)),
  "ok": error(rule(Mode="COMPLIANCE", Years=2))}
out["rule"] = s3.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"]
out["suspend"] = error(lambda: s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"}))
print(json.dumps(out))
`);
    expect(out).toEqual({
      versioning: 'Enabled',
      initial: { ObjectLockEnabled: 'Enabled' },
      both: MALFORMED,
      neither: MALFORMED,
      mode: MALFORMED,
      zero: 'InvalidArgument: Default retention period must be a positive integer value.',
      ok: 'ok',
      rule: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 2 } } },
      suspend:
        'InvalidBucketState: An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
    });
  });

  it('a bucket without Object Lock has no configuration, and gets one only once versioning is enabled', async () => {
    const out = await boto3Json(`
s3.create_bucket(Bucket=b)
enable = lambda: s3.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
s3.put_object(Bucket=b, Key="k", Body=b"x")
out = {"get": error(lambda: s3.get_object_lock_configuration(Bucket=b)),
  "unversioned": error(enable),
  "retention": error(lambda: s3.put_object_retention(Bucket=b, Key="k", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later})),
  "putWithLock": error(lambda: s3.put_object(Bucket=b, Key="k2", Body=b"x", ObjectLockLegalHoldStatus="ON"))}
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
out["versioned"] = error(enable)
print(json.dumps(out))
`);
    expect(out).toEqual({
      get: 'ObjectLockConfigurationNotFoundError: Object Lock configuration does not exist for this bucket',
      unversioned:
        "InvalidBucketState: Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
      retention: 'InvalidRequest: Bucket is missing Object Lock Configuration',
      putWithLock: 'InvalidRequest: Bucket is missing Object Lock Configuration',
      versioned: 'ok',
    });
  });
});

describe('retention and legal holds on versions', () => {
  it('a governance retention refuses deleting and shortening until bypassed; deleting the key adds a delete marker', async () => {
    const out = await boto3Json(`
s3.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
v = s3.put_object(Bucket=b, Key="k", Body=b"x", ChecksumAlgorithm="CRC32")["VersionId"]
out = {"none": error(lambda: s3.get_object_retention(Bucket=b, Key="k"))}
s3.put_object_retention(Bucket=b, Key="k", VersionId=v, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later})
head = s3.head_object(Bucket=b, Key="k")
out["head"] = [head["ObjectLockMode"], head["ObjectLockRetainUntilDate"] > later - datetime.timedelta(seconds=5)]
out["get"] = s3.get_object_retention(Bucket=b, Key="k", VersionId=v)["Retention"]["Mode"]
out["delete"] = error(lambda: s3.delete_object(Bucket=b, Key="k", VersionId=v))
out["batch"] = s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "k", "VersionId": v}]})["Errors"][0]["Code"]
out["shorten"] = error(lambda: s3.put_object_retention(Bucket=b, Key="k", VersionId=v, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later - datetime.timedelta(hours=1)}))
out["past"] = error(lambda: s3.put_object_retention(Bucket=b, Key="k", VersionId=v, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later - datetime.timedelta(days=2)}))
out["extend"] = error(lambda: s3.put_object_retention(Bucket=b, Key="k", VersionId=v, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later + datetime.timedelta(days=1)}))
out["marker"] = s3.delete_object(Bucket=b, Key="k").get("DeleteMarker")
out["bypassShorten"] = error(lambda: s3.put_object_retention(Bucket=b, Key="k", VersionId=v, BypassGovernanceRetention=True, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later}))
out["bypassDelete"] = error(lambda: s3.delete_object(Bucket=b, Key="k", VersionId=v, BypassGovernanceRetention=True))
print(json.dumps(out))
`);
    expect(out).toEqual({
      none: 'NoSuchObjectLockConfiguration: The specified object does not have a ObjectLock configuration',
      head: ['GOVERNANCE', true],
      get: 'GOVERNANCE',
      delete: LOCKED,
      batch: 'AccessDenied',
      shorten: LOCKED,
      past: 'InvalidArgument: The retain until date must be in the future!',
      extend: 'ok',
      marker: true,
      bypassShorten: 'ok',
      bypassDelete: 'ok',
    });
  });

  it('a compliance retention gives way to nobody; a legal hold refuses deletes until it is OFF', async () => {
    const out = await boto3Json(`
s3.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
strict = s3.put_object(Bucket=b, Key="strict", Body=b"x", ChecksumAlgorithm="CRC32", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=later)["VersionId"]
held = s3.put_object(Bucket=b, Key="held", Body=b"x", ChecksumAlgorithm="CRC32", ObjectLockLegalHoldStatus="ON")["VersionId"]
out = {"compliance": error(lambda: s3.delete_object(Bucket=b, Key="strict", VersionId=strict, BypassGovernanceRetention=True)),
  "toGovernance": error(lambda: s3.put_object_retention(Bucket=b, Key="strict", VersionId=strict, BypassGovernanceRetention=True, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later + datetime.timedelta(days=1)})),
  "hold": s3.get_object_legal_hold(Bucket=b, Key="held")["LegalHold"]["Status"],
  "heldDelete": error(lambda: s3.delete_object(Bucket=b, Key="held", VersionId=held, BypassGovernanceRetention=True))}
s3.put_object_legal_hold(Bucket=b, Key="held", VersionId=held, LegalHold={"Status": "OFF"})
out["released"] = error(lambda: s3.delete_object(Bucket=b, Key="held", VersionId=held))
out["onlyOne"] = error(lambda: s3.put_object(Bucket=b, Key="half", Body=b"x", ChecksumAlgorithm="CRC32", ObjectLockMode="GOVERNANCE"))
print(json.dumps(out))
`);
    expect(out).toEqual({
      compliance: LOCKED,
      toGovernance: LOCKED,
      hold: 'ON',
      heldDelete: LOCKED,
      released: 'ok',
      onlyOne:
        'InvalidArgument: x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
    });
  });

  it('bypassing governance needs s3:BypassGovernanceRetention: another account allowed only to delete versions is refused', async () => {
    const bucket = uniqueName('locked-shared');
    const setup = await boto3Json(`
b = ${JSON.stringify(bucket)}
s3.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
v = s3.put_object(Bucket=b, Key="k", Body=b"x", ChecksumAlgorithm="CRC32", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later)["VersionId"]
s3.put_bucket_policy(Bucket=b, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::${sandbox.accounts.vendor.id}:root"}, "Action": ["s3:DeleteObjectVersion"], "Resource": f"arn:aws:s3:::{b}/*"}]}))
print(json.dumps({"version": v}))
`);
    const out = await boto3Json(
      `
print(json.dumps({"bypass": error(lambda: s3.delete_object(Bucket=${JSON.stringify(bucket)}, Key="k", VersionId=${JSON.stringify(setup.version)}, BypassGovernanceRetention=True))}))
`,
      'vendor',
    );
    expect(out.bypass).toMatch(
      /^AccessDenied: User: arn:aws:iam::111111111111:root is not authorized to perform: s3:BypassGovernanceRetention/,
    );
  });
});

describe('uploads into a bucket with a default retention', () => {
  it('need Content-MD5 or an x-amz-checksum-* (PutObject and UploadPart), and get the default retention', async () => {
    const out = await boto3Json(`
import base64, hashlib
from botocore.config import Config
bare = boto3.client("s3", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, request_checksum_calculation="when_required"))
s3.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
s3.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
md5 = base64.b64encode(hashlib.md5(b"x").digest()).decode()
upload = s3.create_multipart_upload(Bucket=b, Key="multi")["UploadId"]
out = {"bare": error(lambda: bare.put_object(Bucket=b, Key="k", Body=b"x")),
  "md5": error(lambda: bare.put_object(Bucket=b, Key="k", Body=b"x", ContentMD5=md5)),
  "trailer": error(lambda: s3.put_object(Bucket=b, Key="k", Body=b"x")),
  "header": error(lambda: bare.put_object(Bucket=b, Key="k", Body=b"x", ChecksumSHA256=base64.b64encode(hashlib.sha256(b"x").digest()).decode())),
  "barePart": error(lambda: bare.upload_part(Bucket=b, Key="multi", UploadId=upload, PartNumber=1, Body=b"x")),
  "part": error(lambda: s3.upload_part(Bucket=b, Key="multi", UploadId=upload, PartNumber=1, Body=b"x"))}
head = s3.head_object(Bucket=b, Key="k")
out["retention"] = [head["ObjectLockMode"], later - datetime.timedelta(minutes=1) < head["ObjectLockRetainUntilDate"] < later + datetime.timedelta(minutes=1)]
print(json.dumps(out))
`);
    expect(out).toEqual({
      bare: 'InvalidRequest: Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
      md5: 'ok',
      trailer: 'ok',
      header: 'ok',
      barePart:
        'InvalidRequest: Content-MD5 OR x-amz-checksum- HTTP header is required for Put Part requests with Object Lock parameters',
      part: 'ok',
      retention: ['GOVERNANCE', true],
    });
  });

  it('accept the AWS SDK for JavaScript v3 with its default checksums, single-part and multipart', async () => {
    const s3 = new S3Client({ ...sandbox.sdkConfig('customer'), maxAttempts: 1 });
    const Bucket = uniqueName('locked-sdk');
    await createObjectLockBucket(s3, Bucket);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'small', Body: 'small' }));
    await new Upload({
      client: s3,
      params: { Bucket, Key: 'large', Body: Buffer.alloc(11 * 1024 * 1024, 1) },
      partSize: 5 * 1024 * 1024,
    }).done();
    const heads = await Promise.all(
      ['small', 'large'].map((Key) => s3.send(new HeadObjectCommand({ Bucket, Key }))),
    );
    expect(heads.map((h) => [h.ObjectLockMode, h.ETag?.endsWith('-3"')])).toEqual([
      ['GOVERNANCE', false],
      ['GOVERNANCE', true],
    ]);
  });
});
