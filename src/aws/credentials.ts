/**
 * One credential provider per connection, built from the SDK's own providers:
 *
 * - `assumeRoleFlag: false`: the default AWS credential chain, unchanged (`fromNodeProviderChain`).
 * - `assumeRoleFlag: true`: `AssumeRole` through each ARN of `assumeRoleArn` in order (role
 *   chaining): the first hop signs with the vendor's own credentials (the default chain), hop N
 *   with the credentials hop N-1 returned (`fromTemporaryCredentials` with `masterCredentials`).
 *
 * Every hop passes the same `ExternalId`, `RoleSessionName` and `DurationSeconds`. The external
 * ID goes to EACH hop, not only the last: AWS only checks `sts:ExternalId` where a trust policy
 * has a condition on it and ignores it elsewhere, so sending it everywhere works for every chain
 * shape (a vendor-side intermediate role then the customer's role, or two customer roles),
 * while guessing which hop is "the customer's" by account ID would break the unusual ones.
 *
 * External-ID rotation: while `previousExternalIds` is set, an AssumeRole refused (AccessDenied)
 * with the current `externalId` is tried again with each previous ID, and a success is logged as a
 * warning: the customer has not applied the rotated trust policy yet. So a rotation never stops the
 * workers, and they use the new ID from the first refresh after the customer has applied it.
 *
 * Credentials are cached and refreshed shortly before they expire with the SDK's
 * `memoizeIdentityProvider`: the cached value is reused until it is within `EXPIRATION_MS`
 * (5 minutes) of its expiration, never fetched per request; concurrent callers share one fetch.
 */
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Logger } from '../observe/logger.js';
import { registerSecret } from '../observe/redact.js';
import { authVariantOf, type ConnectionAuth, stsRegionFor } from './auth-variant.js';
import { type AwsSettings, clientConfig } from './client-factory.js';
import { describeAssumeRoleFailure, describeCredentialFailure } from './describe-failure.js';
import { awsErrorCode } from './errors.js';

/** Options for {@link fromConnection}. */
export interface ConnectionCredentialsOptions {
  /** The connection whose cross-account settings decide the chain. */
  connection: ConnectionAuth;
  /** Region and endpoint for the STS calls (the endpoint override reaches STS too). */
  settings: AwsSettings;
  /**
   * The vendor's own credentials: the first hop signs with them, and they are the connection's
   * credentials when `assumeRoleFlag` is false. Default: {@link fromVendorChain}.
   */
  vendorCredentials?: AwsCredentialIdentityProvider | undefined;
  /** Receives one debug line per AssumeRole (role ARN, expiration; never the secret). */
  logger?: Logger | undefined;
  /**
   * Told of every AssumeRole call and its result (the service counts them: one per credential
   * lifetime proves the cache works). A listener that throws is ignored.
   */
  onAssumeRole?: AssumeRoleObserver | undefined;
}

/** Observes AssumeRole calls of one connection. */
export type AssumeRoleObserver = (result: 'success' | 'failure') => void;

function tell(observer: AssumeRoleObserver | undefined, result: 'success' | 'failure'): void {
  try {
    observer?.(result);
  } catch {
    // An observer's failure must never fail the credentials it observes.
  }
}

let vendorChain: AwsCredentialIdentityProvider | undefined;

/**
 * One {@link fromVendorChain} for the whole process, so that many connections resolve the
 * vendor's identity (an instance-metadata or SSO call, say) once and share its refreshes.
 */
export function sharedVendorChain(): AwsCredentialIdentityProvider {
  vendorChain ??= fromVendorChain();
  return vendorChain;
}

/**
 * The vendor's own credentials: the SDK's default chain (environment, shared files and SSO,
 * web identity, container and instance metadata), memoized by the SDK. Failures become
 * {@link CredentialsError} with plain words.
 */
export function fromVendorChain(): AwsCredentialIdentityProvider {
  const chain = fromNodeProviderChain();
  return async (properties) => {
    try {
      return registerCredentialSecrets(await chain(properties));
    } catch (error) {
      throw describeCredentialFailure(error);
    }
  };
}

/**
 * The credential provider of one connection: the vendor's chain unchanged when
 * `assumeRoleFlag` is false, else the role chain through `assumeRoleArn`, cached and
 * refreshed 5 minutes before expiry.
 *
 * @example
 * const credentials = fromConnection({ connection, settings: config.aws });
 * const s3 = createClient(S3Client, { settings: config.aws, credentials });
 */
export function fromConnection(options: ConnectionCredentialsOptions): AwsCredentialIdentityProvider {
  const { connection, settings, logger } = options;
  const vendor = options.vendorCredentials ?? sharedVendorChain();
  const auth = authVariantOf(connection);
  if (auth.kind === 'default-chain') return vendor;
  const { durationSec, sessionName, externalId } = auth;
  let previous: AwsCredentialIdentityProvider = vendor;
  const arns = auth.roleArns;
  arns.forEach((roleArn, hop) => {
    const master = previous;
    const assumeWith = (id: string | undefined) =>
      fromTemporaryCredentials({
        params: {
          RoleArn: roleArn,
          RoleSessionName: sessionName,
          DurationSeconds: durationSec,
          ...(id === undefined ? {} : { ExternalId: id }),
        },
        masterCredentials: master,
        clientConfig: clientConfig({
          settings,
          region: stsRegionFor(roleArn, settings.region),
          service: 'sts',
        }),
      });
    const attempts = [externalId, ...auth.previousExternalIds].map((id) => assumeWith(id));
    /** The current ID first; a previous one only after AccessDenied (a rotation not applied yet). */
    const assume = async (): Promise<AwsCredentialIdentity> => {
      let refusal: unknown;
      for (const [index, attempt] of attempts.entries()) {
        try {
          const assumed = await attempt();
          tell(options.onAssumeRole, 'success');
          if (index > 0) {
            logger?.warn(
              { connection: connection.name, roleArn, hop: hop + 1, previousExternalId: index },
              'AssumeRole with the current externalId was refused: the customer has not applied the rotated trust policy yet; using previousExternalIds until they do',
            );
          }
          return assumed;
        } catch (error) {
          tell(options.onAssumeRole, 'failure');
          refusal ??= error;
          const code = awsErrorCode(error);
          if (code !== 'AccessDenied' && code !== 'AccessDeniedException')
            throw index === 0 ? error : refusal;
        }
      }
      // Every ID was refused: the current ID's refusal is the one to explain.
      throw refusal;
    };
    const fetchHop = async (): Promise<AwsCredentialIdentity> => {
      try {
        const assumed = await assume();
        const credentials = registerCredentialSecrets(assumed);
        logger?.debug(
          {
            connection: connection.name,
            roleArn,
            hop: hop + 1,
            hops: arns.length,
            expiration: credentials.expiration,
          },
          'assumed role',
        );
        return credentials;
      } catch (error) {
        throw await describeAssumeRoleFailure(error, {
          roleArn,
          hop,
          previousRoleArn: hop === 0 ? undefined : arns[hop - 1],
          callerCredentials: master,
          settings,
          externalId,
          durationSec,
        });
      }
    };
    previous = memoizeCredentials(fetchHop);
  });
  return previous;
}

/**
 * The SDK's identity cache: one fetch shared by concurrent callers, the value reused until it is
 * within 5 minutes (`EXPIRATION_MS`) of its expiration, then fetched again.
 */
export function memoizeCredentials(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  const memoized = memoizeIdentityProvider(provider, isIdentityExpired, doesIdentityRequireRefresh);
  // Only undefined when given undefined.
  if (memoized === undefined) throw new TypeError('memoizeCredentials needs a provider');
  return memoized;
}

function registerCredentialSecrets(credentials: AwsCredentialIdentity): AwsCredentialIdentity {
  registerSecret(credentials.secretAccessKey);
  if (credentials.sessionToken !== undefined) registerSecret(credentials.sessionToken);
  return credentials;
}
