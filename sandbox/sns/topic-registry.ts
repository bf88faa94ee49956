/**
 * SNS topics and their subscriptions, as the sandbox stores them, and the snapshot form
 * `--state` persists. Subscriptions hold everything delivery needs (endpoint, raw delivery,
 * filter policy) so publishing never looks anything up elsewhere.
 */
import type { PolicyDocument } from '../core/types.js';

export interface Topic {
  arn: string;
  name: string;
  accountId: string;
  region: string;
  /** Settable attributes as stored (Policy, DisplayName, DeliveryPolicy, SignatureVersion...). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  /** Subscriptions deleted so far (the SubscriptionsDeleted attribute). */
  deletedSubscriptions: number;
}

export interface Subscription {
  arn: string;
  topicArn: string;
  protocol: 'sqs';
  /** The queue ARN. */
  endpoint: string;
  /** The account that subscribed (the Owner AWS reports). */
  owner: string;
  /** The ARN of the principal that subscribed (SubscriptionPrincipal). */
  principalArn: string;
  confirmed: boolean;
  /** The confirmation token while pending. */
  token?: string;
  /** Settable attributes as stored (RawMessageDelivery, FilterPolicy, FilterPolicyScope, RedrivePolicy...). */
  attributes: Record<string, string>;
  /** True when confirmed by an authenticated ConfirmSubscription or at once by the queue owner. */
  confirmationWasAuthenticated: boolean;
}

/** What happened to one delivery attempt, for tests and the admin surface. */
export interface DeliveryRecord {
  /** ISO 8601. */
  at: string;
  topicArn: string;
  subscriptionArn: string;
  endpoint: string;
  /** `Notification` or `SubscriptionConfirmation`. */
  kind: string;
  messageId: string;
  status: 'delivered' | 'dropped' | 'filtered';
  /** Why it was dropped (the queue's denial or absence). */
  reason?: string;
}

/** How many delivery records are kept (oldest dropped first). */
export const MAX_DELIVERY_RECORDS = 1000;

export class TopicRegistry {
  readonly topics = new Map<string, Topic>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly deliveries: DeliveryRecord[] = [];

  record(entry: DeliveryRecord): void {
    this.deliveries.push(entry);
    if (this.deliveries.length > MAX_DELIVERY_RECORDS) this.deliveries.shift();
  }

  subscriptionsOf(topicArn: string): Subscription[] {
    return [...this.subscriptions.values()].filter((s) => s.topicArn === topicArn);
  }

  deleteTopic(arn: string): void {
    this.topics.delete(arn);
    for (const s of this.subscriptionsOf(arn)) this.subscriptions.delete(s.arn);
  }

  snapshot(): TopicSnapshot {
    return {
      version: 1,
      topics: [...this.topics.values()],
      subscriptions: [...this.subscriptions.values()],
    };
  }

  restore(data: TopicSnapshot): void {
    this.topics.clear();
    this.subscriptions.clear();
    for (const t of data.topics ?? []) this.topics.set(t.arn, t);
    for (const s of data.subscriptions ?? []) this.subscriptions.set(s.arn, s);
  }
}

export interface TopicSnapshot {
  version: number;
  topics: Topic[];
  subscriptions: Subscription[];
  /** The signing key, so signatures stay verifiable with the same certificate after a restart. */
  signingKeyPem?: string;
}

/** The policy AWS gives a new topic: only the owner's account may act on it. */
export function defaultTopicPolicy(topicArn: string, accountId: string): PolicyDocument {
  return {
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  };
}
