/**
 * Everything a command needs to reach one connection's AWS resources: its credentials (cached),
 * S3 clients that sign for each bucket's own region, and other clients with the connection's
 * or the vendor's identity. Clients are built once per class and region and reused.
 */
import { GetBucketLocationCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Connection } from '../config/resolved-config.js';
import type { Logger } from '../observe/logger.js';
import { type AwsSettings, createClient } from './client-factory.js';
import { type AssumeRoleObserver, fromConnection, sharedVendorChain } from './credentials.js';
import { describeCredentialFailure } from './describe-failure.js';
import { awsErrorCode, BucketRegionError, messageOf } from './errors.js';

// biome-ignore lint/suspicious/noExplicitAny: every SDK client constructor takes its own config type
type ClientClass<C> = new (config: any) => C;

/** One connection's view of AWS. */
export interface ConnectionAccess {
  /** The connection's credentials: the role chain (assumeRoleFlag) or the default chain; cached and refreshed. */
  readonly credentials: AwsCredentialIdentityProvider;
  /** An S3 client signing for the bucket's own region (discovered once per bucket, then cached). */
  s3ForBucket(bucket: string): Promise<S3Client>;
  /** The bucket's region, from HeadBucket's `x-amz-bucket-region`, else GetBucketLocation; cached. */
  bucketRegion(bucket: string): Promise<string>;
  /** A client (SQS, SNS, ...) with the connection's credentials. Default region: the connection's `region`. */
  client<C>(ClientClass: ClientClass<C>, region?: string): C;
  /** A client with the vendor's own credentials (default chain), e.g. for the vendor's queue. */
  vendorClient<C>(ClientClass: ClientClass<C>, region?: string): C;
}

/** Options for {@link createConnectionAccess}. */
export interface ConnectionAccessOptions {
  config: { aws: AwsSettings };
  connection: Connection;
  logger?: Logger | undefined;
  /** The vendor's own credentials. Default: the SDK's default chain. Tests inject static ones. */
  vendorCredentials?: AwsCredentialIdentityProvider | undefined;
  /** Told of every AssumeRole call of this connection (see {@link fromConnection}). */
  onAssumeRole?: AssumeRoleObserver | undefined;
}

/** Builds the {@link ConnectionAccess} of one connection. Nothing is fetched until first used. */
export function createConnectionAccess(options: ConnectionAccessOptions): ConnectionAccess {
  const settings: AwsSettings = options.config.aws;
  const { connection, logger } = options;
  const vendorCredentials = options.vendorCredentials ?? sharedVendorChain();
  const credentials = fromConnection({
    connection,
    settings,
    vendorCredentials,
    logger,
    onAssumeRole: options.onAssumeRole,
  });
  const connectionClients = new ClientCache(settings, credentials);
  const vendorClients = new ClientCache(settings, vendorCredentials);
  const regions = new Map<string, Promise<string>>();

  const bucketRegion = (bucket: string): Promise<string> => {
    let region = regions.get(bucket);
    if (region === undefined) {
      // Asked in the customer's region first: that is where their buckets are expected to be.
      region = discoverBucketRegion(connectionClients.get(S3Client, connection.region), bucket);
      regions.set(bucket, region);
      // A failure is not remembered: the next call asks again.
      region.then(
        (found) => logger?.debug({ connection: connection.name, bucket, region: found }, 'bucket region'),
        () => regions.delete(bucket),
      );
    }
    return region;
  };

  return {
    credentials,
    bucketRegion,
    s3ForBucket: async (bucket) => connectionClients.get(S3Client, await bucketRegion(bucket)),
    client: (ClientClass, region) => connectionClients.get(ClientClass, region ?? connection.region),
    vendorClient: (ClientClass, region) => vendorClients.get(ClientClass, region ?? settings.region),
  };
}

class ClientCache {
  private readonly clients = new Map<ClientClass<unknown>, Map<string, unknown>>();
  constructor(
    private readonly settings: AwsSettings,
    private readonly credentials: AwsCredentialIdentityProvider,
  ) {}

  get<C>(ClientClass: ClientClass<C>, region: string): C {
    let byRegion = this.clients.get(ClientClass);
    if (byRegion === undefined) {
      byRegion = new Map();
      this.clients.set(ClientClass, byRegion);
    }
    let client = byRegion.get(region) as C | undefined;
    if (client === undefined) {
      client = createClient(ClientClass, { settings: this.settings, region, credentials: this.credentials });
      byRegion.set(region, client);
    }
    return client;
  }
}

/**
 * HeadBucket answers with `x-amz-bucket-region` even when it fails (301 from another region,
 * 403 without s3:ListBucket), so one request usually settles it; GetBucketLocation is the
 * fallback for endpoints that omit the header.
 */
async function discoverBucketRegion(s3: S3Client, bucket: string): Promise<string> {
  let headError: unknown;
  try {
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    if (head.BucketRegion) return head.BucketRegion;
  } catch (error) {
    const region = headerOf(error, 'x-amz-bucket-region');
    if (region !== undefined) return region;
    const code = awsErrorCode(error);
    if (code === 'NotFound' || code === 'NoSuchBucket') {
      throw new BucketRegionError(`Bucket ${bucket} does not exist (HeadBucket answered 404).`, {
        bucket,
        kind: 'permanent',
        cause: error,
      });
    }
    headError = describeCredentialFailure(error);
    if (headError !== error) throw headError;
  }
  try {
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
    return normaliseLocation(location.LocationConstraint);
  } catch (error) {
    const described = describeCredentialFailure(error);
    if (described !== error) throw described;
    const code = awsErrorCode(error) ?? 'UnknownError';
    throw new BucketRegionError(
      `Cannot find the region of bucket ${bucket}: ${code}: ${messageOf(error)}. ` +
        "The connection's credentials need s3:ListBucket (HeadBucket) or s3:GetBucketLocation on it.",
      { bucket, kind: code === 'AccessDenied' ? 'misconfiguration' : 'permanent', cause: headError ?? error },
    );
  }
}

/** GetBucketLocation's answer as a region: empty means us-east-1, `EU` is the legacy eu-west-1. */
export function normaliseLocation(constraint: string | undefined | null): string {
  if (constraint === undefined || constraint === null || constraint === '') return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}

function headerOf(error: unknown, name: string): string | undefined {
  const headers = (error as { $response?: { headers?: Record<string, string | undefined> } } | null)
    ?.$response?.headers;
  const value = headers?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
