/** The AWS layer: one client factory, per-connection credentials, errors in plain words. */

export {
  type AuthVariant,
  authVariantOf,
  type ConnectionAuth,
  defaultSessionName,
  describeAuthVariant,
  partitionOfRegion,
  sessionDurationSec,
  stsRegionFor,
} from './auth-variant.js';
export { classifyAwsError } from './classify-aws-error.js';
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
  type ConnectionCredentialsOptions,
  fromConnection,
  fromVendorChain,
  memoizeCredentials,
  sharedVendorChain,
} from './credentials.js';
export {
  describeAssumeRoleFailure,
  describeCredentialFailure,
  formatDurationSec,
} from './describe-failure.js';
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
