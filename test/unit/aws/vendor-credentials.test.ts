import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromVendorChain } from '../../../src/aws/credentials.js';
import { describeCredentialFailure } from '../../../src/aws/describe-failure.js';
import { CredentialsError } from '../../../src/aws/errors.js';
import { awsError } from './sts-fakes.js';

const NO_CREDENTIALS =
  "No AWS credentials found: the default credential chain found none. Provide the vendor's credentials in one of its sources: " +
  'the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, plus AWS_SESSION_TOKEN for temporary keys), ' +
  'a profile in ~/.aws/credentials or ~/.aws/config (AWS_PROFILE, including SSO), web identity, or a container or instance role.';

describe("the vendor's default credential chain", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  function isolateFromMachine(): void {
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_ROLE_ARN',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ]) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/bucketbridge-test/credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/bucketbridge-test/config');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  }

  it('reads the environment unchanged', async () => {
    isolateFromMachine();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAENVIRONMENT00001');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'environmentSecretenvironmentSecretenviro');
    await expect(fromVendorChain()()).resolves.toMatchObject({
      accessKeyId: 'AKIAENVIRONMENT00001',
      secretAccessKey: 'environmentSecretenvironmentSecretenviro',
    });
  });

  it('says where credentials may come from when it finds none', async () => {
    isolateFromMachine();
    const error = await fromVendorChain()().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as CredentialsError).message.startsWith(NO_CREDENTIALS)).toBe(true);
    expect(error).toMatchObject({
      name: 'CredentialsError',
      reason: 'no-credentials',
      kind: 'misconfiguration',
    });
  });
});

describe('describeCredentialFailure', () => {
  it.each([
    [
      'ExpiredToken',
      'AWS refused the request: the security token has expired (ExpiredToken). Renew the credentials (for example `aws sso login`, or fresh AWS_SESSION_TOKEN values) and run again.',
      'token-expired',
    ],
    [
      'InvalidAccessKeyId',
      'AWS does not recognise the access key ID (InvalidAccessKeyId): it was deleted or deactivated, or belongs to another partition or endpoint. Check AWS_ACCESS_KEY_ID or the profile in use.',
      'key-unknown',
    ],
    [
      'InvalidClientTokenId',
      'AWS does not recognise the access key ID (InvalidClientTokenId): it was deleted or deactivated, or belongs to another partition or endpoint. Check AWS_ACCESS_KEY_ID or the profile in use.',
      'key-unknown',
    ],
    [
      'SignatureDoesNotMatch',
      'AWS rejected the request signature (SignatureDoesNotMatch): the secret access key does not belong to the access key ID. Check AWS_SECRET_ACCESS_KEY or the profile in use.',
      'signature-mismatch',
    ],
    [
      'RequestTimeTooSkewed',
      "AWS refused the request as signed at the wrong time: this machine's clock differs from AWS's by more than 15 minutes. Synchronise the system clock (NTP) and run again. AWS said: AWS text",
      'clock-skew',
    ],
  ])('%s becomes its own message', (code, message, reason) => {
    const cause = awsError(code, 'AWS text');
    const described = describeCredentialFailure(cause);
    expect(described).toBeInstanceOf(CredentialsError);
    expect(described).toMatchObject({ message, reason, cause });
  });

  it('leaves other errors unchanged', () => {
    const error = awsError('NoSuchKey', 'The specified key does not exist.', 404);
    expect(describeCredentialFailure(error)).toBe(error);
  });
});
