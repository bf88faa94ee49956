/**
 * The README's "by hand" path, run literally: every shell block of steps 1 (option B), 2 and 3,
 * as the customer would paste it, with the AWS CLI v1 and jq against the sandbox. Afterwards the
 * buckets keep what they had, the role works with the external ID only, and the notification has
 * both the old rule and ours.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, parseConfig } from '../../../src/config/resolved-config.js';
import { renderOnboardingFiles } from '../../../src/onboarding/onboard.js';
import {
  type OnboardingContext,
  resolveOnboardingContext,
} from '../../../src/onboarding/onboarding-context.js';
import { startTestSandbox, type TestSandbox, uniqueName } from '../../helpers/sandbox.js';
import { runProcess } from '../../helpers/witnesses.js';

let sandbox: TestSandbox;
let folder: string;
beforeAll(async () => {
  sandbox = await startTestSandbox();
  folder = await mkdtemp(join(tmpdir(), 'bb-readme-'));
});
afterAll(async () => {
  await sandbox.close();
  await rm(folder, { recursive: true, force: true });
});

/** The ```bash blocks of the README sections whose heading starts with one of `headings`. */
function shellBlocks(readme: string, headings: string[]): string[] {
  const sections = readme.split(/\n(?=## )/).filter((s) => headings.some((h) => s.startsWith(`## ${h}`)));
  return sections.flatMap((section) => [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!));
}

describe("the README's by-hand steps, pasted into a shell", () => {
  let context: OnboardingContext;
  let auditQueueArn: string;
  const customer = () => sandbox.sdkConfig('customer');

  beforeAll(async () => {
    const s3 = new S3Client(customer());
    const sqs = new SQSClient(customer());
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('events') }));
    const config = parseConfig({
      version: 2,
      vendor: { accountId: '111111111111', principals: ['arn:aws:iam::111111111111:root'] },
      aws: { region: sandbox.region },
      connections: [
        {
          name: 'acme',
          accountId: '222222222222',
          externalId: uniqueName('ext'),
          workflow: 'live',
          live: { mode: 'sqs', queueUrl: QueueUrl },
          source: { bucket: uniqueName('src'), prefix: 'in/' },
          destination: { bucket: uniqueName('dst'), prefix: 'out/' },
          onboarding: { roleName: uniqueName('Role') },
        },
      ],
    });
    context = resolveOnboardingContext(config, config.connections[0] as Connection);
    for (const [name, text] of renderOnboardingFiles(context)) await writeFile(join(folder, name), text);

    // What the buckets already have: a statement on the source, nothing on the destination, and
    // an audit rule on the source's notification.
    await s3.send(new CreateBucketCommand({ Bucket: context.source.bucket }));
    await s3.send(new CreateBucketCommand({ Bucket: context.destination.bucket }));
    const keep = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Keep',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::222222222222:root' },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${context.source.bucket}/*`,
        },
      ],
    };
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: context.source.bucket, Policy: JSON.stringify(keep) }),
    );
    const audit = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('audit') }));
    const auditAttributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: audit.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    auditQueueArn = auditAttributes.Attributes!.QueueArn!;
    const s3MaySend = (arn: string) => ({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arn,
        },
      ],
    });
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: audit.QueueUrl,
        Attributes: { Policy: JSON.stringify(s3MaySend(auditQueueArn)) },
      }),
    );
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: context.source.bucket,
        NotificationConfiguration: {
          QueueConfigurations: [{ Id: 'audit', QueueArn: auditQueueArn, Events: ['s3:ObjectRemoved:*'] }],
        },
      }),
    );
    // The README's prose step for sqs mode: the queue policy from queue-policy.json.
    const queuePolicy = renderOnboardingFiles(context).get('queue-policy.json')!;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: queuePolicy } }));

    const readme = renderOnboardingFiles(context).get('README.md')!;
    const blocks = shellBlocks(readme, ['Step 1, option B', 'Step 2', 'Step 3']);
    expect(blocks).toHaveLength(4);
    for (const block of blocks) {
      const result = await runProcess('bash', ['-e', '-o', 'pipefail', '-c', block], {
        cwd: folder,
        env: sandbox.env('customer'),
      });
      expect(result.exitCode, `${block}\n${result.stderr}`).toBe(0);
    }
  });

  it('keeps the source bucket statement and adds ours; gives the destination ours', async () => {
    const s3 = new S3Client(customer());
    const sids = async (bucket: string) =>
      (
        JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!) as {
          Statement: { Sid: string }[];
        }
      ).Statement.map((s) => s.Sid);
    expect(await sids(context.source.bucket)).toEqual([
      'Keep',
      'BucketBridgeAcmeListSourcePrefix',
      'BucketBridgeAcmeLocateSourceBucket',
      'BucketBridgeAcmeReadSourceObjects',
    ]);
    expect(await sids(context.destination.bucket)).toEqual([
      'BucketBridgeAcmeWriteDestinationObjects',
      'BucketBridgeAcmeCleanUpVerifyProbes',
      'BucketBridgeAcmeLocateDestinationBucket',
    ]);
  });

  it('keeps the audit rule and adds ours to the notification', async () => {
    const current = await new S3Client(customer()).send(
      new GetBucketNotificationConfigurationCommand({ Bucket: context.source.bucket }),
    );
    expect(current.QueueConfigurations?.map((q) => q.Id)).toEqual(['audit', 'bucketbridge-acme']);
  });

  it('creates a role the vendor can assume with the external ID, and read the source prefix with', async () => {
    const s3 = new S3Client(customer());
    await s3.send(new PutObjectCommand({ Bucket: context.source.bucket, Key: 'in/a.txt', Body: 'a' }));
    const sts = new STSClient(sandbox.sdkConfig('vendor'));
    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: context.roleArn, RoleSessionName: 'vendor' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: context.roleArn,
        RoleSessionName: 'vendor',
        ExternalId: context.externalId,
      }),
    );
    const asRole = new S3Client({
      ...sandbox.sdkConfig('vendor'),
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      },
    });
    const read = await asRole.send(new GetObjectCommand({ Bucket: context.source.bucket, Key: 'in/a.txt' }));
    expect(await read.Body!.transformToString()).toBe('a');
  });

  it('a second paste of the merge steps changes nothing', async () => {
    const readme = renderOnboardingFiles(context).get('README.md')!;
    const s3 = new S3Client(customer());
    const before = (await s3.send(new GetBucketPolicyCommand({ Bucket: context.source.bucket }))).Policy;
    for (const block of shellBlocks(readme, ['Step 2', 'Step 3'])) {
      const result = await runProcess('bash', ['-e', '-o', 'pipefail', '-c', block], {
        cwd: folder,
        env: sandbox.env('customer'),
      });
      expect(result.exitCode, result.stderr).toBe(0);
    }
    expect(
      JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: context.source.bucket }))).Policy!),
    ).toEqual(JSON.parse(before!));
    const current = await s3.send(
      new GetBucketNotificationConfigurationCommand({ Bucket: context.source.bucket }),
    );
    expect(current.QueueConfigurations?.map((q) => q.Id)).toEqual(['audit', 'bucketbridge-acme']);
  });
});
