/**
 * Fakes for the STS client that `fromTemporaryCredentials` builds (from
 * `@aws-sdk/nested-clients/sts`). The fake AssumeRole "signs" the way the SDK does, by resolving
 * the client's own credentials, and records which access key each hop was signed with.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import type { ConnectionAuth } from '../../../src/aws/auth-variant.js';

export const VENDOR: AwsCredentialIdentity = {
  accessKeyId: 'AKIAVENDOR0000000001',
  secretAccessKey: 'vendorSecretKeyvendorSecretKeyvendorSecr',
};

export const ROLE_A = 'arn:aws:iam::111111111111:role/VendorHop';
export const ROLE_B = 'arn:aws:iam::222222222222:role/BucketBridgeAccessRole';

export function connection(overrides: Partial<ConnectionAuth> = {}): ConnectionAuth {
  return {
    name: 'acme',
    assumeRoleFlag: true,
    assumeRoleArn: [ROLE_B],
    externalId: 'bb-3f9c2a71d0e84b5c',
    sessionName: 'bucketbridge-acme',
    stsCredsExpirationSec: 3600,
    ...overrides,
  };
}

/** A vendor credential provider that counts how often it is asked. */
export function countingVendor(): AwsCredentialIdentityProvider & { calls: number } {
  const provider = Object.assign(
    async () => {
      provider.calls += 1;
      return VENDOR;
    },
    { calls: 0 },
  );
  return provider;
}

/**
 * One AssumeRole as it reaches AWS: after its signing credentials were resolved, so hop 1 is
 * recorded before hop 2 (the SDK enters hop 2's `send` first, then signs it with hop 1).
 */
export interface IssuedSession {
  roleArn: string;
  /** The request's parameters. */
  input: Record<string, unknown>;
  /** The access key the AssumeRole request was signed with. */
  signedWith: string;
  credentials: AwsCredentialIdentity;
}

/**
 * Mocks AssumeRole: each call returns fresh keys for the role, expiring `lifetimeMs` after the
 * current (possibly faked) time, and records the signing key.
 */
export function fakeSts(lifetimeMs = 3_600_000) {
  const sts = mockClient(STSClient);
  const issued: IssuedSession[] = [];
  sts
    .on(AssumeRoleCommand)
    .callsFake(async (input: { RoleArn: string } & Record<string, unknown>, getClient) => {
      const signer = await getClient().config.credentials();
      const n = issued.length + 1;
      const credentials = {
        accessKeyId: `ASIA${String(n).padStart(16, '0')}`,
        secretAccessKey: `secret-${n}-${input.RoleArn}`.padEnd(40, 'x'),
        sessionToken: `token-${n}-${'t'.repeat(60)}`,
        expiration: new Date(Date.now() + lifetimeMs),
      };
      issued.push({ roleArn: input.RoleArn, input, signedWith: signer.accessKeyId, credentials });
      return {
        Credentials: {
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          SessionToken: credentials.sessionToken,
          Expiration: credentials.expiration,
        },
      };
    });
  /**
   * Makes AssumeRole (of one role, or of every role) fail with `error` once the request has
   * been signed, as AWS would: the signing credentials (earlier hops) are resolved first.
   */
  const rejectAssumeRole = (error: Error, roleArn?: string) => {
    const behaviour =
      roleArn === undefined ? sts.on(AssumeRoleCommand) : sts.on(AssumeRoleCommand, { RoleArn: roleArn });
    behaviour.callsFake(async (_input, getClient) => {
      await getClient().config.credentials();
      throw error;
    });
  };
  return { sts, issued, rejectAssumeRole };
}

/** The access key a (mocked) client would sign with: what its own credential provider gives. */
export async function signingKeyOf(client: unknown): Promise<string> {
  const { config } = client as { config: { credentials: AwsCredentialIdentityProvider } };
  return (await config.credentials()).accessKeyId;
}

/** An error shaped like the SDK's service exceptions. */
export function awsError(name: string, message: string, httpStatusCode = 403): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}

export { AssumeRoleCommand, STSClient };
