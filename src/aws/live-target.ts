/**
 * The one resolver of a live connection's target: the customer's topic and the vendor's queue
 * subscribed to it (sns mode), or the customer's own queue (sqs mode). `live`, `verify` and
 * `onboard` all ask here, so the ARN a notification names, the ARN a check looks for and the ARN
 * the worker subscribes to are the same string.
 */
import type { Config, Connection } from '../config/resolved-config.js';
import { buildArn, parseArn } from './arn.js';
import { parseQueueUrl } from './queue-url.js';

/** sns mode: the customer's topic fans out to the vendor's queue. */
export interface SnsLiveTarget {
  mode: 'sns';
  /** The customer's topic: `live.topicArn`, else `onboarding.topicName` in the connection's region. */
  topicArn: string;
  topicName: string;
  /** The topic's region: where its stack is deployed and where SNS is called for it. */
  region: string;
  /** The vendor's queue: `live.queueName`, else the name in `live.queueUrl`, else `bucketbridge-<connection>`. */
  vendorQueueName: string;
  /** The vendor's queue ARN (in `aws.region`, the vendor's region), as the topic policy and subscription name it. */
  vendorQueueArn: string;
}

/** sqs mode: the vendor reads the customer's own queue. */
export interface SqsLiveTarget {
  mode: 'sqs';
  queueUrl: string;
  queueArn: string;
  /** The queue's region: from its URL's host, else the connection's region (custom endpoints). */
  region: string;
}

export type LiveTarget = SnsLiveTarget | SqsLiveTarget;

/** A live setting that cannot name a target; `keyPath` is relative to the connection. */
export class LiveTargetError extends Error {
  override readonly name = 'LiveTargetError';
  /** Key path below the connection, e.g. `live.queueUrl`. */
  readonly keyPath: string;
  /** What the key must hold, in plain words. */
  readonly expected: string;
  /** What the configuration holds there. */
  readonly found: string;
  constructor(keyPath: string, expected: string, found: string) {
    super(`${keyPath}: expected ${expected}, found ${found}`);
    this.keyPath = keyPath;
    this.expected = expected;
    this.found = found;
  }
}

type TargetConnection = Pick<
  Connection,
  'name' | 'accountId' | 'region' | 'workflow' | 'live' | 'onboarding'
>;

const QUEUE_URL_EXPECTED =
  "the URL of the customer's queue, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME (live.mode is sqs)";

/**
 * The live target of a connection; undefined for batch connections. Throws {@link LiveTargetError}
 * when `live.queueUrl` or `live.topicArn` cannot name one.
 */
export function resolveLiveTarget(
  config: Pick<Config, 'aws' | 'vendor'>,
  connection: TargetConnection,
): LiveTarget | undefined {
  if (connection.workflow !== 'live') return undefined;
  const live = connection.live;
  if (live?.mode === 'sqs') {
    if (live.queueUrl === undefined) throw new LiveTargetError('live.queueUrl', QUEUE_URL_EXPECTED, 'none');
    const queue = parseQueueUrl(live.queueUrl);
    if (queue === undefined) {
      throw new LiveTargetError('live.queueUrl', QUEUE_URL_EXPECTED, `"${live.queueUrl}"`);
    }
    const region = queue.region ?? connection.region;
    return {
      mode: 'sqs',
      queueUrl: live.queueUrl,
      queueArn: buildArn({ service: 'sqs', region, accountId: queue.accountId, resource: queue.name }),
      region,
    };
  }
  const topic = topicOf(connection);
  const vendorQueueName =
    live?.queueName ??
    (live?.queueUrl === undefined
      ? undefined
      : (parseQueueUrl(live.queueUrl)?.name ?? live.queueUrl.split('/').at(-1))) ??
    `bucketbridge-${connection.name}`;
  const vendorRegion = config.aws.region;
  return {
    mode: 'sns',
    ...topic,
    vendorQueueName,
    vendorQueueArn: buildArn({
      service: 'sqs',
      region: vendorRegion,
      accountId: config.vendor.accountId,
      resource: vendorQueueName,
    }),
  };
}

function topicOf(connection: TargetConnection): Pick<SnsLiveTarget, 'topicArn' | 'topicName' | 'region'> {
  const topicArn = connection.live?.topicArn;
  if (topicArn === undefined) {
    const topicName = connection.onboarding.topicName;
    const region = connection.region;
    return {
      topicArn: buildArn({ service: 'sns', region, accountId: connection.accountId, resource: topicName }),
      topicName,
      region,
    };
  }
  const parts = parseArn(topicArn);
  if (
    parts === undefined ||
    parts.service !== 'sns' ||
    !/^[\w-]{1,256}$/.test(parts.resource) ||
    !parts.region
  ) {
    throw new LiveTargetError(
      'live.topicArn',
      'an SNS topic ARN such as arn:aws:sns:REGION:ACCOUNT:NAME',
      `"${topicArn}"`,
    );
  }
  if (parts.accountId !== connection.accountId) {
    throw new LiveTargetError(
      'live.topicArn',
      `a topic in the bucket owner's account ${connection.accountId}`,
      `a topic in account ${parts.accountId}`,
    );
  }
  return { topicArn, topicName: parts.resource, region: parts.region };
}
