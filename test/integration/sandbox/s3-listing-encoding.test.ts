/**
 * `encoding-type=url` in ListObjects, ListObjectsV2 and ListObjectVersions, witnessed by boto3: AWS
 * percent-encodes names as RFC 3986 does (space `%20`, `+` `%2B`, newline `%0A`, `/` kept) in Key,
 * Prefix, Delimiter, StartAfter, Marker/NextMarker, KeyMarker/NextKeyMarker and CommonPrefixes, says
 * so with `<EncodingType>url</EncodingType>`, and encodes nothing when it was not asked.
 */
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { runBoto3 } from '../../helpers/witnesses.js';

const sandbox = useTestSandbox();

/** Runs a boto3 snippet that prints one JSON document, with `b` a new versioned bucket holding `keys`. */
async function withBucket(keys: string[], snippet: string): Promise<Record<string, unknown>> {
  const bucket = uniqueName('encoding');
  const result = await runBoto3(
    `
from botocore.handlers import set_list_objects_encoding_type_url
b = ${JSON.stringify(bucket)}
s3.create_bucket(Bucket=b)
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
for k in ${JSON.stringify(keys)}:
    s3.put_object(Bucket=b, Key=k, Body=b"x")
${snippet}
`,
    sandbox,
  );
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

const KEYS = ['a b/one+two.txt', 'a b/x', 'p+q/r', 'plain', 'tab\tand\nnewline'];

/** `withBucket` holding KEYS: names with spaces, `+`, `/`, a tab and a newline. */
const withKeys = (snippet: string) => withBucket(KEYS, snippet);

describe('listings with encoding-type=url asked for by the client', () => {
  it('ListObjectsV2 encodes Key, Prefix, Delimiter, StartAfter and CommonPrefixes as RFC 3986', async () => {
    const out = await withKeys(`
r = s3.list_objects_v2(Bucket=b, EncodingType="url", Delimiter="/", StartAfter="a b", MaxKeys=2)
everything = s3.list_objects_v2(Bucket=b, EncodingType="url", Prefix="a b/")
print(json.dumps({"type": r["EncodingType"], "delimiter": r["Delimiter"], "startAfter": r["StartAfter"],
  "prefixes": [p["Prefix"] for p in r["CommonPrefixes"]], "truncated": r["IsTruncated"],
  "prefix": everything["Prefix"], "keys": [c["Key"] for c in everything["Contents"]]}))
`);
    expect(out).toEqual({
      type: 'url',
      delimiter: '/',
      startAfter: 'a%20b',
      prefixes: ['a%20b/', 'p%2Bq/'],
      truncated: true,
      prefix: 'a%20b/',
      keys: ['a%20b/one%2Btwo.txt', 'a%20b/x'],
    });
  });

  it('ListObjects encodes Marker, NextMarker, Prefix and keys; a delimiter of a space is %20', async () => {
    const out = await withKeys(`
r = s3.list_objects(Bucket=b, EncodingType="url", Delimiter=" ", Marker="a", MaxKeys=1)
rest = s3.list_objects(Bucket=b, EncodingType="url", Marker="p+q/r")
print(json.dumps({"type": r["EncodingType"], "delimiter": r["Delimiter"], "marker": r["Marker"],
  "next": r["NextMarker"], "prefixes": [p["Prefix"] for p in r["CommonPrefixes"]],
  "keys": [c["Key"] for c in rest["Contents"]], "restMarker": rest["Marker"]}))
`);
    expect(out).toEqual({
      type: 'url',
      delimiter: '%20',
      marker: 'a',
      next: 'a%20',
      prefixes: ['a%20'],
      keys: ['plain', 'tab%09and%0Anewline'],
      restMarker: 'p%2Bq/r',
    });
  });

  it('ListObjectVersions encodes keys, KeyMarker, NextKeyMarker and CommonPrefixes and says EncodingType url', async () => {
    const out = await withKeys(`
r = s3.list_object_versions(Bucket=b, EncodingType="url", KeyMarker="a b/one+two.txt", MaxKeys=1)
d = s3.list_object_versions(Bucket=b, EncodingType="url", Delimiter="/")
print(json.dumps({"type": r.get("EncodingType"), "keyMarker": r["KeyMarker"], "next": r["NextKeyMarker"],
  "keys": [v["Key"] for v in r["Versions"]], "prefixes": [p["Prefix"] for p in d["CommonPrefixes"]],
  "rootKeys": [v["Key"] for v in d["Versions"]]}))
`);
    expect(out).toEqual({
      type: 'url',
      keyMarker: 'a%20b/one%2Btwo.txt',
      next: 'a%20b/x',
      keys: ['a%20b/x'],
      prefixes: ['a%20b/', 'p%2Bq/'],
      rootKeys: ['plain', 'tab%09and%0Anewline'],
    });
  });
});

describe('boto3 as it runs by default (it asks for url encoding and decodes)', () => {
  it('lists versions of keys with spaces and + by their real names, so they can be deleted and the bucket emptied', async () => {
    const out = await withKeys(`
s3.put_object(Bucket=b, Key="a b/x", Body=b"second version")
listed = s3.list_object_versions(Bucket=b)
names = sorted({v["Key"] for v in listed["Versions"]})
s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in listed["Versions"]]})
left = s3.list_object_versions(Bucket=b)
s3.delete_bucket(Bucket=b)
print(json.dumps({"names": names, "left": len(left.get("Versions", [])) + len(left.get("DeleteMarkers", []))}))
`);
    expect(out).toEqual({ names: [...KEYS].sort(), left: 0 });
  });
});

describe('listings without encoding-type', () => {
  it('return names as stored: a prefix of one newline, keys with spaces and +', async () => {
    const out = await withBucket(
      ['\n', '\nafter', 'a b+c'],
      `
for op in ("ListObjects", "ListObjectsV2", "ListObjectVersions"):
    s3.meta.events.unregister("before-parameter-build.s3." + op, set_list_objects_encoding_type_url)
v2 = s3.list_objects_v2(Bucket=b, Prefix="\\n")
v1 = s3.list_objects(Bucket=b, Prefix="a ")
versions = s3.list_object_versions(Bucket=b, Prefix="\\n", Delimiter="a")
print(json.dumps({"v2": [v2["Prefix"], [c["Key"] for c in v2["Contents"]], "EncodingType" in v2],
  "v1": [v1["Prefix"], [c["Key"] for c in v1["Contents"]], "EncodingType" in v1],
  "versions": [versions["Prefix"], [p["Prefix"] for p in versions["CommonPrefixes"]], "EncodingType" in versions]}))
`,
    );
    expect(out).toEqual({
      v2: ['\n', ['\n', '\nafter'], false],
      v1: ['a ', ['a b+c'], false],
      versions: ['\n', ['\na'], false],
    });
  });
});
