import { GetCallerIdentityCommand, STSClient as PublicStsClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AwsSettings } from '../../../src/aws/client-factory.js';
import { fromConnection } from '../../../src/aws/credentials.js';
import { AssumeRoleError, CredentialsError } from '../../../src/aws/errors.js';
import {
  AssumeRoleCommand,
  awsError,
  connection,
  countingVendor,
  fakeSts,
  ROLE_A,
  ROLE_B,
  signingKeyOf,
  VENDOR,
} from './sts-fakes.js';

const settings: AwsSettings = { region: 'us-east-1', maxAttempts: 1 };
const VENDOR_CALLER = 'arn:aws:sts::111111111111:assumed-role/BucketBridgeService/i-0abc';

async function failure(promise: Promise<unknown>): Promise<AssumeRoleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AssumeRoleError);
  return error as AssumeRoleError;
}

const stubPublicSts = () => mockClient(PublicStsClient);

describe('AssumeRole failures in plain words', () => {
  let fake: ReturnType<typeof fakeSts>;
  let publicSts: ReturnType<typeof stubPublicSts>;
  beforeEach(() => {
    fake = fakeSts();
    publicSts = stubPublicSts();
  });
  afterEach(() => {
    fake.sts.restore();
    publicSts.restore();
  });

  it('AccessDenied names the role, the caller from the AWS message, and the two usual causes', async () => {
    fake.rejectAssumeRole(
      awsError(
        'AccessDenied',
        `User: ${VENDOR_CALLER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_B}`,
      ),
    );
    const provider = fromConnection({
      connection: connection(),
      settings,
      vendorCredentials: countingVendor(),
    });
    const error = await failure(provider());
    expect(error.message).toBe(
      `Cannot assume role ${ROLE_B} as ${VENDOR_CALLER}: access denied. The two usual causes: ` +
        `(1) the role's trust policy does not name ${VENDOR_CALLER} (or its account root) as a Principal allowed to call sts:AssumeRole; ` +
        "(2) the trust policy requires an external ID (condition sts:ExternalId) and the connection's externalId does not match it. " +
        `AWS said: User: ${VENDOR_CALLER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_B}`,
    );
    expect(error).toMatchObject({
      name: 'AssumeRoleError',
      roleArn: ROLE_B,
      caller: VENDOR_CALLER,
      hop: 0,
      reason: 'access-denied',
      kind: 'misconfiguration',
    });
    expect((error.cause as Error).name).toBe('AccessDenied');
    expect(publicSts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('AccessDenied without a caller in the message asks GetCallerIdentity with the same credentials', async () => {
    fake.rejectAssumeRole(awsError('AccessDenied', 'Access denied'));
    publicSts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::111111111111:user/deployer' });
    const provider = fromConnection({
      connection: connection({ externalId: undefined }),
      settings,
      vendorCredentials: countingVendor(),
    });
    const error = await failure(provider());
    expect(error.message).toBe(
      `Cannot assume role ${ROLE_B} as arn:aws:iam::111111111111:user/deployer: access denied. The two usual causes: ` +
        "(1) the role's trust policy does not name arn:aws:iam::111111111111:user/deployer (or its account root) as a Principal allowed to call sts:AssumeRole; " +
        '(2) the trust policy requires an external ID (condition sts:ExternalId) and the connection sets no externalId. AWS said: Access denied',
    );
    const identityCall = publicSts.commandCalls(GetCallerIdentityCommand)[0];
    await expect(signingKeyOf(identityCall?.thisValue)).resolves.toBe(VENDOR.accessKeyId);
  });

  it('AccessDenied on the second hop names that role and the first role as the caller', async () => {
    fake.rejectAssumeRole(awsError('AccessDenied', 'Access denied'), ROLE_B);
    publicSts
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: 'arn:aws:sts::111111111111:assumed-role/VendorHop/bucketbridge-acme' });
    const provider = fromConnection({
      connection: connection({ assumeRoleArn: [ROLE_A, ROLE_B] }),
      settings,
      vendorCredentials: countingVendor(),
    });
    const error = await failure(provider());
    expect(error).toMatchObject({
      roleArn: ROLE_B,
      hop: 1,
      caller: 'arn:aws:sts::111111111111:assumed-role/VendorHop/bucketbridge-acme',
    });
    await expect(signingKeyOf(publicSts.commandCalls(GetCallerIdentityCommand)[0]?.thisValue)).resolves.toBe(
      fake.issued[0]?.credentials.accessKeyId,
    );
  });

  it('a failure of the first hop reaches the caller unchanged through the later hops', async () => {
    fake.rejectAssumeRole(
      awsError(
        'AccessDenied',
        `User: ${VENDOR_CALLER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_A}`,
      ),
      ROLE_A,
    );
    const provider = fromConnection({
      connection: connection({ assumeRoleArn: [ROLE_A, ROLE_B] }),
      settings,
      vendorCredentials: countingVendor(),
    });
    const error = await failure(provider());
    expect(error).toMatchObject({ roleArn: ROLE_A, hop: 0, caller: VENDOR_CALLER });
    expect(error.message.startsWith(`Cannot assume role ${ROLE_A} as ${VENDOR_CALLER}: access denied.`)).toBe(
      true,
    );
  });

  it("a duration above the role's MaxSessionDuration names that rule and the chaining rule", async () => {
    fake.rejectAssumeRole(
      awsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
        400,
      ),
    );
    const provider = fromConnection({
      connection: connection({ stsCredsExpirationSec: 7200 }),
      settings,
      vendorCredentials: countingVendor(),
    });
    const error = await failure(provider());
    expect(error.message).toBe(
      `Cannot assume role ${ROLE_B}: stsCredsExpirationTime 2h exceeds the role's MaxSessionDuration. ` +
        "Raise the role's MaxSessionDuration (up to 12h) or lower stsCredsExpirationTime. " +
        'Note that AWS caps a session obtained with the credentials of another assumed role (role chaining) at 1h, whatever the role allows, ' +
        'so a chained role needs 1h or less. AWS said: The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
    expect(error).toMatchObject({
      reason: 'duration-above-role-maximum',
      kind: 'misconfiguration',
      caller: undefined,
    });
  });

  it('a duration above the role-chaining limit names the chaining rule and the role it chains from', async () => {
    fake.rejectAssumeRole(
      awsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
        400,
      ),
      ROLE_B,
    );
    const provider = fromConnection({
      connection: connection({ assumeRoleArn: [ROLE_A, ROLE_B], stsCredsExpirationSec: 3600 }),
      settings,
      vendorCredentials: countingVendor(),
    });
    const error = await failure(provider());
    expect(error.message).toBe(
      `Cannot assume role ${ROLE_B}: stsCredsExpirationTime 1h is longer than role chaining allows. ` +
        'AWS caps a session obtained with the credentials of another assumed role (role chaining) at 1h, whatever the role allows; ' +
        `here the role is assumed with the credentials of ${ROLE_A}. Set stsCredsExpirationTime to 1h or less. ` +
        "(Separately, a session may never exceed the role's MaxSessionDuration.) " +
        'AWS said: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
    expect(error).toMatchObject({ reason: 'duration-above-chaining-limit', hop: 1 });
  });

  it("the chaining limit on the first hop says the vendor's own credentials are an assumed role", async () => {
    fake.rejectAssumeRole(
      awsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
        400,
      ),
    );
    const provider = fromConnection({
      connection: connection({ stsCredsExpirationSec: 5400 }),
      settings,
      vendorCredentials: countingVendor(),
    });
    const error = await failure(provider());
    expect(error.message).toContain(
      "stsCredsExpirationTime 1h30m is longer than role chaining allows. AWS caps a session obtained with the credentials of another assumed role (role chaining) at 1h, whatever the role allows; here the vendor's own credentials are already an assumed-role session.",
    );
  });

  it.each([
    [
      'ExpiredToken',
      'The security token included in the request is expired',
      `Cannot assume role ${ROLE_B}: the credentials it was requested with have expired (ExpiredToken). ` +
        "Check the vendor's own credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE). " +
        'AWS said: The security token included in the request is expired',
      'caller-token-expired',
    ],
    [
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      `Cannot assume role ${ROLE_B}: AWS does not recognise the access key it was requested with (InvalidClientTokenId): ` +
        'the key was deleted or deactivated, or belongs to another partition or endpoint. ' +
        "Check the vendor's own credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE). " +
        'AWS said: The security token included in the request is invalid.',
      'caller-key-unknown',
    ],
    [
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
      `Cannot assume role ${ROLE_B}: AWS rejected the request signature (SignatureDoesNotMatch): ` +
        'the secret access key does not belong to the access key ID. ' +
        "Check the vendor's own credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE). " +
        'AWS said: The request signature we calculated does not match the signature you provided.',
      'caller-signature-mismatch',
    ],
    [
      'SignatureDoesNotMatch',
      'Signature expired: 20261123T185620Z is now earlier than 20291231T235501Z (20300101T001001Z - 15 min.)',
      `Cannot assume role ${ROLE_B}: AWS refused the request as signed at the wrong time: ` +
        "this machine's clock differs from AWS's by more than 15 minutes. Synchronise the system clock (NTP) and run again. " +
        'AWS said: Signature expired: 20261123T185620Z is now earlier than 20291231T235501Z (20300101T001001Z - 15 min.)',
      'caller-clock-skew',
    ],
  ])('%s gets its own message', async (code, awsMessage, expected, reason) => {
    fake.rejectAssumeRole(awsError(code, awsMessage));
    const provider = fromConnection({
      connection: connection(),
      settings,
      vendorCredentials: countingVendor(),
    });
    const error = await failure(provider());
    expect(error.message).toBe(expected);
    expect(error).toMatchObject({ reason, kind: 'misconfiguration', roleArn: ROLE_B });
  });

  it('throttling of AssumeRole stays transient and names the role', async () => {
    fake.rejectAssumeRole(awsError('Throttling', 'Rate exceeded', 400));
    const provider = fromConnection({
      connection: connection(),
      settings,
      vendorCredentials: countingVendor(),
    });
    const error = await failure(provider());
    expect(error.message).toBe(`Cannot assume role ${ROLE_B}: Throttling: Rate exceeded`);
    expect(error.kind).toBe('transient');
  });

  it('a failed AssumeRole is not cached: the next call asks STS again', async () => {
    fake.sts.on(AssumeRoleCommand).rejectsOnce(awsError('Throttling', 'Rate exceeded', 400));
    const provider = fromConnection({
      connection: connection(),
      settings,
      vendorCredentials: countingVendor(),
    });
    await failure(provider());
    // The stub's default behaviour (fakeSts) answers from now on.
    fake.sts.on(AssumeRoleCommand).callsFake(async () => ({
      Credentials: {
        AccessKeyId: 'ASIARECOVERED0000001',
        SecretAccessKey: 'recoveredSecretrecoveredSecretrecovered1',
        SessionToken: 'tok',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    }));
    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'ASIARECOVERED0000001' });
  });

  it('a missing vendor credential reaches the caller as the CredentialsError the chain raised', async () => {
    const missing = new CredentialsError('No AWS credentials found: test', 'no-credentials', {
      cause: undefined,
    });
    const provider = fromConnection({
      connection: connection(),
      settings,
      vendorCredentials: async () => {
        throw missing;
      },
    });
    fake.sts.on(AssumeRoleCommand).callsFake(async (_input, getClient) => {
      await getClient().config.credentials();
      return {};
    });
    await expect(provider()).rejects.toBe(missing);
  });
});
