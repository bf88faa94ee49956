import { GetTopicAttributesCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyOnboarding } from '../../../src/onboarding/apply/apply-onboarding.js';
import type { OnboardingContext, SnsLiveContext } from '../../../src/onboarding/onboarding-context.js';
import { prepareCustomer } from '../../helpers/customer-setup.js';
import { useTestSandbox } from '../../helpers/sandbox.js';

const sandbox = useTestSandbox();

describe('onboard --apply for a live connection through SNS', () => {
  let context: OnboardingContext & { live: SnsLiveContext };
  let result: Awaited<ReturnType<typeof applyOnboarding>>;
  const vendorSns = () => new SNSClient(sandbox.sdkConfig('vendor'));

  beforeAll(async () => {
    const setup = await prepareCustomer(sandbox, {
      workflow: 'live',
      sampleKey: null,
      source: { prefix: 'videos/in/', suffix: '.mp4' },
      destination: { prefix: 'videos/out/' },
    });
    context = setup.context as typeof context;
    result = await applyOnboarding(context, setup.clients, { say: () => undefined });
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
