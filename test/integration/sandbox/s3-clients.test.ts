/**
 * Independent witnesses of the sandbox's S3 wire behaviour: the AWS CLI v1 and v2 (`s3 mb/cp/ls/sync`,
 * with multipart for a file over 8 MiB), rclone (S3 remote, provider Other, path style) and boto3,
 * each moving a tree with keys containing spaces, `+`, `%`, unicode and a 1,000-byte name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';
import { type AWS_CLI, runAwsCli, runBoto3, runRclone } from '../../helpers/witnesses.js';

const sandbox = useTestSandbox();
const workDir = useTempFolder('bb-s3-clients-');

const MiB = 1024 * 1024;
/** Four 248-byte directory names and a short file name: a 1,000-byte key within filesystem limits. */
const LONG_KEY = `${['a', 'b', 'c', 'd'].map((c) => c.repeat(248)).join('/')}/end`;

/** Relative path → contents of a tree with the awkward names every client must carry intact. */
function sampleFiles(): Record<string, Buffer> {
  return {
    'plain.txt': Buffer.from('plain'),
    'with space/file name.txt': Buffer.from('spaces'),
    'plus+sign.txt': Buffer.from('plus'),
    'percent%41.txt': Buffer.from('percent'),
    'ünïcødé/日本語.txt': Buffer.from('unicode'),
    [LONG_KEY]: Buffer.from('long'),
    'big.bin': randomBytes(9 * MiB),
  };
}

function writeTree(files: Record<string, Buffer>): string {
  const dir = mkdtempSync(join(workDir, 'tree-'));
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return dir;
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at)) {
      const path = join(at, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash('md5').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function digests(files: Record<string, Buffer>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([k, v]) => [k, createHash('md5').update(v).digest('hex')]),
  );
}

function expectOk(result: { exitCode: number | null; stderr: string }): void {
  expect(result.stderr === '' || result.exitCode === 0 ? result.exitCode : result.stderr).toBe(0);
}

describe.each(['v1', 'v2'] as Array<keyof typeof AWS_CLI>)('AWS CLI %s', (version) => {
  it('s3 mb, sync up, ls, cp down and sync back carry every key intact, multipart for the 9 MiB file', async () => {
    const bucket = uniqueName(`cli-${version}`);
    const files = sampleFiles();
    const source = writeTree(files);
    expectOk(await runAwsCli(version, ['s3', 'mb', `s3://${bucket}`], sandbox));
    expectOk(
      await runAwsCli(version, ['s3', 'sync', source, `s3://${bucket}/`], sandbox, undefined, {
        timeoutMs: 120_000,
      }),
    );

    const listed = await runAwsCli(version, ['s3', 'ls', `s3://${bucket}`, '--recursive'], sandbox);
    expectOk(listed);
    const keys = listed.stdout
      .trim()
      .split('\n')
      .map((line) => line.replace(/^\S+ \S+\s+\d+ /, ''));
    expect(keys.sort()).toEqual(Object.keys(files).sort());

    const head = await runAwsCli(
      version,
      ['s3api', 'head-object', '--bucket', bucket, '--key', 'big.bin'],
      sandbox,
    );
    expectOk(head);
    expect(JSON.parse(head.stdout).ETag).toMatch(/^"[0-9a-f]{32}-2"$/);

    const copied = join(workDir, `${bucket}-plus.txt`);
    expectOk(await runAwsCli(version, ['s3', 'cp', `s3://${bucket}/plus+sign.txt`, copied], sandbox));
    expect(readFileSync(copied, 'utf8')).toBe('plus');

    const target = mkdtempSync(join(workDir, 'down-'));
    expectOk(
      await runAwsCli(version, ['s3', 'sync', `s3://${bucket}/`, target], sandbox, undefined, {
        timeoutMs: 120_000,
      }),
    );
    expect(readTree(target)).toEqual(digests(files));
  });

  it('a missing key is reported as a 404 by s3 cp', async () => {
    const bucket = uniqueName(`cli-${version}`);
    expectOk(await runAwsCli(version, ['s3', 'mb', `s3://${bucket}`], sandbox));
    const result = await runAwsCli(
      version,
      ['s3', 'cp', `s3://${bucket}/absent`, join(workDir, 'absent')],
      sandbox,
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('404');
  });
});

describe('rclone', () => {
  it('mkdir, copy, ls, sync back and check carry every key intact', async () => {
    const remote = sandbox.rcloneRemote();
    const bucket = uniqueName('rclone');
    const files = sampleFiles();
    const source = writeTree(files);
    expectOk(await runRclone(['mkdir', `${remote}:${bucket}`], sandbox));
    expectOk(
      await runRclone(
        ['copy', source, `${remote}:${bucket}`, '--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M'],
        sandbox,
        undefined,
        { timeoutMs: 120_000 },
      ),
    );
    const listed = await runRclone(['ls', `${remote}:${bucket}`], sandbox);
    expectOk(listed);
    const keys = listed.stdout
      .trim()
      .split('\n')
      .map((line) => line.trim().replace(/^\d+ /, ''));
    expect(keys.sort()).toEqual(Object.keys(files).sort());
    const target = mkdtempSync(join(workDir, 'rclone-down-'));
    expectOk(
      await runRclone(['sync', `${remote}:${bucket}`, target], sandbox, undefined, { timeoutMs: 120_000 }),
    );
    expect(readTree(target)).toEqual(digests(files));
    expectOk(await runRclone(['check', source, `${remote}:${bucket}`], sandbox));
  });
});

describe('boto3', () => {
  it('put, list with encoding, get, multipart upload_file and error codes behave as on AWS', async () => {
    const bucket = uniqueName('boto3');
    const big = join(workDir, 'boto-big.bin');
    const data = randomBytes(11 * MiB);
    writeFileSync(big, data);
    const result = await runBoto3(
      `
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
b = ${JSON.stringify(bucket)}
s3.create_bucket(Bucket=b)
keys = ["a b+c%d.txt", "ünï/日本.txt", "x" * 1000]
for k in keys:
    s3.put_object(Bucket=b, Key=k, Body=k.encode())
listed = [o["Key"] for o in s3.list_objects_v2(Bucket=b)["Contents"]]
bodies = [s3.get_object(Bucket=b, Key=k)["Body"].read().decode() == k for k in keys]
s3.upload_file(${JSON.stringify(big)}, b, "big.bin", Config=TransferConfig(multipart_threshold=5*1024*1024, multipart_chunksize=5*1024*1024))
head = s3.head_object(Bucket=b, Key="big.bin")
errors = []
for call in (lambda: s3.head_object(Bucket=b, Key="absent"), lambda: s3.get_object(Bucket=b, Key="absent"), lambda: s3.delete_bucket(Bucket=b)):
    try:
        call()
    except ClientError as e:
        errors.append([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]])
print(json.dumps({"listed": sorted(listed), "bodies": bodies, "etag": head["ETag"], "size": head["ContentLength"], "errors": errors}))
`,
      sandbox,
      undefined,
      { timeoutMs: 120_000 },
    );
    expectOk(result);
    const out = JSON.parse(result.stdout);
    expect(out.listed).toEqual(['a b+c%d.txt', 'x'.repeat(1000), 'ünï/日本.txt']);
    expect(out.bodies).toEqual([true, true, true]);
    expect(out.etag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect(out.size).toBe(data.length);
    expect(out.errors).toEqual([
      ['404', 404],
      ['NoSuchKey', 404],
      ['BucketNotEmpty', 409],
    ]);
  });
});
