/**
 * S3 event notifications delivered to real sandbox SQS queues, checked field by field as a consumer
 * sees them: the test event on configuration, ObjectCreated and ObjectRemoved records, and the
 * refusal of a queue whose policy does not let the bucket publish.
 */

import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox, uniqueName } from '../../helpers/sandbox.js';
import { failure } from './s3-conformance.js';

let sandbox: TestSandbox;
let s3: S3Client;
let sqs: SQSClient;
beforeAll(async () => {
  sandbox = await startTestSandbox();
  s3 = new S3Client({ ...sandbox.sdkConfig('customer'), maxAttempts: 1 });
  sqs = new SQSClient({ ...sandbox.sdkConfig('customer'), maxAttempts: 1 });
});
afterAll(() => sandbox.close());

async function queueFor(bucket: string | undefined): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('events') }));
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = attributes.Attributes!.QueueArn!;
  if (bucket) {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arn,
          Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:s3:::${bucket}` } },
        },
      ],
    };
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify(policy) } }),
    );
  }
  return { url: QueueUrl!, arn };
}

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
    const bucket = uniqueName('notify');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const queue = await queueFor(bucket);
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Id: 'incoming-csv',
              QueueArn: queue.arn,
              Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
            },
          ],
        },
      }),
    );
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
    const bucket = uniqueName('notify');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const queue = await queueFor(undefined);
    const error = await failure(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: {
            QueueConfigurations: [{ QueueArn: queue.arn, Events: ['s3:ObjectCreated:*'] }],
          },
        }),
      ),
    );
    expect(error.name).toBe('InvalidArgument');
    expect(error.message).toBe('Unable to validate the following destination configurations');
    const body = error as unknown as { ArgumentName?: string; ArgumentValue?: string };
    expect(body.ArgumentName).toBe(queue.arn);
    expect(body.ArgumentValue).toBe(
      'Permissions on the destination queue do not allow S3 to publish notifications from this bucket',
    );
  });
});
