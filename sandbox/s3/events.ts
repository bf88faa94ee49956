/**
 * S3 event notifications: records in AWS's exact format (event version 2.1), delivered to the queues
 * and topics of every matching notification rule once the change is durable, and the `s3:TestEvent`
 * sent when a configuration is stored.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
import type { CallerIdentity } from '../core/identity.js';
import type { SandboxContext } from '../core/types.js';
import { hostIdFor } from '../protocols/s3-xml.js';
import { type NotificationRule, ruleMatches } from './notification-config.js';
import { eventPrincipalId, ownerPrincipalId } from './owner-ids.js';
import type { BucketRecord } from './s3-state.js';
import { eventKeyEncode } from './url-encoding.js';

export type S3EventName =
  | 'ObjectCreated:Put'
  | 'ObjectCreated:Copy'
  | 'ObjectCreated:CompleteMultipartUpload'
  | 'ObjectRemoved:Delete'
  | 'ObjectRemoved:DeleteMarkerCreated';

export interface S3EventDetails {
  eventName: S3EventName;
  key: string;
  /** Present for ObjectCreated events. */
  size?: number;
  /** The ETag without quotes; present for ObjectCreated events. */
  eTag?: string;
  versionId?: string;
  sequencer: string;
  caller: CallerIdentity;
  requestId: string;
  eventTimeMs: number;
}

export const NOTIFICATION_SUBJECT = 'Amazon S3 Notification';

/** One event document (`{"Records":[…]}`) for one rule. */
export function buildEventDocument(
  bucket: BucketRecord,
  rule: NotificationRule,
  event: S3EventDetails,
): string {
  const object: Record<string, unknown> = { key: eventKeyEncode(event.key) };
  if (event.size !== undefined) object.size = event.size;
  if (event.eTag !== undefined) object.eTag = event.eTag;
  if (event.versionId !== undefined) object.versionId = event.versionId;
  object.sequencer = event.sequencer;
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: bucket.region,
        eventTime: new Date(event.eventTimeMs).toISOString(),
        eventName: event.eventName,
        userIdentity: { principalId: eventPrincipalId(event.caller) },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': event.requestId, 'x-amz-id-2': hostIdFor(event.requestId) },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: rule.id,
          bucket: {
            name: bucket.name,
            ownerIdentity: { principalId: ownerPrincipalId(bucket.ownerAccountId) },
            arn: `arn:aws:s3:::${bucket.name}`,
          },
          object,
        },
      },
    ],
  });
}

/** Sends one message to a rule's destination as the S3 service principal; failures are dropped as S3 drops them. */
function deliver(
  ctx: SandboxContext,
  bucket: BucketRecord,
  rule: NotificationRule,
  message: string,
): boolean {
  const sourceArn = `arn:aws:s3:::${bucket.name}`;
  try {
    if (rule.kind === 'queue')
      ctx.hooks.sendToQueue({
        queueArn: rule.arn,
        body: message,
        sourceService: 's3.amazonaws.com',
        sourceArn,
        sourceAccount: bucket.ownerAccountId,
      });
    else
      ctx.hooks.publishToTopic({
        topicArn: rule.arn,
        subject: NOTIFICATION_SUBJECT,
        message,
        sourceArn,
        sourceAccount: bucket.ownerAccountId,
      });
    return true;
  } catch {
    // A destination deleted or re-permissioned after configuration loses the event, as with S3.
    return false;
  }
}

/** Delivers `event` to every rule of the bucket that selects it. Returns how many deliveries succeeded. */
export function publishObjectEvent(ctx: SandboxContext, bucket: BucketRecord, event: S3EventDetails): number {
  let delivered = 0;
  for (const rule of bucket.notifications) {
    if (
      ruleMatches(rule, event.eventName, event.key) &&
      deliver(ctx, bucket, rule, buildEventDocument(bucket, rule, event))
    )
      delivered++;
  }
  return delivered;
}

/** Sends `s3:TestEvent` to each destination of a newly stored configuration. */
export function publishTestEvents(
  ctx: SandboxContext,
  bucket: BucketRecord,
  rules: readonly NotificationRule[],
  requestId: string,
): void {
  const message = JSON.stringify({
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: ctx.now().toISOString(),
    Bucket: bucket.name,
    RequestId: requestId,
    HostId: hostIdFor(requestId),
  });
  const sent = new Set<string>();
  for (const rule of rules) {
    if (sent.has(rule.arn)) continue;
    sent.add(rule.arn);
    deliver(ctx, bucket, rule, message);
  }
}
