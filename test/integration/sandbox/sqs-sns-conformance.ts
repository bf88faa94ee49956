/**
 * The SDK-level SQS + SNS suite that runs against the sandbox and, as a cross-check, against
 * moto's server: only behaviour AWS documents and both implement (queue CRUD and attributes,
 * send/receive/delete with attribute digests, visibility, batches, redrive, topics, sqs
 * subscriptions, enveloped and raw delivery). `defineSqsSnsConformance` registers it for one
 * endpoint and account.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { topicDeliveryPolicy } from '../../fixtures/queue-policies.js';
import {
  type ConformanceEndpoint,
  rejectionOf,
  singleAttemptConfig,
} from '../../helpers/sandbox-test-kit.js';

export interface SqsSnsTarget extends ConformanceEndpoint {
  /** The account queue and topic ARNs are in. */
  accountId: string;
}

let counter = 0;
/** A queue or topic name unique to this run. */
export function uniqueQueueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** The error an SQS call fails with, for asserting its name and message. */
export const sqsFailure = (promise: Promise<unknown>) => rejectionOf(promise, SQSServiceException);

export const sqsClient = (target: SqsSnsTarget): SQSClient => new SQSClient(singleAttemptConfig(target));

export const snsClient = (target: SqsSnsTarget): SNSClient => new SNSClient(singleAttemptConfig(target));

/** Receives until `count` messages arrived or a long poll came back empty. */
export async function receiveMessages(sqs: SQSClient, queueUrl: string, count = 1): Promise<Message[]> {
  const out: Message[] = [];
  while (out.length < count) {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, count - out.length),
        WaitTimeSeconds: 2,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (!res.Messages?.length) break;
    out.push(...res.Messages);
  }
  return out;
}

export function defineSqsSnsConformance(label: string, getTarget: () => SqsSnsTarget): void {
  const target = () => getTarget();
  const sqs = () => sqsClient(target());
  const sns = () => snsClient(target());
  const queueArn = (name: string) => `arn:aws:sqs:${target().region}:${target().accountId}:${name}`;

  async function createQueue(name: string, attributes: Record<string, string> = {}): Promise<string> {
    const res = await sqs().send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return res.QueueUrl!;
  }

  describe(`SQS and SNS conformance (${label})`, () => {
    describe('queues', () => {
      it('creates a queue idempotently and refuses the same name with a different attribute', async () => {
        const name = uniqueQueueName('conf-create');
        const url = await createQueue(name, { VisibilityTimeout: '40' });
        expect(url.endsWith(`/${target().accountId}/${name}`)).toBe(true);
        expect(await createQueue(name, { VisibilityTimeout: '40' })).toBe(url);
        const error = await sqsFailure(createQueue(name, { VisibilityTimeout: '41' }));
        // The SDK's shape for the query code QueueAlreadyExists.
        expect(error.name).toBe('QueueNameExists');
      });

      it('looks a queue up by name and reports QueueDoesNotExist once it is deleted', async () => {
        const name = uniqueQueueName('conf-url');
        const url = await createQueue(name);
        expect((await sqs().send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(url);
        await sqs().send(new DeleteQueueCommand({ QueueUrl: url }));
        const error = await sqsFailure(sqs().send(new GetQueueUrlCommand({ QueueName: name })));
        expect(error.name).toBe('QueueDoesNotExist');
        expect(error.message).toBe('The specified queue does not exist.');
      });

      it('lists queues by name prefix', async () => {
        const prefix = uniqueQueueName('conf-list');
        const urls = [await createQueue(`${prefix}-a`), await createQueue(`${prefix}-b`)];
        const res = await sqs().send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
        expect([...(res.QueueUrls ?? [])].sort()).toEqual(urls.sort());
      });

      it('reports default attributes, the queue ARN and the message counts', async () => {
        const name = uniqueQueueName('conf-attrs');
        const url = await createQueue(name);
        await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'one' }));
        await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'two' }));
        const res = await sqs().send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
        );
        expect(res.Attributes).toMatchObject({
          QueueArn: queueArn(name),
          VisibilityTimeout: '30',
          MessageRetentionPeriod: '345600',
          DelaySeconds: '0',
          ReceiveMessageWaitTimeSeconds: '0',
          ApproximateNumberOfMessages: '2',
          ApproximateNumberOfMessagesNotVisible: '0',
        });
        await sqs().send(
          new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '120' } }),
        );
        const after = await sqs().send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }),
        );
        expect(after.Attributes).toEqual({ VisibilityTimeout: '120' });
      });
    });

    describe('messages', () => {
      it('sends with attributes, returns AWS digests, and receives body, attributes and receive count', async () => {
        const url = await createQueue(uniqueQueueName('conf-send'));
        const sent = await sqs().send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: 'hello',
            MessageAttributes: {
              color: { DataType: 'String', StringValue: 'blue' },
              n: { DataType: 'Number', StringValue: '42' },
              raw: { DataType: 'Binary', BinaryValue: Uint8Array.from([0, 1, 255]) },
            },
          }),
        );
        expect(sent.MD5OfMessageBody).toBe('5d41402abc4b2a76b9719d911017c592');
        expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
        const [m] = await receiveMessages(sqs(), url);
        expect(m).toMatchObject({
          MessageId: sent.MessageId,
          Body: 'hello',
          MD5OfBody: sent.MD5OfMessageBody,
        });
        expect(m?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
        expect(m?.MessageAttributes?.color).toEqual({ DataType: 'String', StringValue: 'blue' });
        expect(m?.MessageAttributes?.n).toEqual({ DataType: 'Number', StringValue: '42' });
        expect(Buffer.from(m?.MessageAttributes?.raw?.BinaryValue ?? []).toString('hex')).toBe('0001ff');
        expect(m?.Attributes?.ApproximateReceiveCount).toBe('1');
        expect(Number(m?.Attributes?.SentTimestamp)).toBeGreaterThan(0);
      });

      it('keeps a received message hidden until its visibility is changed to 0, then redelivers it', async () => {
        const url = await createQueue(uniqueQueueName('conf-vis'));
        await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
        const first = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 60 }));
        expect(first.Messages).toHaveLength(1);
        const hidden = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url }));
        expect(hidden.Messages ?? []).toEqual([]);
        await sqs().send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: url,
            ReceiptHandle: first.Messages![0]!.ReceiptHandle!,
            VisibilityTimeout: 0,
          }),
        );
        const [again] = await receiveMessages(sqs(), url);
        expect(again?.Body).toBe('again');
        expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
      });

      it('deletes a message with its receipt handle', async () => {
        const url = await createQueue(uniqueQueueName('conf-del'));
        await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bye' }));
        const [m] = await receiveMessages(sqs(), url);
        await sqs().send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle! }));
        const res = await sqs().send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        expect(res.Attributes).toEqual({
          ApproximateNumberOfMessages: '0',
          ApproximateNumberOfMessagesNotVisible: '0',
        });
      });

      it('sends and deletes in batches', async () => {
        const url = await createQueue(uniqueQueueName('conf-batch'));
        const sent = await sqs().send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: ['a', 'b', 'c'].map((id) => ({ Id: id, MessageBody: `body-${id}` })),
          }),
        );
        expect(sent.Successful?.map((s) => s.Id).sort()).toEqual(['a', 'b', 'c']);
        expect(sent.Failed ?? []).toEqual([]);
        const got = await receiveMessages(sqs(), url, 3);
        expect(got.map((m) => m.Body).sort()).toEqual(['body-a', 'body-b', 'body-c']);
        const deleted = await sqs().send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: got.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
        expect(deleted.Successful).toHaveLength(3);
      });

      it('refuses a batch with repeated entry ids', async () => {
        const url = await createQueue(uniqueQueueName('conf-dup'));
        const error = await sqsFailure(
          sqs().send(
            new SendMessageBatchCommand({
              QueueUrl: url,
              Entries: [
                { Id: 'same', MessageBody: '1' },
                { Id: 'same', MessageBody: '2' },
              ],
            }),
          ),
        );
        expect(error.name).toBe('BatchEntryIdsNotDistinct');
      });

      it('holds a delayed message back until its delay has passed', async () => {
        const url = await createQueue(uniqueQueueName('conf-delay'));
        await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 1 }));
        const now = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }));
        expect(now.Messages ?? []).toEqual([]);
        const later = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
        expect(later.Messages?.[0]?.Body).toBe('later');
      });

      it('empties a queue with PurgeQueue', async () => {
        const url = await createQueue(uniqueQueueName('conf-purge'));
        await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'gone' }));
        await sqs().send(new PurgeQueueCommand({ QueueUrl: url }));
        const res = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }));
        expect(res.Messages ?? []).toEqual([]);
      });

      it('moves a message to the dead-letter queue on the receive after maxReceiveCount', async () => {
        const dlqName = uniqueQueueName('conf-dlq');
        const dlqUrl = await createQueue(dlqName);
        const url = await createQueue(uniqueQueueName('conf-src'), {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(dlqName), maxReceiveCount: 1 }),
        });
        await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
        const first = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));
        expect(first.Messages?.[0]?.Body).toBe('poison');
        const second = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url }));
        expect(second.Messages ?? []).toEqual([]);
        const [dead] = await receiveMessages(sqs(), dlqUrl);
        expect(dead?.Body).toBe('poison');
        expect(dead?.MessageId).toBe(first.Messages?.[0]?.MessageId);
      });
    });

    describe('topics delivering to queues', () => {
      async function topicWithQueue(raw: boolean) {
        const topicArn = (await sns().send(new CreateTopicCommand({ Name: uniqueQueueName('conf-topic') })))
          .TopicArn!;
        const queueName = uniqueQueueName('conf-sub');
        const url = await createQueue(queueName, {
          Policy: topicDeliveryPolicy(queueArn(queueName), topicArn),
        });
        const sub = await sns().send(
          new SubscribeCommand({
            TopicArn: topicArn,
            Protocol: 'sqs',
            Endpoint: queueArn(queueName),
            ReturnSubscriptionArn: true,
          }),
        );
        if (raw) {
          await sns().send(
            new SetSubscriptionAttributesCommand({
              SubscriptionArn: sub.SubscriptionArn!,
              AttributeName: 'RawMessageDelivery',
              AttributeValue: 'true',
            }),
          );
        }
        return { topicArn, url, subscriptionArn: sub.SubscriptionArn! };
      }

      it('creates a topic idempotently', async () => {
        const name = uniqueQueueName('conf-idem');
        const a = await sns().send(new CreateTopicCommand({ Name: name }));
        const b = await sns().send(new CreateTopicCommand({ Name: name }));
        expect(a.TopicArn).toBe(`arn:aws:sns:${target().region}:${target().accountId}:${name}`);
        expect(b.TopicArn).toBe(a.TopicArn);
      });

      it("gives a new topic AWS's default owner-only policy", async () => {
        const topicArn = (await sns().send(new CreateTopicCommand({ Name: uniqueQueueName('conf-policy') })))
          .TopicArn!;
        const attrs = await sns().send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
        expect(attrs.Attributes?.Owner).toBe(target().accountId);
        const statement = JSON.parse(attrs.Attributes!.Policy!).Statement[0];
        expect(statement).toMatchObject({
          Sid: '__default_statement_ID',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Resource: topicArn,
          Condition: { StringEquals: { 'AWS:SourceOwner': target().accountId } },
        });
      });

      it('lists a subscription by topic and forgets it after Unsubscribe', async () => {
        const { topicArn, subscriptionArn } = await topicWithQueue(false);
        const listed = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
        expect(listed.Subscriptions?.map((x) => [x.SubscriptionArn, x.Protocol])).toEqual([
          [subscriptionArn, 'sqs'],
        ]);
        await sns().send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
        const after = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
        expect(after.Subscriptions ?? []).toEqual([]);
      });

      it('delivers a published message in the Notification envelope', async () => {
        const { topicArn, url, subscriptionArn } = await topicWithQueue(false);
        expect(subscriptionArn.startsWith(`${topicArn}:`)).toBe(true);
        const published = await sns().send(
          new PublishCommand({ TopicArn: topicArn, Subject: 'Hi', Message: 'the message' }),
        );
        const [m] = await receiveMessages(sqs(), url);
        const envelope = JSON.parse(m!.Body!) as Record<string, string>;
        expect(envelope).toMatchObject({
          Type: 'Notification',
          MessageId: published.MessageId,
          TopicArn: topicArn,
          Subject: 'Hi',
          Message: 'the message',
        });
        // AWS signs with version 1 unless the topic asks for 2; moto defaults to 2.
        expect(['1', '2']).toContain(envelope.SignatureVersion);
        expect(envelope.Signature).toMatch(/^[A-Za-z0-9+/=]+$/);
        expect(envelope.SigningCertURL).toMatch(/\.pem$/);
        expect(envelope.UnsubscribeURL).toContain(`Action=Unsubscribe&SubscriptionArn=${topicArn}:`);
        expect(Date.parse(envelope.Timestamp!)).toBeGreaterThan(0);
      });

      it('delivers the message alone with RawMessageDelivery', async () => {
        const { topicArn, url } = await topicWithQueue(true);
        await sns().send(new PublishCommand({ TopicArn: topicArn, Message: '{"raw":"yes"}' }));
        const [m] = await receiveMessages(sqs(), url);
        expect(m?.Body).toBe('{"raw":"yes"}');
      });
    });
  });
}
