/**
 * Everything the onboarding documents are made of, resolved once from a connection: names, ARNs,
 * the external ID, prefixes in the form IAM patterns need. Builders and renderers read only this.
 */
import { buildArn, partitionOfRegion } from '../aws/arn.js';
import { type LiveTarget, LiveTargetError, resolveLiveTarget } from '../aws/live-target.js';
import type { Config, Connection } from '../config/resolved-config.js';
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
  /** KMS key the topic is encrypted with (`live.kmsKeyArn`). */
  kmsKeyArn?: string;
}

/** Live through the customer's own SQS queue, which the vendor reads. */
export interface SqsLiveContext {
  mode: 'sqs';
  queueArn: string;
  queueUrl: string;
  /** KMS key the queue is encrypted with (`live.kmsKeyArn`). */
  kmsKeyArn?: string;
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
  /**
   * External IDs replaced by a rotation and still trusted until retired (`previousExternalIds`;
   * empty when no rotation is in progress). The trust policy accepts these and `externalId`.
   */
  previousExternalIds: string[];
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
  const region = connection.region;
  const partition = partitionOfRegion(region);
  const sessionDurationSec = connection.stsCredsExpirationSec;
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
    previousExternalIds: [...(connection.previousExternalIds ?? [])],
    roleName: connection.onboarding.roleName,
    roleArn: buildArn({
      partition,
      service: 'iam',
      region: '',
      accountId: connection.accountId,
      resource: `role/${connection.onboarding.roleName}`,
    }),
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
  const target = liveTargetOf(config, connection);
  const eventKey = connection.live?.kmsKeyArn ? { kmsKeyArn: connection.live.kmsKeyArn } : {};
  if (target?.mode === 'sqs') {
    context.live = { mode: 'sqs', queueArn: target.queueArn, queueUrl: target.queueUrl, ...eventKey };
  } else if (target?.mode === 'sns') {
    // The stack and the notification go where the topic is: S3 notifies topics in its own region only.
    context.region = target.region;
    context.live = { mode: 'sns', topicName: target.topicName, topicArn: target.topicArn, ...eventKey };
  }
  return context;
}

/** The one resolver's live target, its refusal as an {@link OnboardingInputError}. */
function liveTargetOf(config: Config, connection: Connection): LiveTarget | undefined {
  try {
    return resolveLiveTarget(config, connection);
  } catch (error) {
    if (!(error instanceof LiveTargetError)) throw error;
    throw new OnboardingInputError(error.keyPath, error.expected, error.found);
  }
}
