/**
 * Reading an object by its parts, witnessed by boto3: GetObjectAttributes (ETag, Checksum,
 * ObjectParts with part checksums and paging, StorageClass, ObjectSize) and GET/HEAD with
 * `partNumber` on multipart and single-part objects, with AWS's errors for parts out of range.
 */
import { describe, expect, it } from 'vitest';
import { boto3Outcome } from '../../fixtures/boto3-outcome.js';
import { uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { runBoto3 } from '../../helpers/witnesses.js';

const sandbox = useTestSandbox();

/**
 * Runs a boto3 snippet with `b` a bucket holding "multi" (three parts: 5 MiB, 5 MiB, 3 bytes, CRC32
 * composite checksum, `parts` its part responses) and "single" (4 bytes, SHA256); prints JSON.
 */
async function withObjects(snippet: string): Promise<Record<string, unknown>> {
  const result = await runBoto3(
    `
b = ${JSON.stringify(uniqueName('parts'))}
s3.create_bucket(Bucket=b)
MiB = 1024 * 1024
bodies = [b"a" * (5 * MiB), b"b" * (5 * MiB), b"end"]
upload = s3.create_multipart_upload(Bucket=b, Key="multi", ChecksumAlgorithm="CRC32")["UploadId"]
parts = [s3.upload_part(Bucket=b, Key="multi", UploadId=upload, PartNumber=i + 1, Body=body, ChecksumAlgorithm="CRC32") for i, body in enumerate(bodies)]
multi = s3.complete_multipart_upload(Bucket=b, Key="multi", UploadId=upload, MultipartUpload={"Parts": [
    {"PartNumber": i + 1, "ETag": p["ETag"], "ChecksumCRC32": p["ChecksumCRC32"]} for i, p in enumerate(parts)]})
single = s3.put_object(Bucket=b, Key="single", Body=b"body", ChecksumAlgorithm="SHA256", StorageClass="STANDARD_IA")
${boto3Outcome('failure', '[status, code]')}
${snippet}
`,
    sandbox,
    undefined,
    { timeoutMs: 120_000 },
  );
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('GetObjectAttributes', () => {
  it('answers ETag, checksum, parts with their checksums, storage class and size of a multipart object', async () => {
    const out = await withObjects(`
a = s3.get_object_attributes(Bucket=b, Key="multi", ObjectAttributes=["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"])
page = s3.get_object_attributes(Bucket=b, Key="multi", ObjectAttributes=["ObjectParts"], MaxParts=2, PartNumberMarker=1)
print(json.dumps({"etag": a["ETag"] == multi["ETag"].strip('"'), "checksum": a["Checksum"] == {"ChecksumCRC32": multi["ChecksumCRC32"], "ChecksumType": "COMPOSITE"},
  "parts": [[p["PartNumber"], p["Size"], p["ChecksumCRC32"] == parts[p["PartNumber"] - 1]["ChecksumCRC32"]] for p in a["ObjectParts"]["Parts"]],
  "total": a["ObjectParts"]["TotalPartsCount"], "class": a["StorageClass"], "size": a["ObjectSize"],
  "page": [page["ObjectParts"]["PartNumberMarker"], page["ObjectParts"]["NextPartNumberMarker"], page["ObjectParts"]["IsTruncated"], [p["PartNumber"] for p in page["ObjectParts"]["Parts"]]],
  "onlyAsked": sorted(k for k in page if k != "ResponseMetadata")}))
`);
    expect(out).toEqual({
      etag: true,
      checksum: true,
      parts: [
        [1, 5 * 1024 * 1024, true],
        [2, 5 * 1024 * 1024, true],
        [3, 3, true],
      ],
      total: 3,
      class: 'STANDARD',
      size: 10 * 1024 * 1024 + 3,
      page: [1, 3, false, [2, 3]],
      onlyAsked: ['LastModified', 'ObjectParts'],
    });
  });

  it('answers a single-part object without parts; a missing key is NoSuchKey', async () => {
    const out = await withObjects(`
a = s3.get_object_attributes(Bucket=b, Key="single", ObjectAttributes=["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"])
print(json.dumps({"keys": sorted(k for k in a if k != "ResponseMetadata"), "checksum": a["Checksum"] == {"ChecksumSHA256": single["ChecksumSHA256"], "ChecksumType": "FULL_OBJECT"},
  "class": a["StorageClass"], "size": a["ObjectSize"],
  "missing": failure(lambda: s3.get_object_attributes(Bucket=b, Key="absent", ObjectAttributes=["ETag"]))}))
`);
    expect(out).toEqual({
      keys: ['Checksum', 'ETag', 'LastModified', 'ObjectSize', 'StorageClass'],
      checksum: true,
      class: 'STANDARD_IA',
      size: 4,
      missing: [404, 'NoSuchKey'],
    });
  });
});

describe('GET and HEAD with partNumber', () => {
  it('reads each part of a multipart object with the parts count, and a part past the last is InvalidPart', async () => {
    const out = await withObjects(`
got = [s3.get_object(Bucket=b, Key="multi", PartNumber=n) for n in (1, 2, 3)]
head = s3.head_object(Bucket=b, Key="multi", PartNumber=3)
print(json.dumps({"parts": [[g["ResponseMetadata"]["HTTPStatusCode"], g["ContentLength"], g["PartsCount"], g["ContentRange"], g["Body"].read() == bodies[i]] for i, g in enumerate(got)],
  "head": [head["ContentLength"], head["PartsCount"]],
  "past": failure(lambda: s3.get_object(Bucket=b, Key="multi", PartNumber=4)),
  "headPast": failure(lambda: s3.head_object(Bucket=b, Key="multi", PartNumber=4)),
  "zero": failure(lambda: s3.get_object(Bucket=b, Key="multi", PartNumber=0)),
  "withRange": failure(lambda: s3.get_object(Bucket=b, Key="multi", PartNumber=1, Range="bytes=0-1"))}))
`);
    const five = 5 * 1024 * 1024;
    expect(out).toEqual({
      parts: [
        [206, five, 3, `bytes 0-${five - 1}/${2 * five + 3}`, true],
        [206, five, 3, `bytes ${five}-${2 * five - 1}/${2 * five + 3}`, true],
        [206, 3, 3, `bytes ${2 * five}-${2 * five + 2}/${2 * five + 3}`, true],
      ],
      head: [3, 3],
      past: [400, 'InvalidPart'],
      headPast: [400, '400'],
      zero: [400, 'InvalidArgument'],
      withRange: [400, 'InvalidRequest'],
    });
  });

  it('reads part 1 of a single-part object as the whole object; part 2 is InvalidPart', async () => {
    const out = await withObjects(`
one = s3.get_object(Bucket=b, Key="single", PartNumber=1)
print(json.dumps({"one": [one["ETag"] == single["ETag"], one["Body"].read().decode(), "PartsCount" in one],
  "two": failure(lambda: s3.get_object(Bucket=b, Key="single", PartNumber=2))}))
`);
    expect(out).toEqual({ one: [true, 'body', false], two: [400, 'InvalidPart'] });
  });
});
