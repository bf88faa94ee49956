/**
 * `verify` against the sandbox for a live connection through the customer's SNS topic: after
 * `onboard --apply` and the vendor's subscription every check passes; a topic policy without the
 * vendor's subscribe permission, a missing notification, one that does not cover the connection's
 * keys, and another rule claiming the same events each fail exactly their own check.
 */
import { PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { SetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  addQueueRule,
  type OnboardedSetup,
  onboardOnSandbox,
  VENDOR_ACCOUNT,
} from '../../helpers/customer-setup.js';
import {
  findCheck as check,
  checkStatuses as statuses,
  subscribeVendorQueue,
  verifySetup,
} from '../../helpers/onboarding.js';
import { uniqueName, useTestSandbox } from '../../helpers/sandbox.js';

const sandbox = useTestSandbox();

const verify = (setup: OnboardedSetup) => verifySetup(sandbox, setup);

const LIVE_PASS = {
  'role.assume': 'pass',
  'role.external-id-enforced': 'pass',
  'role.duration': 'pass',
  identity: 'pass',
  'buckets.region': 'pass',
  'source.list': 'pass',
  'source.read': 'pass',
  'source.encryption': 'pass',
  'destination.write': 'pass',
  'destination.acl': 'pass',
  'notification.config': 'pass',
  'topic.policy': 'pass',
  'subscription.state': 'pass',
};

/** A live connection onboarded with --apply, its vendor queue subscribed as `live` does. */
async function liveSetup(options: { subscribe?: boolean; suffix?: string } = {}): Promise<OnboardedSetup> {
  const setup = await onboardOnSandbox(sandbox, {
    workflow: 'live',
    connection: {
      live: { mode: 'sns', queueName: uniqueName('vendorq') },
      source: {
        bucket: uniqueName('src'),
        prefix: 'in/',
        ...(options.suffix ? { suffix: options.suffix } : {}),
      },
    },
  });
  if (options.subscribe !== false) await subscribeVendorQueue(sandbox, setup);
  return setup;
}

function topicArnOf(setup: OnboardedSetup): string {
  return (setup.context.live as { topicArn: string }).topicArn;
}

describe('verify after a proper onboard --apply of a live connection (sns)', () => {
  it('passes every check and names the rule, the statement and the subscription', async () => {
    const setup = await liveSetup({ suffix: '.mp4' });
    const report = await verify(setup);
    expect(statuses(report)).toEqual(LIVE_PASS);
    expect(report.ok).toBe(true);
    const topicArn = topicArnOf(setup);
    expect(check(report, 'notification.config').detail).toBe(
      `rule "bucketbridge-acme": s3:ObjectCreated:* for keys starting with "in/" ending with ".mp4" to ${topicArn}`,
    );
    expect(check(report, 'topic.policy').detail).toMatch(
      new RegExp(
        `^statement BucketBridgeAcmeVendorSubscribe lets account ${VENDOR_ACCOUNT} subscribe arn:aws:sqs:us-east-1:${VENDOR_ACCOUNT}:vendorq-[a-z0-9]+ to `,
      ),
    );
    expect(check(report, 'subscription.state').detail).toMatch(/is subscribed to .* \(arn:aws:sns:/);
  });

  it('before `live` has subscribed the vendor queue, subscription.state warns and says what to run', async () => {
    const report = await verify(await liveSetup({ subscribe: false }));
    expect(statuses(report)).toEqual({ ...LIVE_PASS, 'subscription.state': 'warn' });
    expect(report.ok).toBe(true);
    expect(check(report, 'subscription.state').remediation).toBe(
      'Run `bucketbridge live --connection acme`: it creates the vendor queue and subscribes it.',
    );
  });
});

describe('verify on a broken live setup fails exactly its own check', () => {
  it('a topic policy without the vendor subscribe statement fails topic.policy; subscription.state is skipped', async () => {
    const setup = await liveSetup();
    const topicArn = topicArnOf(setup);
    const onlyS3 = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'S3Publish',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${setup.connection.source.bucket}` } },
        },
      ],
    };
    await setup.clients.sns.send(
      new SetTopicAttributesCommand({
        TopicArn: topicArn,
        AttributeName: 'Policy',
        AttributeValue: JSON.stringify(onlyS3),
      }),
    );
    const report = await verify(setup);
    expect(statuses(report)).toEqual({ ...LIVE_PASS, 'topic.policy': 'fail', 'subscription.state': 'skip' });
    expect(check(report, 'topic.policy').detail).toMatch(
      new RegExp(
        `^the policy of ${topicArn} does not let account ${VENDOR_ACCOUNT} subscribe its queue arn:aws:sqs:`,
      ),
    );
    expect(check(report, 'topic.policy').remediation).toContain('Allow sns:Subscribe');
  });

  it('a bucket without the notification fails notification.config', async () => {
    const setup = await liveSetup();
    await setup.clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: setup.connection.source.bucket,
        NotificationConfiguration: {},
      }),
    );
    const report = await verify(setup);
    expect(statuses(report)).toEqual({ ...LIVE_PASS, 'notification.config': 'fail' });
    expect(check(report, 'notification.config').detail).toBe(
      `no rule of bucket ${setup.connection.source.bucket}'s notification configuration sends events to ${topicArnOf(setup)}`,
    );
  });

  it('a notification that covers another prefix and only PUT uploads fails notification.config, naming both gaps', async () => {
    const setup = await liveSetup();
    await setup.clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: setup.connection.source.bucket,
        NotificationConfiguration: {
          TopicConfigurations: [
            {
              Id: 'bucketbridge-acme',
              TopicArn: topicArnOf(setup),
              Events: ['s3:ObjectCreated:Put'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'other/' }] } },
            },
          ],
        },
      }),
    );
    const report = await verify(setup);
    expect(statuses(report)).toEqual({ ...LIVE_PASS, 'notification.config': 'fail' });
    expect(check(report, 'notification.config').detail).toBe(
      `bucket ${setup.connection.source.bucket} sends events to ${topicArnOf(setup)}, but not for every new object of the connection: ` +
        `rule "bucketbridge-acme": s3:ObjectCreated:Put for keys starting with "other/" to ${topicArnOf(setup)}: ` +
        'it does not send s3:ObjectCreated:Post, s3:ObjectCreated:Copy, s3:ObjectCreated:CompleteMultipartUpload; ' +
        `its prefix "other/" does not cover the connection's prefix "in/"`,
    );
  });

  it("another rule that already claims the connection's events fails notification.config as overlapping", async () => {
    const setup = await liveSetup();
    const bucket = setup.connection.source.bucket;
    const { queueArn: auditQueue } = await addQueueRule(sandbox, bucket, 'audit', ['s3:ObjectCreated:*']);
    const report = await verify(setup);
    expect(statuses(report)).toEqual({ ...LIVE_PASS, 'notification.config': 'fail' });
    const notification = check(report, 'notification.config');
    expect(notification.detail).toBe(
      `no rule of bucket ${bucket}'s notification configuration sends events to ${topicArnOf(setup)}; ` +
        `rule "audit": s3:ObjectCreated:* for keys with any prefix to ${auditQueue} already receives these events, ` +
        'and S3 refuses a second rule for the same events (Configurations overlap)',
    );
    expect(notification.remediation).toMatch(
      /^Narrow or remove the overlapping rule \(a prefix or suffix that excludes "in\/"\)/,
    );
  });
});

describe("verify for a live connection reading the customer's own queue (sqs)", () => {
  it('passes the notification check against the queue and skips the topic checks with the reason', async () => {
    const sqs = new SQSClient(sandbox.sdkConfig('customer'));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('events') }));
    const setup = await onboardOnSandbox(sandbox, {
      workflow: 'live',
      connection: { live: { mode: 'sqs', queueUrl: QueueUrl } },
    });
    const report = await verify(setup);
    expect(statuses(report)).toEqual({ ...LIVE_PASS, 'topic.policy': 'skip', 'subscription.state': 'skip' });
    const queueArn = (setup.context.live as { queueArn: string }).queueArn;
    expect(check(report, 'notification.config').detail).toBe(
      `rule "bucketbridge-acme": s3:ObjectCreated:* for keys starting with "in/" to ${queueArn}`,
    );
    expect(check(report, 'topic.policy').detail).toBe(
      "live.mode is sqs: the vendor reads the customer's queue, no topic",
    );
  });
});
