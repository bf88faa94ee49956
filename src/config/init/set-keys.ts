/**
 * The answers `init` takes, by `--set` key. Kept free of imports so `init --help` can list them
 * without loading the schema.
 */

/** Processors `init` can set up without further settings; the others are configured in the file. */
export const INIT_PROCESSOR_TYPES = ['copy', 'gzip', 'brotli', 'deflate'] as const;

/** Every key `init --set` accepts, with what it means; lists are comma separated or repeated. */
export const SET_KEYS: Readonly<Record<string, string>> = {
  'vendor.accountId': "the vendor's (your) 12-digit AWS account ID (required)",
  'vendor.principals': 'principal ARNs that may assume customer roles (default: the vendor account root)',
  'aws.region': 'region for AWS calls (default us-east-1)',
  'aws.endpoint': 'endpoint override for a local stand-in (default: none, real AWS)',
  'processing.regions': 'regions the vendor processes in (default: aws.region)',
  'processing.defaultRegion':
    'where buckets outside processing.regions are processed (default: the first region)',
  ledger: 'ledger location (default sqlite:./bucketbridge.db)',
  'connection.name': "the connection's unique name (required for a connection)",
  'connection.accountId': "the customer's AWS account ID (required for a connection)",
  'connection.region': "the customer's region, where their buckets and topic are (default: aws.region)",
  'connection.source.bucket': 'source bucket (required for a connection)',
  'connection.source.prefix': 'source key prefix (default: whole bucket)',
  'connection.destination.bucket': 'destination bucket (required for a connection)',
  'connection.destination.prefix': 'destination key prefix (default: none)',
  'connection.workflow': 'batch or live (default batch)',
  'connection.processor.type': `${INIT_PROCESSOR_TYPES.join(', ')} (default copy)`,
  'connection.assumeRoleFlag': 'true to assume a role in the customer account (default false)',
  'connection.assumeRoleArn': 'role ARN(s) assumed in order (required when assumeRoleFlag is true)',
  'connection.externalId': 'external ID the trust policy requires (default: a fresh random one)',
  'connection.sessionName': 'STS session name (default bucketbridge-<name>)',
  'connection.stsCredsExpirationTime': 'STS session duration, 15m..12h (default 1h)',
};
