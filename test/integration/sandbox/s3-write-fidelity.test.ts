/**
 * Writes as AWS answers them, witnessed by boto3: a retried CompleteMultipartUpload of a completed
 * upload, no version IDs on a bucket that never had versioning, and conditional writes (If-None-Match
 * and If-Match on PutObject, CopyObject and CompleteMultipartUpload; 412, 404, and 409
 * ConditionalRequestConflict when another write of the key finishes while one is under way).
 */
import { describe, expect, it } from 'vitest';
import { boto3Outcome } from '../../fixtures/boto3-outcome.js';
import { uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { runBoto3 } from '../../helpers/witnesses.js';

const sandbox = useTestSandbox();

/** Runs a boto3 snippet with `b` a new bucket and `outcome(call)` ("ok" or "Code status"); prints JSON. */
async function boto3Json(snippet: string): Promise<Record<string, unknown>> {
  const result = await runBoto3(
    `
b = ${JSON.stringify(uniqueName('writes'))}
s3.create_bucket(Bucket=b)
${boto3Outcome('outcome', 'code + " " + str(status)')}
def multipart(key, body=b"part", **complete):
    upload = s3.create_multipart_upload(Bucket=b, Key=key)["UploadId"]
    part = s3.upload_part(Bucket=b, Key=key, UploadId=upload, PartNumber=1, Body=body)
    parts = {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
    return upload, lambda: s3.complete_multipart_upload(Bucket=b, Key=key, UploadId=upload, MultipartUpload=parts, **complete)
${snippet}
`,
    sandbox,
  );
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('a retried CompleteMultipartUpload', () => {
  it('of a just-completed upload answers success with the same ETag (and version ID)', async () => {
    const out = await boto3Json(`
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
upload, complete = multipart("retried")
first = complete()
second = complete()
aborted, _ = multipart("aborted")
s3.abort_multipart_upload(Bucket=b, Key="aborted", UploadId=aborted)
print(json.dumps({"same": [first["ETag"] == second["ETag"], first["VersionId"] == second["VersionId"]],
  "etag": second["ETag"], "key": second["Key"], "versions": len(s3.list_object_versions(Bucket=b)["Versions"]),
  "otherKey": outcome(lambda: s3.complete_multipart_upload(Bucket=b, Key="other", UploadId=upload,
      MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": first["ETag"]}]})),
  "aborted": outcome(lambda: s3.complete_multipart_upload(Bucket=b, Key="aborted", UploadId=aborted,
      MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": first["ETag"]}]}))}))
`);
    expect(out).toEqual({
      same: [true, true],
      etag: expect.stringMatching(/^"[0-9a-f]{32}-1"$/),
      key: 'retried',
      versions: 1,
      otherKey: 'NoSuchUpload 404',
      aborted: 'NoSuchUpload 404',
    });
  });
});

describe('version IDs', () => {
  it('are not returned by PutObject, CopyObject, CompleteMultipartUpload or HeadObject on a bucket that never had versioning', async () => {
    const out = await boto3Json(`
put = s3.put_object(Bucket=b, Key="k", Body=b"x")
copy = s3.copy_object(Bucket=b, Key="c", CopySource={"Bucket": b, "Key": "k"})
_, complete = multipart("m")
done = complete()
head = s3.head_object(Bucket=b, Key="m")
print(json.dumps([("VersionId" in r) for r in (put, copy, done, head)]))
`);
    expect(out).toEqual([false, false, false, false]);
  });
});

describe('conditional writes', () => {
  /** PutObject, CopyObject and CompleteMultipartUpload were each refused with 412. */
  const ALL_THREE_WRITES_412 = {
    put: 'PreconditionFailed 412',
    copy: 'PreconditionFailed 412',
    complete: 'PreconditionFailed 412',
  };

  it('If-None-Match: * refuses an existing key with 412 on PutObject, CopyObject and CompleteMultipartUpload', async () => {
    const out = await boto3Json(`
s3.put_object(Bucket=b, Key="taken", Body=b"first")
_, complete = multipart("taken", IfNoneMatch="*")
_, fresh = multipart("fresh", IfNoneMatch="*")
print(json.dumps({
  "put": outcome(lambda: s3.put_object(Bucket=b, Key="taken", Body=b"second", IfNoneMatch="*")),
  "copy": outcome(lambda: s3.copy_object(Bucket=b, Key="taken", CopySource={"Bucket": b, "Key": "taken"}, MetadataDirective="REPLACE", IfNoneMatch="*")),
  "complete": outcome(complete),
  "newKey": [outcome(lambda: s3.put_object(Bucket=b, Key="new", Body=b"x", IfNoneMatch="*")), outcome(fresh)],
  "body": s3.get_object(Bucket=b, Key="taken")["Body"].read().decode()}))
`);
    expect(out).toEqual({
      ...ALL_THREE_WRITES_412,
      newKey: ['ok', 'ok'],
      body: 'first',
    });
  });

  it('If-Match writes only over the ETag named: 412 for another ETag, 404 NoSuchKey when the key has no object', async () => {
    const out = await boto3Json(`
etag = s3.put_object(Bucket=b, Key="doc", Body=b"v1")["ETag"]
wrong = '"00000000000000000000000000000000"'
_, complete_wrong = multipart("doc", IfMatch=wrong)
print(json.dumps({
  "put": outcome(lambda: s3.put_object(Bucket=b, Key="doc", Body=b"no", IfMatch=wrong)),
  "copy": outcome(lambda: s3.copy_object(Bucket=b, Key="doc", CopySource={"Bucket": b, "Key": "doc"}, MetadataDirective="REPLACE", IfMatch=wrong)),
  "complete": outcome(complete_wrong),
  "missing": outcome(lambda: s3.put_object(Bucket=b, Key="absent", Body=b"x", IfMatch=etag)),
  "matching": outcome(lambda: s3.put_object(Bucket=b, Key="doc", Body=b"v2", IfMatch=etag)),
  "body": s3.get_object(Bucket=b, Key="doc")["Body"].read().decode()}))
`);
    expect(out).toEqual({
      ...ALL_THREE_WRITES_412,
      missing: 'NoSuchKey 404',
      matching: 'ok',
      body: 'v2',
    });
  });

  it('a conditional PutObject whose key another writer creates while its body streams gets 409 ConditionalRequestConflict', async () => {
    // The racing write is made between the server's 100 Continue (the conditions were checked and
    // held) and the body, so the conflict happens on every run.
    const out = await boto3Json(`
import socket, urllib.parse
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
endpoint = urllib.parse.urlparse(s3.meta.endpoint_url)
body = b"loser"
def conditional_put(key, condition):
    request = AWSRequest(method="PUT", url=f"{s3.meta.endpoint_url}/{b}/{key}", data=body,
        headers={**condition, "Content-Length": str(len(body)), "Expect": "100-continue"})
    S3SigV4Auth(boto3.Session().get_credentials(), "s3", s3.meta.region_name).add_auth(request)
    sock = socket.create_connection((endpoint.hostname, endpoint.port))
    head = f"PUT /{b}/{key} HTTP/1.1\\r\\nHost: {endpoint.netloc}\\r\\n" + "".join(f"{k}: {v}\\r\\n" for k, v in request.headers.items()) + "\\r\\n"
    sock.sendall(head.encode())
    interim = sock.recv(1024).decode()
    s3.put_object(Bucket=b, Key=key, Body=b"winner")
    sock.sendall(body)
    answer = b""
    while b"</Error>" not in answer:
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    sock.close()
    text = answer.decode()
    return [interim.split("\\r\\n")[0], text.split("\\r\\n")[0], text[text.find("<Code>") + 6:text.find("</Code>")]]
first = conditional_put("race-new", {"If-None-Match": "*"})
etag = s3.put_object(Bucket=b, Key="race-old", Body=b"v1")["ETag"]
second = conditional_put("race-old", {"If-Match": etag})
print(json.dumps({"ifNoneMatch": first, "ifMatch": second,
  "bodies": [s3.get_object(Bucket=b, Key=k)["Body"].read().decode() for k in ("race-new", "race-old")]}))
`);
    expect(out).toEqual({
      ifNoneMatch: ['HTTP/1.1 100 Continue', 'HTTP/1.1 409 Conflict', 'ConditionalRequestConflict'],
      ifMatch: ['HTTP/1.1 100 Continue', 'HTTP/1.1 409 Conflict', 'ConditionalRequestConflict'],
      bodies: ['winner', 'winner'],
    });
  });
});
