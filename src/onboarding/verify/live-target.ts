/**
 * Where a live connection's events should go: the customer's topic (sns mode) or queue (sqs mode),
 * resolved as `onboard` resolves them, plus the vendor's queue that subscribes to the topic.
 */
import { partitionOfRegion } from '../../aws/auth-variant.js';
import type { Config, Connection } from '../../config/schema.js';
import { queueArnFromUrl } from '../onboarding-context.js';

export type LiveTarget =
  | { mode: 'sns'; topicArn: string; region: string; vendorQueueArn: string }
  | { mode: 'sqs'; queueArn: string | undefined };

/** Undefined for batch connections. */
export function liveTargetOf(config: Config, connection: Connection): LiveTarget | undefined {
  if (connection.workflow !== 'live') return undefined;
  const live = connection.live;
  const region = config.aws.region;
  if (live?.mode === 'sqs') {
    return { mode: 'sqs', queueArn: live.queueUrl && queueArnFromUrl(live.queueUrl, region) };
  }
  const partition = partitionOfRegion(region);
  const topicArn =
    live?.topicArn ??
    `arn:${partition}:sns:${region}:${connection.accountId}:${connection.onboarding.topicName}`;
  const topicRegion = topicArn.split(':')[3] ?? region;
  const queueName =
    live?.queueName ??
    (live?.queueUrl ? live.queueUrl.split('/').at(-1) : undefined) ??
    `bucketbridge-${connection.name}`;
  return {
    mode: 'sns',
    topicArn,
    region: topicRegion,
    vendorQueueArn: `arn:${partition}:sqs:${region}:${config.vendor.accountId}:${queueName}`,
  };
}

/** Why a live-only check does not apply. */
export function batchReason(config: Config, connection: Connection): string | undefined {
  return liveTargetOf(config, connection) === undefined
    ? 'workflow is batch: no event notification is used'
    : undefined;
}
