/**
 * S3 event notifications delivered to real sandbox SQS queues, checked field by field as a consumer
 * sees them: the test event on configuration, ObjectCreated and ObjectRemoved records, and the
 * refusal of a queue whose policy does not let the bucket publish.
 */
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  type NotificationConfiguration,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { bucketEventsTopicPolicy, topicDeliveryPolicy } from '../../fixtures/queue-policies.js';
import { uniqueName } from '../../helpers/sandbox.js';
import { queueForBucketEvents, sandboxClient, useS3Sandbox } from '../../helpers/sandbox-clients.js';
import { failure, newBucket } from './s3-conformance.js';

const { sandbox, s3 } = useS3Sandbox();
const sqs = sandboxClient(sandbox, SQSClient);
const sns = sandboxClient(sandbox, SNSClient);
const queueFor = (bucket: string | undefined) => queueForBucketEvents(sqs, bucket);

/** Sets `bucket`'s notification configuration through `client`. */
const configureNotifications = (client: S3Client, bucket: string, configuration: NotificationConfiguration) =>
  client.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: configuration,
    }),
  );

/** The fields of an event document these tests read besides the whole-record comparison. */
interface EventDocument {
  Records: Array<{ eventName: string; s3: { object: { key: string; eTag?: string; sequencer: string } } }>;
}

/** The next message body on the queue, waiting for it to arrive (bounded by the long poll). */
async function nextMessage(url: string): Promise<unknown> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        WaitTimeSeconds: 2,
        MaxNumberOfMessages: 1,
        VisibilityTimeout: 300,
      }),
    );
    const message = received.Messages?.[0];
    if (message?.Body) return JSON.parse(message.Body);
  }
  throw new Error(`no message arrived on ${url}`);
}

describe('notifications to an SQS queue', () => {
  it('a queue that lets the bucket publish gets the test event, then exact ObjectCreated and ObjectRemoved records', async () => {
    const bucket = await newBucket(s3, 'notify');
    const queue = await queueFor(bucket);
    await configureNotifications(s3, bucket, {
      QueueConfigurations: [
        {
          Id: 'incoming-csv',
          QueueArn: queue.arn,
          Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
        },
      ],
    });
    const testEvent = await nextMessage(queue.url);
    expect(testEvent).toEqual({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      Bucket: bucket,
      RequestId: expect.any(String),
      HostId: expect.any(String),
    });

    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ignored/x.csv', Body: 'not selected' }));
    const put = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'incoming/day 1+2.csv', Body: 'a,b\n1,2\n' }),
    );
    const created = (await nextMessage(queue.url)) as EventDocument;
    expect(created.Records).toHaveLength(1);
    const record = created.Records[0]!;
    expect(record).toEqual({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: `AWS:${sandbox.accounts.customer.id}` },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: {
        'x-amz-request-id': put.$metadata.requestId,
        'x-amz-id-2': put.$metadata.extendedRequestId,
      },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'incoming-csv',
        bucket: {
          name: bucket,
          ownerIdentity: { principalId: expect.stringMatching(/^A[0-9A-Z]+$/) },
          arn: `arn:aws:s3:::${bucket}`,
        },
        object: {
          key: 'incoming/day+1%2B2.csv',
          size: 8,
          eTag: createHash('md5').update('a,b\n1,2\n').digest('hex'),
          sequencer: expect.stringMatching(/^[0-9A-F]+$/),
        },
      },
    });
    expect(put.ETag).toBe(`"${record.s3.object.eTag}"`);

    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'incoming/day 1+2.csv' }));
    const removed = (await nextMessage(queue.url)) as EventDocument;
    expect(removed.Records[0]!.eventName).toBe('ObjectRemoved:Delete');
    expect(removed.Records[0]!.s3.object).toEqual({
      key: 'incoming/day+1%2B2.csv',
      sequencer: expect.any(String),
    });
    expect(removed.Records[0]!.s3.object.sequencer > record.s3.object.sequencer).toBe(true);
  });

  it('a queue without a policy for the bucket is refused with InvalidArgument naming the queue', async () => {
    const bucket = await newBucket(s3, 'notify');
    const queue = await queueFor(undefined);
    const error = await failure(
      configureNotifications(s3, bucket, {
        QueueConfigurations: [{ QueueArn: queue.arn, Events: ['s3:ObjectCreated:*'] }],
      }),
    );
    expect(error.name).toBe('InvalidArgument');
    expect(error.message).toBe('Unable to validate the following destination configurations');
    const body = error as unknown as { ArgumentName?: string; ArgumentValue?: string };
    expect(body.ArgumentName).toBe(queue.arn);
    expect(body.ArgumentValue).toBe(
      'Permissions on the destination queue do not allow S3 to publish notifications from this bucket',
    );
  });

  it("a queue in another region than the bucket's is refused, even when its policy allows the bucket", async () => {
    const bucket = uniqueName('notify');
    const s3EuWest2 = new S3Client({ ...sandbox.sdkConfig('customer'), region: 'eu-west-2', maxAttempts: 1 });
    await s3EuWest2.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-2' },
      }),
    );
    const queue = await queueFor(bucket);
    expect(queue.arn.split(':')[3]).toBe(sandbox.region);
    const error = await failure(
      configureNotifications(s3EuWest2, bucket, {
        QueueConfigurations: [{ QueueArn: queue.arn, Events: ['s3:ObjectCreated:*'] }],
      }),
    );
    expect(error.name).toBe('InvalidArgument');
    expect(error.message).toBe(
      'The notification destination service region is not valid for the bucket location constraint',
    );
  });
});

/** A topic that lets `bucket` publish (when given), with a queue subscribed to it. */
async function topicFor(bucket: string | undefined): Promise<{ arn: string; queueUrl: string }> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('s3-topic') }));
  if (bucket) {
    const Policy = bucketEventsTopicPolicy(TopicArn!, bucket);
    await sns.send(
      new SetTopicAttributesCommand({ TopicArn, AttributeName: 'Policy', AttributeValue: Policy }),
    );
  }
  const { url: QueueUrl, arn: queueArn } = await queueForBucketEvents(sqs, undefined, {
    namePrefix: 'from-topic',
  });
  const queuePolicy = topicDeliveryPolicy(queueArn, TopicArn!);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: queuePolicy } }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn }));
  return { arn: TopicArn!, queueUrl: QueueUrl };
}

describe('notifications to an SNS topic', () => {
  it('deliver the test event and records inside SNS envelopes with the subject "Amazon S3 Notification"', async () => {
    const bucket = await newBucket(s3, 'notify-sns');
    const topic = await topicFor(bucket);
    await configureNotifications(s3, bucket, {
      TopicConfigurations: [
        {
          Id: 'csv-to-topic',
          TopicArn: topic.arn,
          Events: ['s3:ObjectCreated:Put'],
          Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.csv' }] } },
        },
      ],
    });
    const testEnvelope = (await nextMessage(topic.queueUrl)) as Record<string, string>;
    expect(testEnvelope.Type).toBe('Notification');
    expect(testEnvelope.TopicArn).toBe(topic.arn);
    expect(testEnvelope.Subject).toBe('Amazon S3 Notification');
    expect(JSON.parse(testEnvelope.Message!)).toMatchObject({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Bucket: bucket,
    });

    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'skip.txt', Body: 'no' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/report.csv', Body: 'x,y' }));
    const envelope = (await nextMessage(topic.queueUrl)) as Record<string, string>;
    expect(envelope.Subject).toBe('Amazon S3 Notification');
    const document = JSON.parse(envelope.Message!) as EventDocument;
    expect(document.Records[0]!.eventName).toBe('ObjectCreated:Put');
    expect(document.Records[0]!.s3.object.key).toBe('data/report.csv');
  });

  it('a topic whose policy does not let the bucket publish is refused', async () => {
    const bucket = await newBucket(s3, 'notify-sns');
    const topic = await topicFor(undefined);
    const error = await failure(
      configureNotifications(s3, bucket, {
        TopicConfigurations: [{ TopicArn: topic.arn, Events: ['s3:ObjectCreated:*'] }],
      }),
    );
    expect(error.name).toBe('InvalidArgument');
    expect((error as unknown as { ArgumentValue?: string }).ArgumentValue).toBe(
      'Permissions on the destination topic do not allow S3 to publish notifications from this bucket',
    );
  });
});
