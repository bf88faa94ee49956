/**
 * The customer's region (`connections[].region`) differs from the vendor's `aws.region`: the
 * customer's buckets and topic are in eu-west-2, the vendor runs in the sandbox's us-east-1.
 * `onboard --apply` makes the topic, the notification and the stack's resources in eu-west-2 (S3
 * refuses a notification to a topic in another region), `verify` passes; a bucket outside the
 * configured region fails `verify`'s region check, naming the bucket's real region.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyConnections } from '../../../src/onboarding/verify/verify.js';
import { CUSTOMER_ACCOUNT, onboardOnSandbox, vendorCredentials } from '../../helpers/customer-setup.js';
import { runCli } from '../../helpers/run-cli.js';
import { uniqueName, useTestSandbox } from '../../helpers/sandbox.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';

const CUSTOMER_REGION = 'eu-west-2';

const sandbox = useTestSandbox();
const folder = useTempFolder('bb-customer-region-');

interface CheckJson {
  id: string;
  status: string;
  detail: string;
}

describe('a live customer in another region than the vendor', () => {
  const role = uniqueName('Role');
  const topic = uniqueName('topic');
  const source = uniqueName('src');
  const destination = uniqueName('dst');
  let configPath: string;

  beforeAll(async () => {
    expect(sandbox.region).not.toBe(CUSTOMER_REGION);
    configPath = join(folder, 'live.yaml');
    await writeFile(
      configPath,
      [
        'version: 2',
        'vendor: { accountId: "111111111111", principals: ["arn:aws:iam::111111111111:root"] }',
        `aws: { region: ${sandbox.region}, endpoint: "${sandbox.endpoint}" }`,
        `processing: { regions: [${sandbox.region}, ${CUSTOMER_REGION}], defaultRegion: ${sandbox.region} }`,
        'connections:',
        '  - name: acme',
        `    accountId: "${CUSTOMER_ACCOUNT}"`,
        `    region: ${CUSTOMER_REGION}`,
        '    assumeRoleFlag: true',
        `    assumeRoleArn: ["arn:aws:iam::${CUSTOMER_ACCOUNT}:role/${role}"]`,
        `    source: { bucket: ${source}, prefix: in/ }`,
        `    destination: { bucket: ${destination}, prefix: out/ }`,
        '    workflow: live',
        `    onboarding: { roleName: ${role}, topicName: ${topic} }`,
        '',
      ].join('\n'),
    );
    const s3 = new S3Client({ ...sandbox.sdkConfig('customer'), region: CUSTOMER_REGION });
    for (const bucket of [source, destination]) {
      await s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          CreateBucketConfiguration: { LocationConstraint: CUSTOMER_REGION },
        }),
      );
    }
    await s3.send(new PutObjectCommand({ Bucket: source, Key: 'in/sample.txt', Body: 'sample' }));
  });

  it("onboard --apply makes the topic and the notification in the customer's region", async () => {
    const result = await runCli(
      ['onboard', '--config', configPath, '--connection', 'acme', '--apply', '--out', join(folder, 'files')],
      { env: { ...sandbox.env('customer'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const topicArn = `arn:aws:sns:${CUSTOMER_REGION}:${CUSTOMER_ACCOUNT}:${topic}`;
    const sns = new SNSClient({ ...sandbox.sdkConfig('customer'), region: CUSTOMER_REGION });
    await expect(sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).resolves.toBeDefined();
    const s3 = new S3Client({ ...sandbox.sdkConfig('customer'), region: CUSTOMER_REGION });
    const notification = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: source }));
    expect(notification.TopicConfigurations?.map((c) => c.TopicArn)).toEqual([topicArn]);
  });

  it('verify passes its region, topic and notification checks with the vendor credentials', async () => {
    const result = await runCli(['verify', '--config', configPath, '--json'], {
      env: { ...sandbox.env('vendor'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    const report = JSON.parse(result.stdout) as { ok: boolean; connections: { checks: CheckJson[] }[] };
    const checks = report.connections[0]!.checks;
    const status = (id: string) => checks.find((c) => c.id === id)?.status;
    expect(checks.find((c) => c.id === 'buckets.region')).toMatchObject({
      status: 'pass',
      detail: `source ${source} in ${CUSTOMER_REGION}, destination ${destination} in ${CUSTOMER_REGION}; processed in ${CUSTOMER_REGION}`,
    });
    expect(status('topic.policy')).toBe('pass');
    expect(status('notification.config')).toBe('pass');
    expect(report.ok, JSON.stringify(checks, null, 2)).toBe(true);
    expect(result.exitCode).toBe(0);
  });
});

describe('a bucket outside the configured region', () => {
  it("fails verify's region check, naming the bucket's real region and the fix", async () => {
    // The customer's buckets are in eu-west-2; the connection leaves `region` out (aws.region).
    const setup = await onboardOnSandbox(sandbox, {
      bucketRegion: CUSTOMER_REGION,
      connection: { region: sandbox.region },
    });
    const report = await verifyConnections({
      config: setup.config,
      connections: [setup.connection],
      vendorCredentials: vendorCredentials(sandbox),
    });
    const check = report.connections[0]!.checks.find((c) => c.id === 'buckets.region');
    expect(check).toMatchObject({
      status: 'fail',
      detail:
        `source ${setup.connection.source.bucket} is in ${CUSTOMER_REGION}, but the connection's region is ${sandbox.region}: ` +
        "the customer's topic, stack and notification are made in the connection's region, and S3 notifies a topic in the bucket's own region only",
      remediation: `Set \`region: ${CUSTOMER_REGION}\` on connection acme (connections[].region, default aws.region), then run \`bucketbridge onboard\` again.`,
    });
    expect(report.ok).toBe(false);
  });
});
