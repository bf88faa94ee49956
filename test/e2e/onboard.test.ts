import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCli } from '../helpers/run-cli.js';

const CONFIG = `# customer connections (this comment must survive)
version: 2
vendor:
  accountId: "111111111111"
  principals:
    - arn:aws:iam::111111111111:role/workers
aws:
  region: eu-west-1
connections:
  - name: acme-live
    accountId: "222222222222"
    workflow: live
    source: { bucket: acme-src, prefix: in/, suffix: .mp4 }
    destination: { bucket: acme-dst, prefix: out/ }
  - name: acme-batch
    accountId: "222222222222"
    externalId: fixed-external-id
    assumeRoleFlag: true
    assumeRoleArn: [arn:aws:iam::222222222222:role/BucketBridgeAccessRole]
    source: { bucket: acme-src }
    destination: { bucket: acme-dst, acl: bucket-owner-full-control }
`;

const COMMON_FILES = [
  'README.md',
  'cloudformation.yaml',
  'destination-bucket-policy.json',
  'main.tf.json',
  'permissions-policy.json',
  'source-bucket-policy.json',
  'trust-policy.json',
];

describe('bucketbridge onboard', () => {
  let folder: string;
  let configPath: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bb-onboard-'));
    configPath = join(folder, 'bucketbridge.yaml');
    await writeFile(configPath, CONFIG);
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  // Bounded: a folder that cannot be created once made onboard spin forever.
  const onboard = (...args: string[]) =>
    runCli(['onboard', '--config', configPath, ...args], { timeoutMs: 20_000 });

  it('writes the batch files, with the configured external ID, and changes nothing in the configuration', async () => {
    const out = join(folder, 'out');
    const result = await onboard('--connection', 'acme-batch', '--out', out);
    expect(result.stderr).toContain('Wrote 7 files for connection "acme-batch"');
    expect(result.exitCode).toBe(0);
    expect((await readdir(out)).sort()).toEqual(COMMON_FILES);
    const trust = JSON.parse(await readFile(join(out, 'trust-policy.json'), 'utf8'));
    expect(trust.Statement[0].Condition).toEqual({ StringEquals: { 'sts:ExternalId': 'fixed-external-id' } });
    expect(await readFile(configPath, 'utf8')).toBe(CONFIG);
    expect(result.stderr).not.toContain('Warning');
    // aws.region eu-west-1 is the connection's region, and not among the default processing.regions.
    expect(result.stderr).toContain(
      'Note: connection "acme-batch" is in eu-west-1, which is not among processing.regions (us-east-1): ' +
        'its objects are processed from defaultRegion us-east-1',
    );
  });

  it('warns when the connection does not assume the role onboarding creates', async () => {
    const result = await onboard('--connection', 'acme-live', '--out', join(folder, 'out'));
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      'Warning: connection "acme-live" does not assume a role yet (assumeRoleFlag is false); once the customer has created it, set assumeRoleFlag: true and end assumeRoleArn with arn:aws:iam::222222222222:role/BucketBridgeAccessRole.\n',
    );
  });

  it('gives a live connection without externalId a new one, writes it into the configuration and says so', async () => {
    const out = join(folder, 'out');
    const result = await onboard('--connection', 'acme-live', '--out', out, '--json');
    expect(result.exitCode).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      externalId: string;
      externalIdGenerated: boolean;
      topicArn: string;
      roleArn: string;
    };
    expect(summary.externalIdGenerated).toBe(true);
    expect(summary.externalId).toMatch(/^bucketbridge-[0-9a-f-]{36}$/);
    expect(summary.roleArn).toBe('arn:aws:iam::222222222222:role/BucketBridgeAccessRole');
    expect(summary.topicArn).toBe('arn:aws:sns:eu-west-1:222222222222:BucketBridgeS3EventTopic');
    expect(result.stderr).toContain(
      `Connection "acme-live" had no externalId: generated ${summary.externalId} and wrote it into ${configPath}.`,
    );
    expect((await readdir(out)).sort()).toEqual(
      [...COMMON_FILES, 'bucket-notification.json', 'topic-policy.json'].sort(),
    );
    const text = await readFile(configPath, 'utf8');
    expect(text).toContain('# customer connections (this comment must survive)');
    const config = YAML.parse(text) as { connections: { name: string; externalId?: string }[] };
    expect(config.connections.map((c) => c.externalId)).toEqual([summary.externalId, 'fixed-external-id']);
    const trust = await readFile(join(out, 'trust-policy.json'), 'utf8');
    expect(trust).toContain(summary.externalId);
    const notification = JSON.parse(await readFile(join(out, 'bucket-notification.json'), 'utf8'));
    expect(notification.TopicConfigurations[0].Filter.Key.FilterRules).toEqual([
      { Name: 'prefix', Value: 'in/' },
      { Name: 'suffix', Value: '.mp4' },
    ]);
  });

  it('a second run keeps the external ID and writes identical files', async () => {
    const first = join(folder, 'first');
    const second = join(folder, 'second');
    expect((await onboard('--connection', 'acme-live', '--out', first)).exitCode).toBe(0);
    const configAfterFirst = await readFile(configPath, 'utf8');
    const again = await onboard('--connection', 'acme-live', '--out', second);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).not.toContain('had no externalId');
    expect(await readFile(configPath, 'utf8')).toBe(configAfterFirst);
    for (const name of await readdir(first)) {
      expect(await readFile(join(second, name), 'utf8'), name).toBe(
        await readFile(join(first, name), 'utf8'),
      );
    }
  });

  it.each([
    [
      'an unknown connection',
      (dir: string) => ['--connection', 'nope', '--out', join(dir, 'out')],
      'bucketbridge: no connection named "nope": known connections: acme-live, acme-batch\n',
    ],
    [
      'an --out that is a file',
      (dir: string) => ['--connection', 'acme-batch', '--out', join(dir, 'bucketbridge.yaml')],
      (dir: string) =>
        `bucketbridge: --out ${join(dir, 'bucketbridge.yaml')}: is a file, not a folder; give a folder to write the onboarding files to\n`,
    ],
    [
      'an --out below a file',
      (dir: string) => ['--connection', 'acme-batch', '--out', join(dir, 'bucketbridge.yaml', 'out')],
      (dir: string) =>
        `bucketbridge: --out ${join(dir, 'bucketbridge.yaml', 'out')}: cannot create the folder (ENOTDIR); give a folder you can write to\n`,
    ],
    [
      'an --out under /proc (ENOENT for a parent that exists)',
      () => ['--connection', 'acme-batch', '--out', '/proc/nope'],
      'bucketbridge: --out /proc/nope: cannot create the folder (ENOENT); give a folder you can write to\n',
    ],
    [
      'an --out deeper under /proc',
      () => ['--connection', 'acme-batch', '--out', '/proc/nope/a/b'],
      'bucketbridge: --out /proc/nope/a/b: cannot create the folder (ENOENT at /proc/nope); give a folder you can write to\n',
    ],
  ])(
    'rejects %s with exit code 2 and a message naming the fix, writing nothing',
    async (_, args, message) => {
      const result = await onboard(...args(folder));
      expect(result.stderr).toBe(typeof message === 'string' ? message : message(folder));
      expect(result.exitCode).toBe(2);
      expect(await readdir(folder)).toEqual(['bucketbridge.yaml']);
      expect(await readFile(configPath, 'utf8')).toBe(CONFIG);
    },
  );

  it('rejects an --out through a dangling symlink at once, with exit code 2', async () => {
    await symlink(join(folder, 'missing'), join(folder, 'dangling'));
    const out = join(folder, 'dangling', 'out');
    const result = await onboard('--connection', 'acme-batch', '--out', out);
    expect(result.stderr).toBe(
      `bucketbridge: --out ${out}: cannot create the folder (EEXIST at ${join(folder, 'dangling')}); give a folder you can write to\n`,
    );
    expect(result.exitCode).toBe(2);
    expect((await readdir(folder)).sort()).toEqual(['bucketbridge.yaml', 'dangling']);
  });

  it.each([
    [
      ['--connection', 'acme-batch'],
      'bucketbridge: --out DIR is required (the folder to write the onboarding files to), unless --apply is given\n',
    ],
    [
      ['--connection', 'acme-batch', '--out', 'x', '--dry-run'],
      'bucketbridge: --dry-run only applies to --apply; add --apply or drop --dry-run\n',
    ],
  ])('rejects %j with exit code 2', async (args, message) => {
    const result = await onboard(...args);
    expect(result.stderr).toBe(message);
    expect(result.exitCode).toBe(2);
  });

  it('requires --connection', async () => {
    const result = await runCli(['onboard', '--config', configPath, '--out', join(folder, 'out')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("error: required option '--connection <name>' not specified");
  });
});
