/**
 * The one place every AWS SDK client is built. Region, endpoints (the sandbox, VPC interface
 * endpoints, FIPS and dual-stack), retries and the HTTP connection pool are decided here, so
 * nothing else in `src/` knows whether it talks to AWS or to a local stand-in.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from '@smithy/types';
import type { Config } from '../config/resolved-config.js';
import type { EndpointService } from '../config/schema-aws.js';

/** The `aws` section of the configuration, defaults applied. */
export type AwsSettings = Pick<Config['aws'], 'region' | 'maxAttempts'> & {
  /** Endpoint override for a local stand-in (the sandbox). Unset: the real AWS endpoints. */
  endpoint?: string | undefined;
  /** One service's endpoint (a VPC interface endpoint); wins over `endpoint` for that service. */
  endpoints?: Partial<Record<EndpointService, string>> | undefined;
  /** The SDK's `useFipsEndpoint`. Default false. */
  useFipsEndpoint?: boolean | undefined;
  /** The SDK's `useDualstackEndpoint`. Default false. */
  useDualstackEndpoint?: boolean | undefined;
};

/** Which `aws.endpoints` key serves a client class; classes not listed use `endpoint` only. */
const ENDPOINT_SERVICE_OF_CLIENT: Readonly<Record<string, EndpointService>> = {
  S3Client: 's3',
  STSClient: 'sts',
  SQSClient: 'sqs',
  SNSClient: 'sns',
};

/** Connection-pool limits shared by every client of this process. */
export const HTTP_LIMITS = {
  /** Sockets per origin; the batch pipeline runs up to `concurrency` transfers at once. */
  maxSockets: 256,
  /** Give up connecting after this long (the SDK retries the attempt). */
  connectionTimeoutMs: 5_000,
  /**
   * Close a socket idle this long. Longer than SQS's 20 s long poll, so a receive is not cut;
   * no limit on a whole request, because a large object may stream for a long time.
   */
  socketTimeoutMs: 120_000,
} as const;

let sharedHandler: NodeHttpHandler | undefined;

/**
 * One keep-alive handler for the whole process: clients for different regions and services
 * reuse the same sockets per origin instead of each opening its own pool.
 */
function httpHandler(): NodeHttpHandler {
  sharedHandler ??= new NodeHttpHandler({
    connectionTimeout: HTTP_LIMITS.connectionTimeoutMs,
    socketTimeout: HTTP_LIMITS.socketTimeoutMs,
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: HTTP_LIMITS.maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: HTTP_LIMITS.maxSockets }),
  });
  return sharedHandler;
}

const ignore = () => {};
/**
 * The SDK's logger. It has no `info`: the SDK's logger middleware calls `logger?.info?.(...)` after
 * every request with the input and output copied through a schema filter that hides sensitive
 * fields (about a tenth of the client's CPU per small request), and the optional call skips that
 * work when `info` is missing. The SDK's own default logger drops everything too.
 */
const SDK_LOGGER = { debug: ignore, warn: ignore, error: ignore } as unknown as Logger;

/** Options for {@link createClient} and {@link clientConfig}. */
export interface ClientOptions {
  /** Region, endpoint override and attempts from the configuration. */
  settings: AwsSettings;
  /** Region to sign for and send to. Default: `settings.region`. */
  region?: string | undefined;
  /** Credentials to sign with. Default: the SDK's default chain (the vendor's own identity). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  /** The service, for its own `aws.endpoints` entry. {@link createClient} knows it from the class. */
  service?: EndpointService | undefined;
}

/**
 * The endpoint settings for one service. A service's own endpoint keeps the SDK's addressing
 * (virtual-hosted buckets, as AWS PrivateLink for S3 expects); the sandbox's endpoint serves
 * every service on one host, so buckets go in the path there.
 */
function endpointConfig(settings: AwsSettings, service: EndpointService | undefined) {
  const own = service === undefined ? undefined : settings.endpoints?.[service];
  if (own !== undefined) return { endpoint: own };
  if (settings.endpoint !== undefined) return { endpoint: settings.endpoint, forcePathStyle: true };
  return {};
}

/**
 * The client configuration every AWS client gets. Exported for the SDK's own providers that
 * build their STS client from a configuration object (`fromTemporaryCredentials`).
 */
export function clientConfig(options: ClientOptions) {
  const { settings } = options;
  return {
    region: options.region ?? settings.region,
    ...endpointConfig(settings, options.service),
    // Passed even when false, so the configuration (environment applied at load) decides, not
    // a second reading of AWS_USE_FIPS_ENDPOINT or the shared config file by the SDK.
    useFipsEndpoint: settings.useFipsEndpoint ?? false,
    useDualstackEndpoint: settings.useDualstackEndpoint ?? false,
    // Standard mode: exponential backoff with jitter, retry quota; throttling, 5xx, timeouts
    // and connection resets are retried up to maxAttempts in total.
    retryMode: 'standard' as const,
    maxAttempts: settings.maxAttempts,
    requestHandler: httpHandler(),
    logger: SDK_LOGGER,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
}

/**
 * Builds any AWS SDK v3 client (S3, STS, SQS, SNS, IAM, CloudFormation) with the project's
 * settings.
 *
 * @example
 * const sqs = createClient(SQSClient, { settings: config.aws, credentials });
 */
export function createClient<C>(
  // biome-ignore lint/suspicious/noExplicitAny: every SDK client constructor takes its own config type
  ClientClass: new (config: any) => C,
  options: ClientOptions,
): C {
  const service = options.service ?? ENDPOINT_SERVICE_OF_CLIENT[ClientClass.name];
  return new ClientClass(clientConfig({ ...options, service }));
}
