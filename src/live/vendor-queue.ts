/**
 * `live.mode: sns`: the vendor's own queue and dead-letter queue, created or adopted with the
 * vendor's credentials, and subscribed to the customer's topic. Idempotent: a second run finds
 * everything in place and changes nothing but drifted attributes.
 *
 * - The queue's policy lets only the customer's topic send (`aws:SourceArn`), so nobody else can
 *   inject events into the vendor's pipeline.
 * - The redrive policy moves a message to the dead-letter queue after `maxReceiveCount` receives,
 *   so a malformed body is never retried forever.
 * - The vendor subscribes its queue to the topic as the queue's owner, which SNS confirms at once
 *   (a SubscriptionConfirmation that still arrives is handled by the message handler).
 */
import { SetSubscriptionAttributesCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { awsErrorCode } from '../aws/index.js';
import { LiveSetupError } from './live-setup-error.js';

/** Options of {@link ensureVendorQueue}. */
export interface VendorQueueOptions {
  /** The connection's name, for error messages. Default: the queue name. */
  connection?: string;
  /** SQS client with the vendor's credentials, in the queue's region. */
  sqs: SQSClient;
  /** SNS client with the vendor's credentials, in the topic's region. */
  sns: SNSClient;
  /** The customer's topic ARN. */
  topicArn: string;
  /** Name of the vendor's queue; the dead-letter queue is `<name>-dlq`. 1..76 characters. */
  queueName: string;
  /** Receives before a message moves to the dead-letter queue, 1..1000. */
  maxReceiveCount: number;
  /** The queue's default visibility timeout, in seconds (receives ask for it explicitly too). */
  visibilityTimeoutSec: number;
  /** SNS raw message delivery on the subscription. */
  rawMessageDelivery: boolean;
}

export interface VendorQueue {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
  /** `SubscriptionArn` as Subscribe returned it (`pending confirmation` until confirmed). */
  subscriptionArn: string;
  /** Why RawMessageDelivery could not be set on the subscription, when it could not. */
  rawMessageDeliveryError?: string;
}

/** Dead letters are kept as long as SQS allows (14 days), for someone to look at them. */
const DLQ_RETENTION_SEC = 14 * 24 * 3600;

export async function ensureVendorQueue(options: VendorQueueOptions): Promise<VendorQueue> {
  const { sqs } = options;
  const dlqName = `${options.queueName}-dlq`;
  const [dlq, dlqArn] = await step(
    options,
    `creating or adopting the dead-letter queue ${dlqName}`,
    async () => {
      const url = await ensureQueue(sqs, dlqName, { MessageRetentionPeriod: String(DLQ_RETENTION_SEC) });
      return [url, await queueArnOf(sqs, url)] as const;
    },
  );
  const [queueUrl, queueArn] = await step(
    options,
    `creating or adopting the queue ${options.queueName}`,
    async () => {
      const url = await ensureQueue(sqs, options.queueName, {});
      return [url, await queueArnOf(sqs, url)] as const;
    },
  );
  // Set every time: adopting a queue created by hand or by an older version brings it up to date.
  await step(options, `setting the redrive policy and queue policy of ${queueArn}`, () =>
    sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutSec),
          ReceiveMessageWaitTimeSeconds: '20',
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn,
            maxReceiveCount: options.maxReceiveCount,
          }),
          Policy: JSON.stringify(topicSendPolicy(queueArn, options.topicArn)),
        },
      }),
    ),
  );
  // Subscribing without attributes returns the existing subscription when there is one (with
  // attributes, SNS refuses one whose attributes differ); the delivery mode is then set apart.
  const { SubscriptionArn } = await step(
    options,
    `subscribing ${queueArn} to ${options.topicArn}`,
    () =>
      options.sns.send(
        new SubscribeCommand({
          TopicArn: options.topicArn,
          Protocol: 'sqs',
          Endpoint: queueArn,
          ReturnSubscriptionArn: true,
        }),
      ),
    "the customer's topic policy must let the vendor's account subscribe its SQS queues (the policy `bucketbridge onboard` generates does)",
  );
  const subscriptionArn = SubscriptionArn ?? '';
  let rawMessageDeliveryError: string | undefined;
  if (subscriptionArn.startsWith('arn:')) {
    try {
      await options.sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: subscriptionArn,
          AttributeName: 'RawMessageDelivery',
          AttributeValue: String(options.rawMessageDelivery),
        }),
      );
    } catch (error) {
      // A subscription someone else made (the topic's owner) is not ours to change; both delivery
      // modes are understood, so this is worth a warning, not a stop.
      rawMessageDeliveryError = `${awsErrorCode(error) ?? 'Error'}: ${(error as Error).message}`;
    }
  }
  return {
    queueUrl,
    queueArn,
    deadLetterQueueUrl: dlq,
    deadLetterQueueArn: dlqArn,
    subscriptionArn,
    ...(rawMessageDeliveryError === undefined ? {} : { rawMessageDeliveryError }),
  };
}

/** Runs one setup step; a failure becomes a LiveSetupError naming the step and AWS's answer. */
async function step<T>(
  options: VendorQueueOptions,
  what: string,
  run: () => Promise<T>,
  hint?: string,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const answer = `${awsErrorCode(error) ?? 'Error'}: ${(error as Error).message}`;
    throw new LiveSetupError(
      options.connection ?? options.queueName,
      what,
      hint ? `${answer}. Fix: ${hint}` : answer,
      {
        cause: error,
      },
    );
  }
}

/** The queue policy: the SNS service may send, only on behalf of the customer's topic. */
export function topicSendPolicy(queueArn: string, topicArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'BucketBridgeTopicSendMessage',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  };
}

/** SQS's answer for a queue that does not exist (query and JSON protocols name it differently). */
export function isMissingQueue(error: unknown): boolean {
  return /NonExistentQueue|QueueDoesNotExist/.test(awsErrorCode(error) ?? '');
}

/** The URL of a queue, created when missing (adopted as it is when present). */
async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (QueueUrl) return QueueUrl;
  } catch (error) {
    if (!isMissingQueue(error)) throw error;
  }
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no queue URL`);
  return QueueUrl;
}

/** A queue's ARN, from its attributes. */
export async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`GetQueueAttributes gave no QueueArn for ${queueUrl}`);
  return arn;
}

/** ApproximateNumberOfMessages of a queue (the dead-letter count), or undefined when unreadable. */
export async function approximateMessageCount(sqs: SQSClient, queueUrl: string): Promise<number | undefined> {
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    const value = Number(Attributes?.ApproximateNumberOfMessages);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
