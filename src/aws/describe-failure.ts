/**
 * Turns the SDK's credential and AssumeRole failures into errors that say, in plain words,
 * which role and which caller were involved and what to change.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { formatDurationSec } from '../config/duration.js';
import { MAX_CHAINED_STS_DURATION_SEC } from '../config/schema.js';
import { classifyAwsError } from './classify-aws-error.js';
import { type AwsSettings, createClient } from './client-factory.js';
import {
  AssumeRoleError,
  type AssumeRoleFailure,
  awsErrorCode,
  CredentialsError,
  type FailureKind,
  messageOf,
} from './errors.js';

/** What was being attempted when AssumeRole failed. */
export interface AssumeRoleAttempt {
  roleArn: string;
  /** 0-based position in the chain. */
  hop: number;
  /** The role assumed by the previous hop; undefined for the first hop (the vendor's own identity). */
  previousRoleArn?: string | undefined;
  /** The credentials AssumeRole was signed with: used to name the caller when AWS did not. */
  callerCredentials: AwsCredentialIdentityProvider;
  settings: AwsSettings;
  externalId?: string | undefined;
  durationSec: number;
}

const CHAINING_RULE =
  'AWS caps a session obtained with the credentials of another assumed role (role chaining) at 1h, whatever the role allows';

/** Maps a failed AssumeRole to an {@link AssumeRoleError}; errors already described pass through. */
export async function describeAssumeRoleFailure(error: unknown, attempt: AssumeRoleAttempt): Promise<Error> {
  // A failure of an earlier hop (or of the vendor's chain) surfaces here through the STS
  // client's credentials: it already names its own role.
  if (error instanceof AssumeRoleError || error instanceof CredentialsError) return error;
  const code = awsErrorCode(error) ?? 'UnknownError';
  const awsMessage = messageOf(error);
  const { roleArn } = attempt;
  const build = async (reason: AssumeRoleFailure, kind: FailureKind, text: (caller: string) => string) => {
    const caller = reason === 'access-denied' ? await findCaller(awsMessage, attempt) : undefined;
    return new AssumeRoleError(text(caller ?? 'an unknown caller'), {
      roleArn,
      caller,
      hop: attempt.hop,
      reason,
      kind,
      cause: error,
    });
  };
  const duration = formatDurationSec(attempt.durationSec);

  if (code === 'AccessDenied' || code === 'AccessDeniedException') {
    return build(
      'access-denied',
      'misconfiguration',
      (caller) =>
        `Cannot assume role ${roleArn} as ${caller}: access denied. The two usual causes: ` +
        `(1) the role's trust policy does not name ${caller} (or its account root) as a Principal allowed to call sts:AssumeRole; ` +
        `(2) the trust policy requires an external ID (condition sts:ExternalId) and ${
          attempt.externalId === undefined
            ? 'the connection sets no externalId'
            : "the connection's externalId does not match it"
        }. AWS said: ${awsMessage}`,
    );
  }
  if (code === 'ValidationError' && /chaining|1 hour session limit/i.test(awsMessage)) {
    return build(
      'duration-above-chaining-limit',
      'misconfiguration',
      () =>
        `Cannot assume role ${roleArn}: stsCredsExpirationTime ${duration} is longer than role chaining allows. ` +
        `${CHAINING_RULE}; ${
          attempt.previousRoleArn === undefined
            ? "here the vendor's own credentials are already an assumed-role session"
            : `here the role is assumed with the credentials of ${attempt.previousRoleArn}`
        }. Set stsCredsExpirationTime to 1h or less. ` +
        `(Separately, a session may never exceed the role's MaxSessionDuration.) AWS said: ${awsMessage}`,
    );
  }
  if (code === 'ValidationError' && /MaxSessionDuration|DurationSeconds/i.test(awsMessage)) {
    return build(
      'duration-above-role-maximum',
      'misconfiguration',
      () =>
        `Cannot assume role ${roleArn}: stsCredsExpirationTime ${duration} exceeds the role's MaxSessionDuration. ` +
        `Raise the role's MaxSessionDuration (up to 12h) or lower stsCredsExpirationTime. ` +
        `Note that ${CHAINING_RULE}${attempt.durationSec > MAX_CHAINED_STS_DURATION_SEC ? ', so a chained role needs 1h or less' : ''}. AWS said: ${awsMessage}`,
    );
  }
  if (code === 'ExpiredToken' || code === 'ExpiredTokenException') {
    return build(
      'caller-token-expired',
      'misconfiguration',
      () =>
        `Cannot assume role ${roleArn}: the credentials it was requested with have expired (ExpiredToken). ` +
        `${callerHint(attempt)} AWS said: ${awsMessage}`,
    );
  }
  if (code === 'InvalidClientTokenId' || code === 'UnrecognizedClientException') {
    return build(
      'caller-key-unknown',
      'misconfiguration',
      () =>
        `Cannot assume role ${roleArn}: AWS does not recognise the access key it was requested with (InvalidClientTokenId): ` +
        `the key was deleted or deactivated, or belongs to another partition or endpoint. ${callerHint(attempt)} AWS said: ${awsMessage}`,
    );
  }
  if (isClockSkew(code, awsMessage)) {
    return build(
      'caller-clock-skew',
      'misconfiguration',
      () => `Cannot assume role ${roleArn}: ${CLOCK_SKEW} AWS said: ${awsMessage}`,
    );
  }
  if (code === 'SignatureDoesNotMatch') {
    return build(
      'caller-signature-mismatch',
      'misconfiguration',
      () =>
        `Cannot assume role ${roleArn}: AWS rejected the request signature (SignatureDoesNotMatch): ` +
        `the secret access key does not belong to the access key ID. ${callerHint(attempt)} AWS said: ${awsMessage}`,
    );
  }
  if (code === 'RegionDisabledException') {
    return build(
      'region-disabled',
      'misconfiguration',
      () =>
        `Cannot assume role ${roleArn}: STS is not activated in region ${attempt.settings.region} for this account. ` +
        `Activate it in the IAM console (Account settings) or set aws.region to an active region. AWS said: ${awsMessage}`,
    );
  }
  const kind = classifyAwsError(error);
  return build('other', kind, () => `Cannot assume role ${roleArn}: ${code}: ${awsMessage}`);
}

const CLOCK_SKEW =
  "AWS refused the request as signed at the wrong time: this machine's clock differs from AWS's by more than 15 minutes. " +
  'Synchronise the system clock (NTP) and run again.';

/** STS says "Signature expired: ... is now earlier than ..."; S3 says RequestTimeTooSkewed. */
function isClockSkew(code: string | undefined, awsMessage: string): boolean {
  return (
    code === 'RequestTimeTooSkewed' ||
    (code === 'InvalidSignatureException' && /Signature expired/i.test(awsMessage)) ||
    (code === 'SignatureDoesNotMatch' &&
      /Signature expired|is now earlier than|is now later than/i.test(awsMessage))
  );
}

function callerHint(attempt: AssumeRoleAttempt): string {
  return attempt.previousRoleArn === undefined
    ? "Check the vendor's own credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE)."
    : `They came from assuming ${attempt.previousRoleArn}; check that hop.`;
}

/**
 * The caller of a denied AssumeRole: AWS names it in the message ("User: arn:... is not
 * authorized ..."); otherwise ask STS GetCallerIdentity with the same credentials.
 */
async function findCaller(awsMessage: string, attempt: AssumeRoleAttempt): Promise<string | undefined> {
  const named = /User: (arn:\S+) is not authorized/.exec(awsMessage)?.[1];
  if (named !== undefined) return named;
  try {
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const sts = createClient(STSClient, {
      settings: attempt.settings,
      credentials: attempt.callerCredentials,
    });
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } catch {
    // Naming the caller is a courtesy; the AssumeRole failure is what must be reported.
    return undefined;
  }
}

/**
 * Maps a failure to obtain or use the vendor's credentials to a {@link CredentialsError};
 * anything else is returned unchanged.
 */
export function describeCredentialFailure(error: unknown): unknown {
  if (error instanceof CredentialsError || error instanceof AssumeRoleError) return error;
  const code = awsErrorCode(error);
  const awsMessage = messageOf(error);
  if (
    code === 'CredentialsProviderError' ||
    /Could not load credentials from any providers/i.test(awsMessage)
  ) {
    return new CredentialsError(
      "No AWS credentials found: the default credential chain found none. Provide the vendor's credentials in one of " +
        'its sources: the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, plus AWS_SESSION_TOKEN for temporary keys), ' +
        'a profile in ~/.aws/credentials or ~/.aws/config (AWS_PROFILE, including SSO), web identity, or a container or instance role. ' +
        `The SDK said: ${awsMessage}`,
      'no-credentials',
      { cause: error },
    );
  }
  if (code === 'ExpiredToken' || code === 'ExpiredTokenException' || code === 'RequestExpired') {
    return new CredentialsError(
      `AWS refused the request: the security token has expired (${code}). Renew the credentials ` +
        '(for example `aws sso login`, or fresh AWS_SESSION_TOKEN values) and run again.',
      'token-expired',
      // Signed credentials can lapse between signing and arrival; the next attempt signs with refreshed ones.
      { cause: error, kind: 'transient' },
    );
  }
  if (
    code === 'InvalidClientTokenId' ||
    code === 'InvalidAccessKeyId' ||
    code === 'UnrecognizedClientException'
  ) {
    return new CredentialsError(
      `AWS does not recognise the access key ID (${code}): it was deleted or deactivated, or belongs to another ` +
        'partition or endpoint. Check AWS_ACCESS_KEY_ID or the profile in use.',
      'key-unknown',
      { cause: error },
    );
  }
  if (isClockSkew(code, awsMessage)) {
    return new CredentialsError(`${CLOCK_SKEW} AWS said: ${awsMessage}`, 'clock-skew', { cause: error });
  }
  if (code === 'SignatureDoesNotMatch') {
    return new CredentialsError(
      'AWS rejected the request signature (SignatureDoesNotMatch): the secret access key does not belong to the ' +
        'access key ID. Check AWS_SECRET_ACCESS_KEY or the profile in use.',
      'signature-mismatch',
      { cause: error },
    );
  }
  return error;
}
