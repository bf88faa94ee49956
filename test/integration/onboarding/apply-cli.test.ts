/**
 * `bucketbridge onboard --apply` as a user runs it: the built CLI, the customer administrator's
 * keys in the environment, the configuration pointing at the sandbox.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { addQueueRule, createBuckets, putCustomerStatement } from '../../helpers/customer-setup.js';
import { runCli } from '../../helpers/run-cli.js';
import { uniqueName, useTestSandbox } from '../../helpers/sandbox.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';

const sandbox = useTestSandbox();
const folder = useTempFolder('bb-apply-cli-');

/**
 * The customer administrator's keys. The SDK's "node >= 22 soon" notice is switched off so the
 * exact stderr of a failure can be compared (main.ts does not suppress it yet).
 */
const adminEnv = () => ({
  ...sandbox.env('customer'),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

function configText(connection: string): string {
  return [
    '# onboarding through the sandbox',
    'version: 2',
    'vendor: { accountId: "111111111111", principals: ["arn:aws:iam::111111111111:root"] }',
    `aws: { region: ${sandbox.region}, endpoint: "${sandbox.endpoint}" }`,
    'connections:',
    connection,
    '',
  ].join('\n');
}

interface OnboardJson {
  externalId: string;
  files: string[];
  changes: { resource: string; kind: string }[];
}

describe('onboard --apply from the command line', () => {
  const role = uniqueName('Role');
  const source = uniqueName('src');
  const destination = uniqueName('dst');
  let configPath: string;
  const s3 = () => new S3Client(sandbox.sdkConfig('customer'));
  const run = (...args: string[]) =>
    runCli(['onboard', '--config', configPath, '--connection', 'acme', ...args], { env: adminEnv() });

  beforeAll(async () => {
    configPath = join(folder, 'batch.yaml');
    await writeFile(
      configPath,
      configText(
        [
          '  - name: acme',
          '    accountId: "222222222222"',
          `    source: { bucket: ${source}, prefix: in/ }`,
          `    destination: { bucket: ${destination}, prefix: out/ }`,
          `    onboarding: { roleName: ${role} }`,
        ].join('\n'),
      ),
    );
    await createBuckets(s3(), [source, destination], sandbox.region);
    await putCustomerStatement(sandbox, destination, 'Keep', `arn:aws:s3:::${destination}/*`);
  });

  it('--dry-run shows the changes and writes nothing: no role, no bucket policy change, no external ID saved', async () => {
    const before = await readFile(configPath, 'utf8');
    const result = await run('--apply', '--dry-run', '--out', join(folder, 'dry'), '--json');
    expect(result.exitCode, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as OnboardJson;
    expect(json.changes.map((c) => c.kind)).toEqual(['create', 'create', 'create', 'update']);
    expect(json.files).toEqual([]);
    expect(result.stderr).toContain('Dry run: 4 changes would be made; nothing was written.');
    expect(await readFile(configPath, 'utf8')).toBe(before);
    expect(await readdir(folder)).toEqual(['batch.yaml']);
    await expect(
      new IAMClient(sandbox.sdkConfig('customer')).send(new GetRoleCommand({ RoleName: role })),
    ).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
  });

  it('applies, saves the new external ID, writes the files, and keeps the existing bucket statement', async () => {
    const result = await run('--apply', '--out', join(folder, 'files'), '--json');
    expect(result.exitCode, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as OnboardJson;
    expect(json.files).toHaveLength(7);
    expect(result.stderr).toContain('Applied 4 changes.');
    const config = YAML.parse(await readFile(configPath, 'utf8')) as {
      connections: { externalId: string }[];
    };
    expect(config.connections[0]?.externalId).toBe(json.externalId);
    const { Role } = await new IAMClient(sandbox.sdkConfig('customer')).send(
      new GetRoleCommand({ RoleName: role }),
    );
    expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toContain(json.externalId);
    const { Policy } = await s3().send(new GetBucketPolicyCommand({ Bucket: destination }));
    expect((JSON.parse(Policy!) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid)).toEqual([
      'Keep',
      'BucketBridgeAcmeWriteDestinationObjects',
      'BucketBridgeAcmeCleanUpVerifyProbes',
      'BucketBridgeAcmeLocateDestinationBucket',
    ]);
  });

  it('a second run changes nothing', async () => {
    const result = await run('--apply', '--json');
    expect(result.exitCode, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as OnboardJson).changes.every((c) => c.kind === 'unchanged')).toBe(
      true,
    );
    expect(result.stderr).toContain(
      'Nothing to change: the account already has everything this connection needs.',
    );
  });
});

describe('onboard --apply without credentials', () => {
  it('exits 1 and says which credentials --apply needs', async () => {
    const configPath = join(folder, 'nocreds.yaml');
    await writeFile(
      configPath,
      configText(
        [
          '  - name: acme',
          '    accountId: "222222222222"',
          '    externalId: fixed-id',
          '    source: { bucket: some-src }',
          '    destination: { bucket: some-dst }',
        ].join('\n'),
      ),
    );
    const env: Record<string, string> = {
      ...adminEnv(),
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
    };
    const result = await runCli(['onboard', '--config', configPath, '--connection', 'acme', '--apply'], {
      env,
    });
    expect(result.stderr).toMatch(
      /^Warning: .*\nbucketbridge: Checking whose credentials these are \(sts:GetCallerIdentity\) failed: CredentialsProviderError: .*; --apply runs with the customer administrator's credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n$/,
    );
    expect(result.exitCode).toBe(1);
  });
});

describe('onboard --apply with an overlapping notification rule', () => {
  it('exits 1 with the message naming both rules, having written nothing', async () => {
    const source = uniqueName('src');
    const role = uniqueName('Role');
    await createBuckets(new S3Client(sandbox.sdkConfig('customer')), [source], sandbox.region);
    const { queueUrl: QueueUrl, queueArn } = await addQueueRule(sandbox, source, 'legacy', [
      's3:ObjectCreated:*',
    ]);
    const configPath = join(folder, 'live.yaml');
    await writeFile(
      configPath,
      configText(
        [
          '  - name: acme',
          '    accountId: "222222222222"',
          '    externalId: fixed-id',
          '    assumeRoleFlag: true',
          `    assumeRoleArn: ["arn:aws:iam::222222222222:role/${role}"]`,
          '    workflow: live',
          `    live: { mode: sqs, queueUrl: "${QueueUrl}" }`,
          `    source: { bucket: ${source} }`,
          `    destination: { bucket: ${source}, prefix: out/ }`,
          `    onboarding: { roleName: ${role} }`,
        ].join('\n'),
      ),
    );
    const result = await runCli(['onboard', '--config', configPath, '--connection', 'acme', '--apply'], {
      env: adminEnv(),
    });
    expect(result.stderr).toBe(
      `bucketbridge: the notification on bucket ${source} already has rule "legacy" (s3:ObjectCreated:* for keys with any prefix to ${queueArn}) ` +
        `that overlaps ours (s3:ObjectCreated:* for keys with any prefix to ${queueArn}): S3 sends each event to one rule only. ` +
        'Narrow that rule (a prefix or suffix that excludes our keys) or remove it, or give this connection a source prefix it does not cover, then run again.\n',
    );
    expect(result.exitCode).toBe(1);
    await expect(
      new IAMClient(sandbox.sdkConfig('customer')).send(new GetRoleCommand({ RoleName: role })),
    ).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
  });
});
