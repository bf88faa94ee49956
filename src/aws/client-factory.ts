/**
 * The one place every AWS SDK client is built. Region, endpoint override (the sandbox), retries
 * and the HTTP connection pool are decided here, so nothing else in `src/` knows whether it talks
 * to AWS or to a local stand-in: only `endpoint` differs.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from '@smithy/types';
import type { Config } from '../config/resolved-config.js';

/** The `aws` section of the configuration, defaults applied. */
export type AwsSettings = Pick<Config['aws'], 'region' | 'maxAttempts'> & {
  /** Endpoint override for a local stand-in (the sandbox). Unset: the real AWS endpoints. */
  endpoint?: string | undefined;
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
}

/**
 * The client configuration every AWS client gets. Exported for the SDK's own providers that
 * build their STS client from a configuration object (`fromTemporaryCredentials`).
 */
export function clientConfig(options: ClientOptions) {
  const { settings } = options;
  return {
    region: options.region ?? settings.region,
    ...(settings.endpoint === undefined
      ? {}
      : {
          endpoint: settings.endpoint,
          // A local endpoint has no per-bucket DNS names: address buckets in the path.
          forcePathStyle: true,
        }),
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
  return new ClientClass(clientConfig(options));
}
