/**
 * The source bucket's event notification for a live connection, in the shape of
 * PutBucketNotificationConfiguration (and `aws s3api put-bucket-notification-configuration
 * --notification-configuration file://bucket-notification.json`): every ObjectCreated event under the
 * connection's prefix (and suffix) goes to the topic, or to the customer's queue in sqs mode.
 */
import type { OnboardingContext } from '../onboarding-context.js';

export interface NotificationFilterRule {
  Name: 'prefix' | 'suffix';
  Value: string;
}

interface NotificationRule {
  Id: string;
  Events: string[];
  Filter?: { Key: { FilterRules: NotificationFilterRule[] } };
}

export interface TopicNotificationRule extends NotificationRule {
  TopicArn: string;
}

export interface QueueNotificationRule extends NotificationRule {
  QueueArn: string;
}

export interface BucketNotificationConfiguration {
  TopicConfigurations?: TopicNotificationRule[];
  QueueConfigurations?: QueueNotificationRule[];
  LambdaFunctionConfigurations?: unknown[];
  EventBridgeConfiguration?: Record<string, never>;
}

/** The events a live connection reacts to. */
export const NOTIFICATION_EVENTS = ['s3:ObjectCreated:*'];

/** The Id of this connection's notification rule; `--apply` finds its own rule by it. */
export function notificationRuleId(connectionName: string): string {
  return `bucketbridge-${connectionName}`;
}

/** Returns undefined for a batch connection, which needs no notification. */
export function buildBucketNotification(
  context: OnboardingContext,
): BucketNotificationConfiguration | undefined {
  if (context.live === undefined) return undefined;
  const rules: NotificationFilterRule[] = [];
  if (context.source.prefix !== '') rules.push({ Name: 'prefix', Value: context.source.prefix });
  if (context.source.suffix !== undefined) rules.push({ Name: 'suffix', Value: context.source.suffix });
  const rule: NotificationRule = {
    Id: notificationRuleId(context.connectionName),
    Events: [...NOTIFICATION_EVENTS],
    ...(rules.length > 0 ? { Filter: { Key: { FilterRules: rules } } } : {}),
  };
  if (context.live.mode === 'sns') {
    const { Id, ...rest } = rule;
    return { TopicConfigurations: [{ Id, TopicArn: context.live.topicArn, ...rest }] };
  }
  const { Id, ...rest } = rule;
  return { QueueConfigurations: [{ Id, QueueArn: context.live.queueArn, ...rest }] };
}
