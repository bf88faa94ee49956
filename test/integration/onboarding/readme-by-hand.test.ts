/**
 * The README's "by hand" path, run literally: every shell block of steps 1 (option B), 2 and 3,
 * as the customer would paste it, with the AWS CLI v1 and jq against the sandbox. Afterwards the
 * buckets keep what they had, the role works with the external ID only, and the notification has
 * both the old rule and ours.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderOnboardingFiles } from '../../../src/onboarding/onboard.js';
import type { OnboardingContext } from '../../../src/onboarding/onboarding-context.js';
import {
  addQueueRule,
  prepareCustomer,
  putCustomerStatement,
  s3AsRole,
} from '../../helpers/customer-setup.js';
import { useTestSandbox } from '../../helpers/sandbox.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';
import { runProcess } from '../../helpers/witnesses.js';

const sandbox = useTestSandbox();
const folder = useTempFolder('bb-readme-');

/** The ```bash blocks of the README sections whose heading starts with one of `headings`. */
function shellBlocks(readme: string, headings: string[]): string[] {
  const sections = readme.split(/\n(?=## )/).filter((s) => headings.some((h) => s.startsWith(`## ${h}`)));
  return sections.flatMap((section) => [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!));
}

describe("the README's by-hand steps, pasted into a shell", () => {
  let context: OnboardingContext;
  const customer = () => sandbox.sdkConfig('customer');

  beforeAll(async () => {
    // What the buckets already have: a statement on the source, nothing on the destination, and
    // an audit rule on the source's notification.
    ({ context } = await prepareCustomer(sandbox, { liveQueue: true, sampleKey: null }));
    for (const [name, text] of renderOnboardingFiles(context)) await writeFile(join(folder, name), text);
    const everyObject = `arn:aws:s3:::${context.source.bucket}/*`;
    await putCustomerStatement(sandbox, context.source.bucket, 'Keep', everyObject);
    await addQueueRule(sandbox, context.source.bucket, 'audit', ['s3:ObjectRemoved:*']);
    // The README's prose step for sqs mode: the queue policy from queue-policy.json.
    const queuePolicy = renderOnboardingFiles(context).get('queue-policy.json')!;
    const { queueUrl } = context.live as { queueUrl: string };
    await new SQSClient(customer()).send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: queuePolicy } }),
    );

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
    const asRole = await s3AsRole(sandbox, context);
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
