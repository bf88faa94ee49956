import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, test } from 'vitest';
import { uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';
import { runAwsCli, runBoto3, runRclone } from '../../helpers/witnesses.js';

const sandbox = useTestSandbox();
const workDir = useTempFolder('bb-witness-');
let bucket: string;
beforeAll(async () => {
  bucket = uniqueName('witness');
  await new S3Client(sandbox.sdkConfig('customer')).send(new CreateBucketCommand({ Bucket: bucket }));
});

describe('third-party clients sign requests the sandbox accepts', () => {
  test.each(['v1', 'v2'] as const)(
    'AWS CLI %s: sts get-caller-identity names the account root',
    async (version) => {
      const result = await runAwsCli(version, ['sts', 'get-caller-identity'], sandbox, 'vendor');
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toMatchObject({
        Account: '111111111111',
        Arn: 'arn:aws:iam::111111111111:root',
      });
    },
  );

  test.each(['v1', 'v2'] as const)(
    'AWS CLI %s: s3 cp up and down (multipart, 9 MiB) keeps the bytes',
    async (version) => {
      const source = join(workDir, `up-${version}.bin`);
      const data = Buffer.alloc(9 * 1024 * 1024);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 256;
      writeFileSync(source, data);
      const key = `s3://${bucket}/cli ${version}/a+b%c ü.bin`;
      const up = await runAwsCli(version, ['s3', 'cp', source, key], sandbox);
      expect(up.exitCode, up.stderr).toBe(0);
      const down = await runAwsCli(version, ['s3', 'cp', key, join(workDir, `down-${version}.bin`)], sandbox);
      expect(down.exitCode, down.stderr).toBe(0);
      expect(readFileSync(join(workDir, `down-${version}.bin`)).equals(data)).toBe(true);
    },
  );

  test('AWS CLI v1 with a wrong secret gets SignatureDoesNotMatch', async () => {
    const result = await runAwsCli('v1', ['s3', 'ls'], sandbox, {
      ...sandbox.accounts.customer,
      secretAccessKey: 'wrong',
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('SignatureDoesNotMatch');
  });

  test('boto3: put and get an object, and an unknown key gets InvalidAccessKeyId', async () => {
    const ok = await runBoto3(
      `s3.put_object(Bucket="${bucket}", Key="boto/x y.txt", Body=b"from boto3")\nprint(s3.get_object(Bucket="${bucket}", Key="boto/x y.txt")["Body"].read().decode())`,
      sandbox,
    );
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('from boto3');
    const bad = await runBoto3(
      `try:\n  s3.list_buckets()\nexcept Exception as e:\n  print(e.response["Error"]["Code"])`,
      sandbox,
      { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' },
    );
    expect(bad.stdout.trim()).toBe('InvalidAccessKeyId');
  });

  test('rclone: copy a file in and list it', async () => {
    writeFileSync(join(workDir, 'rclone.txt'), 'from rclone');
    const remote = `${sandbox.rcloneRemote()}:${bucket}/rclone`;
    const copy = await runRclone(['copy', join(workDir, 'rclone.txt'), remote], sandbox);
    expect(copy.exitCode, copy.stderr).toBe(0);
    const list = await runRclone(['lsf', remote], sandbox);
    expect(list.stdout).toBe('rclone.txt\n');
  });
});
