/**
 * Everything the onboarding documents are made of, resolved once from a connection: names, ARNs,
 * the external ID, prefixes in the form IAM patterns need. Builders and renderers read only this.
 */
import type { Config, Connection } from '../config/schema.js';
import { parseDurationSec } from '../config/schema.js';
import { iamLiteral } from './policies/policy-document.js';

/** IAM's longest allowed role session (MaxSessionDuration), in seconds. */
export const MAX_ROLE_SESSION_SEC = 12 * 60 * 60;
/** IAM's default and smallest MaxSessionDuration, in seconds. */
export const MIN_ROLE_MAX_SESSION_SEC = 60 * 60;

export interface LocationContext {
  bucket: string;
  /** The key prefix as configured ('' for the whole bucket). */
  prefix: string;
  /** The prefix escaped for IAM patterns (`*`, `?`, `$` written as `${*}` ...). */
  policyPrefix: string;
  /** KMS key the objects are encrypted with, when the connection names one. */
  kmsKeyArn?: string;
}

export interface SourceContext extends LocationContext {
  /** Key suffix filter of the live notification, when configured. */
  suffix?: string;
}

export interface DestinationContext extends LocationContext {
  /** Canned ACL the outputs are written with; grants s3:PutObjectAcl when set. */
  acl?: string;
}

/** Live through the customer's SNS topic, which fans out to the vendor's queue. */
export interface SnsLiveContext {
  mode: 'sns';
  topicName: string;
  topicArn: string;
}

/** Live through the customer's own SQS queue, which the vendor reads. */
export interface SqsLiveContext {
  mode: 'sqs';
  queueArn: string;
  queueUrl: string;
}

export interface OnboardingContext {
  connectionName: string;
  /** AWS partition of the customer's resources: `aws`, `aws-cn`, `aws-us-gov`... */
  partition: string;
  /** The customer's account. */
  accountId: string;
  /** Region of the customer's topic (live); the stack should be deployed there. */
  region: string;
  vendorAccountId: string;
  /** Principals the trust policy names, in configuration order. */
  vendorPrincipals: string[];
  externalId: string;
  roleName: string;
  roleArn: string;
  /** The session length the connection asks STS for, in seconds. */
  sessionDurationSec: number;
  /** The role's MaxSessionDuration: the session length rounded up into 3600..43200 seconds. */
  maxSessionDurationSec: number;
  allowListAllBuckets: boolean;
  source: SourceContext;
  destination: DestinationContext;
  /** Absent for batch connections. */
  live?: SnsLiveContext | SqsLiveContext;
}

/** The partition a region belongs to. */
export function partitionForRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/**
 * The ARN of a queue from its URL: `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` (also the legacy
 * `REGION.queue.amazonaws.com` host, and any other endpoint, such as the sandbox's, where the region
 * is then `fallbackRegion`). Returns undefined when the path is not `/ACCOUNT/NAME`.
 */
export function queueArnFromUrl(queueUrl: string, fallbackRegion: string): string | undefined {
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch {
    return undefined;
  }
  const match = /^\/(\d{12})\/([\w-]{1,80}(?:\.fifo)?)\/?$/.exec(url.pathname);
  if (!match) return undefined;
  const host =
    /^sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname) ??
    /^([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname);
  const region = host?.[1] ?? fallbackRegion;
  return `arn:${partitionForRegion(region)}:sqs:${region}:${match[1]}:${match[2]}`;
}

/** The parts of an SNS topic ARN, or undefined when the text is not one. */
function parseTopicArn(
  arn: string,
): { partition: string; region: string; accountId: string; name: string } | undefined {
  const match = /^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([\w-]{1,256})$/.exec(arn);
  if (!match) return undefined;
  return { partition: match[1]!, region: match[2]!, accountId: match[3]!, name: match[4]! };
}

/**
 * A connection cannot be onboarded as configured. Carries the key (relative to the connection) so
 * the caller can locate it in the file and report it as a configuration problem.
 */
export class OnboardingInputError extends Error {
  override readonly name = 'OnboardingInputError';
  /** Key path below the connection, e.g. `live.queueUrl`. */
  readonly keyPath: string;
  /** What the key must hold, in plain words. */
  readonly expected: string;
  /** What the configuration holds there, if anything. */
  readonly found: string | undefined;
  constructor(keyPath: string, expected: string, found?: string) {
    super(`${keyPath}: expected ${expected}${found === undefined ? '' : `, found ${found}`}`);
    this.keyPath = keyPath;
    this.expected = expected;
    this.found = found;
  }
}

/**
 * Resolves a connection into the onboarding context. The connection must have an external ID
 * (`onboard` creates one first when it is missing).
 */
export function resolveOnboardingContext(config: Config, connection: Connection): OnboardingContext {
  if (connection.externalId === undefined) {
    throw new OnboardingInputError('externalId', 'an external ID (the trust policy requires one)', 'none');
  }
  const region = config.aws.region;
  const partition = partitionForRegion(region);
  const sessionDurationSec = parseDurationSec(connection.stsCredsExpirationTime) ?? MIN_ROLE_MAX_SESSION_SEC;
  const maxSessionDurationSec = Math.min(
    MAX_ROLE_SESSION_SEC,
    Math.max(MIN_ROLE_MAX_SESSION_SEC, sessionDurationSec),
  );
  const context: OnboardingContext = {
    connectionName: connection.name,
    partition,
    accountId: connection.accountId,
    region,
    vendorAccountId: config.vendor.accountId,
    vendorPrincipals: [...config.vendor.principals],
    externalId: connection.externalId,
    roleName: connection.onboarding.roleName,
    roleArn: `arn:${partition}:iam::${connection.accountId}:role/${connection.onboarding.roleName}`,
    sessionDurationSec,
    maxSessionDurationSec,
    allowListAllBuckets: connection.onboarding.allowListAllBuckets,
    source: {
      bucket: connection.source.bucket,
      prefix: connection.source.prefix,
      policyPrefix: iamLiteral(connection.source.prefix),
      ...(connection.source.suffix ? { suffix: connection.source.suffix } : {}),
      ...(connection.source.kmsKeyArn ? { kmsKeyArn: connection.source.kmsKeyArn } : {}),
    },
    destination: {
      bucket: connection.destination.bucket,
      prefix: connection.destination.prefix,
      policyPrefix: iamLiteral(connection.destination.prefix),
      ...(connection.destination.acl ? { acl: connection.destination.acl } : {}),
      ...(connection.destination.kmsKeyArn ? { kmsKeyArn: connection.destination.kmsKeyArn } : {}),
    },
  };
  if (connection.workflow === 'live') context.live = resolveLive(config, connection, context);
  return context;
}

function resolveLive(
  config: Config,
  connection: Connection,
  context: OnboardingContext,
): SnsLiveContext | SqsLiveContext {
  const live = connection.live;
  if (live?.mode === 'sqs') {
    const expected =
      "the URL of the customer's queue, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME (live.mode is sqs)";
    if (live.queueUrl === undefined) throw new OnboardingInputError('live.queueUrl', expected, 'none');
    const queueArn = queueArnFromUrl(live.queueUrl, config.aws.region);
    if (queueArn === undefined)
      throw new OnboardingInputError('live.queueUrl', expected, `"${live.queueUrl}"`);
    return { mode: 'sqs', queueArn, queueUrl: live.queueUrl };
  }
  if (live?.topicArn !== undefined) {
    const topic = parseTopicArn(live.topicArn);
    if (topic === undefined) {
      throw new OnboardingInputError(
        'live.topicArn',
        'an SNS topic ARN such as arn:aws:sns:REGION:ACCOUNT:NAME',
        `"${live.topicArn}"`,
      );
    }
    if (topic.accountId !== connection.accountId) {
      throw new OnboardingInputError(
        'live.topicArn',
        `a topic in the bucket owner's account ${connection.accountId}`,
        `a topic in account ${topic.accountId}`,
      );
    }
    context.region = topic.region;
    return { mode: 'sns', topicName: topic.name, topicArn: live.topicArn };
  }
  const topicName = connection.onboarding.topicName;
  return {
    mode: 'sns',
    topicName,
    topicArn: `arn:${context.partition}:sns:${context.region}:${connection.accountId}:${topicName}`,
  };
}
