/** The AWS layer: one client factory, per-connection credentials, errors in plain words. */

export { type ArnParts, buildArn, parseArn, partitionOfRegion } from './arn.js';
export {
  type AuthVariant,
  authVariantOf,
  type ConnectionAuth,
  describeAuthVariant,
  stsRegionFor,
} from './auth-variant.js';
export { classifyAwsError, isAuthFailure } from './classify-aws-error.js';
export {
  type AwsSettings,
  type ClientOptions,
  clientConfig,
  createClient,
  HTTP_LIMITS,
} from './client-factory.js';
export {
  type ConnectionAccess,
  type ConnectionAccessOptions,
  createConnectionAccess,
  normaliseLocation,
} from './connection-access.js';
export {
  type AssumeRoleObserver,
  type ConnectionCredentialsOptions,
  fromConnection,
  fromVendorChain,
  memoizeCredentials,
  sharedVendorChain,
} from './credentials.js';
export { describeAssumeRoleFailure, describeCredentialFailure } from './describe-failure.js';
export {
  AssumeRoleError,
  type AssumeRoleFailure,
  awsErrorCode,
  BucketRegionError,
  CredentialsError,
  type CredentialsFailure,
  type FailureKind,
  httpStatusOf,
  messageOf,
} from './errors.js';
export {
  type LiveTarget,
  LiveTargetError,
  resolveLiveTarget,
  type SnsLiveTarget,
  type SqsLiveTarget,
} from './live-target.js';
export { parseQueueUrl, type QueueUrlParts } from './queue-url.js';
