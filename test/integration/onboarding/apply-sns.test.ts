/**
 * `onboard --apply` for a live connection through the customer's SNS topic on the sandbox: apply
 * creates the topic with only our policy, and S3 accepts the notification to it (S3 checks that the
 * topic policy lets it publish for this bucket); the vendor cannot subscribe anything but an SQS
 * queue of its own. (The positive subscribe is proven by iam-simulate in the unit tests: the
 * sandbox does not yet put sns:Protocol/sns:Endpoint into Subscribe's authorization context.)
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, parseConfig } from '../../../src/config/resolved-config.js';
import { applyOnboarding } from '../../../src/onboarding/apply/apply-onboarding.js';
import {
  type OnboardingContext,
  resolveOnboardingContext,
  type SnsLiveContext,
} from '../../../src/onboarding/onboarding-context.js';
import { startTestSandbox, type TestSandbox, uniqueName } from '../../helpers/sandbox.js';

const VENDOR = '111111111111';
const CUSTOMER = '222222222222';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe('onboard --apply for a live connection through SNS', () => {
  let context: OnboardingContext & { live: SnsLiveContext };
  let result: Awaited<ReturnType<typeof applyOnboarding>>;
  const vendorSns = () => new SNSClient(sandbox.sdkConfig('vendor'));

  beforeAll(async () => {
    const config = parseConfig({
      version: 2,
      vendor: { accountId: VENDOR, principals: [`arn:aws:iam::${VENDOR}:root`] },
      aws: { region: sandbox.region, endpoint: sandbox.endpoint },
      connections: [
        {
          name: 'acme',
          accountId: CUSTOMER,
          externalId: uniqueName('ext'),
          workflow: 'live',
          source: { bucket: uniqueName('src'), prefix: 'videos/in/', suffix: '.mp4' },
          destination: { bucket: uniqueName('dst'), prefix: 'videos/out/' },
          onboarding: { roleName: uniqueName('Role'), topicName: uniqueName('topic') },
        },
      ],
    });
    context = resolveOnboardingContext(config, config.connections[0] as Connection) as typeof context;
    const customer = sandbox.sdkConfig('customer');
    const s3 = new S3Client(customer);
    await s3.send(new CreateBucketCommand({ Bucket: context.source.bucket }));
    await s3.send(new CreateBucketCommand({ Bucket: context.destination.bucket }));
    result = await applyOnboarding(
      context,
      { iam: new IAMClient(customer), s3, sns: new SNSClient(customer), sqs: new SQSClient(customer) },
      { say: () => undefined },
    );
  });

  it('creates the topic with only our policy and merges the notification', async () => {
    expect(result.changes.map((c) => `${c.kind} ${c.resource}`)).toEqual([
      `create IAM role ${context.roleName} (trust policy, MaxSessionDuration 3600 s)`,
      `create IAM role ${context.roleName} inline policy BucketBridgeAccess`,
      `create SNS topic ${context.live.topicName}`,
      `create SNS topic policy of ${context.live.topicName}`,
      `create S3 bucket policy of ${context.source.bucket}`,
      `create S3 bucket policy of ${context.destination.bucket}`,
      `create S3 event notification of ${context.source.bucket}`,
    ]);
    const { Attributes } = await new SNSClient(sandbox.sdkConfig('customer')).send(
      new GetTopicAttributesCommand({ TopicArn: context.live.topicArn }),
    );
    expect(JSON.parse(Attributes!.Policy!).Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      'BucketBridgeAcmeS3Publish',
      'BucketBridgeAcmeVendorSubscribe',
    ]);
  });

  it.each([
    ['an e-mail address', 'email', 'someone@example.com'],
    ['a queue of another account', 'sqs', 'arn:aws:sqs:us-east-1:333333333333:elsewhere'],
  ])('refuses the vendor subscribing %s', async (_, protocol, endpoint) => {
    await expect(
      vendorSns().send(
        new SubscribeCommand({ TopicArn: context.live.topicArn, Protocol: protocol, Endpoint: endpoint }),
      ),
    ).rejects.toMatchObject({ name: 'AuthorizationErrorException' });
  });
});
