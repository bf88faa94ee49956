/**
 * Delivery from a topic to its SQS subscriptions: the envelope or raw body, the filter policy,
 * and the hand-over to SQS as the `sns.amazonaws.com` service principal with `aws:SourceArn` =
 * the topic, so the queue's policy decides. A delivery the queue refuses is dropped, as SNS
 * drops it, and recorded for tests and the admin surface.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import { filterPolicyMatches, parseFilterPolicy } from './filter-policy.js';
import {
  notificationEnvelope,
  type SnsMessageAttribute,
  subscriptionConfirmation,
} from './notification-envelope.js';
import type { SnsRuntime } from './sns-runtime.js';
import type { Subscription, Topic } from './topic-registry.js';

/** Where the sandbox serves its SNS signing certificate (under the admin prefix). */
export const SIGNING_CERT_PATH = '/__sandbox/sns/signing-cert.pem';

export function signingCertUrl(rt: SnsRuntime): string {
  return `${rt.ctx.endpoint()}${SIGNING_CERT_PATH}`;
}

export function unsubscribeUrl(rt: SnsRuntime, subscriptionArn: string): string {
  return `${rt.ctx.endpoint()}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`;
}

export function subscribeUrl(rt: SnsRuntime, topicArn: string, token: string): string {
  return `${rt.ctx.endpoint()}/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${token}`;
}

/** A message published to a topic, as delivery needs it. */
export interface PublishedMessage {
  messageId: string;
  message: string;
  subject?: string;
  attributes: Record<string, SnsMessageAttribute>;
  /** ISO 8601 with milliseconds. */
  timestamp: string;
}

function send(
  rt: SnsRuntime,
  topic: Topic,
  sub: Subscription,
  kind: string,
  messageId: string,
  body: string,
  messageAttributes?: Record<string, SnsMessageAttribute>,
): void {
  const at = rt.ctx.now().toISOString();
  const record = {
    at,
    topicArn: topic.arn,
    subscriptionArn: sub.arn,
    endpoint: sub.endpoint,
    kind,
    messageId,
  };
  // The hook's declared argument lacks messageAttributes; the SQS side reads it when present.
  const args = {
    queueArn: sub.endpoint,
    body,
    sourceService: 'sns.amazonaws.com' as const,
    sourceArn: topic.arn,
    sourceAccount: topic.accountId,
    messageAttributes,
  };
  try {
    rt.ctx.hooks.sendToQueue(args);
    rt.registry.record({ ...record, status: 'delivered' });
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    rt.registry.record({ ...record, status: 'dropped', reason: `${error.code}: ${error.message}` });
  }
}

/** Sends a pending subscription's SubscriptionConfirmation to its queue. */
export function sendConfirmation(rt: SnsRuntime, topic: Topic, sub: Subscription): void {
  const messageId = randomUUID();
  const body = subscriptionConfirmation(
    {
      messageId,
      token: sub.token!,
      topicArn: topic.arn,
      subscribeUrl: subscribeUrl(rt, topic.arn, sub.token!),
      timestamp: rt.ctx.now().toISOString(),
      signatureVersion: topic.attributes.SignatureVersion ?? '1',
      signingCertUrl: signingCertUrl(rt),
    },
    rt.signing,
  );
  send(rt, topic, sub, 'SubscriptionConfirmation', messageId, body);
}

/** Delivers a published message to every confirmed subscription whose filter policy it passes. */
export function fanOut(rt: SnsRuntime, topic: Topic, published: PublishedMessage): void {
  for (const sub of rt.registry.subscriptionsOf(topic.arn)) {
    if (!sub.confirmed) continue;
    const filter = sub.attributes.FilterPolicy;
    if (filter) {
      const scope = sub.attributes.FilterPolicyScope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes';
      if (!filterPolicyMatches(parseFilterPolicy(filter), scope, published.message, published.attributes)) {
        rt.registry.record({
          at: published.timestamp,
          topicArn: topic.arn,
          subscriptionArn: sub.arn,
          endpoint: sub.endpoint,
          kind: 'Notification',
          messageId: published.messageId,
          status: 'filtered',
        });
        continue;
      }
    }
    if (sub.attributes.RawMessageDelivery === 'true') {
      const attributes = Object.keys(published.attributes).length > 0 ? published.attributes : undefined;
      send(rt, topic, sub, 'Notification', published.messageId, published.message, attributes);
      continue;
    }
    const body = notificationEnvelope(
      {
        messageId: published.messageId,
        topicArn: topic.arn,
        subject: published.subject,
        message: published.message,
        timestamp: published.timestamp,
        signatureVersion: topic.attributes.SignatureVersion ?? '1',
        signingCertUrl: signingCertUrl(rt),
        unsubscribeUrl: unsubscribeUrl(rt, sub.arn),
        messageAttributes: published.attributes,
      },
      rt.signing,
    );
    send(rt, topic, sub, 'Notification', published.messageId, body);
  }
}
