import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionCredentials } from '../../../sandbox/core/types.js';
import { startTestSandbox, type TestCredentials, type TestSandbox } from '../../helpers/sandbox.js';
import { echoQuery, echoS3 } from './core-echo-service.js';
import { errorCode } from './core-raw-request.js';

let sandbox: TestSandbox;
/** The sandbox's clock runs this far from the real one (to issue sessions "in the past"). */
let clockOffsetMs = 0;

beforeAll(async () => {
  sandbox = await startTestSandbox({
    now: () => new Date(Date.now() + clockOffsetMs),
    services: { s3: echoS3([]), sts: echoQuery('sts', []), sqs: echoQuery('sqs', []) },
  });
});
afterAll(() => sandbox.close());

const ROLE = {
  accountId: '111111111111',
  arn: 'arn:aws:sts::111111111111:assumed-role/reader/session-1',
  kind: 'assumed-role' as const,
  roleArn: 'arn:aws:iam::111111111111:role/reader',
  roleName: 'reader',
  sessionName: 'session-1',
};

function issue(durationSec = 900, issuedAgoMs = 0): TestCredentials {
  clockOffsetMs = -issuedAgoMs;
  try {
    const s: SessionCredentials = sandbox.server.credentials.issueSession(ROLE, durationSec);
    return { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken };
  } finally {
    clockOffsetMs = 0;
  }
}

type Client = 's3' | 'sts' | 'sqs';
async function failure(client: Client, credentials: TestCredentials, extra: object = {}) {
  const config = { ...sandbox.sdkConfig(credentials), maxAttempts: 1, ...extra };
  try {
    if (client === 's3') await new S3Client(config).send(new ListBucketsCommand({}));
    else if (client === 'sts') await new STSClient(config).send(new GetCallerIdentityCommand({}));
    else await new SQSClient(config).send(new ListQueuesCommand({}));
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error(`${client} request unexpectedly succeeded`);
}

const S3_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
const QUERY_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN_ID = 'The security token included in the request is invalid.';

type Refusal = { name: string; status: number; message: string };
const S3_SIGNATURE_MISMATCH: Refusal = { name: 'SignatureDoesNotMatch', status: 403, message: S3_SIGNATURE };
const QUERY_SIGNATURE_MISMATCH: Refusal = {
  name: 'SignatureDoesNotMatch',
  status: 403,
  message: QUERY_SIGNATURE,
};
const INVALID_CLIENT_TOKEN: Refusal = {
  name: 'InvalidClientTokenId',
  status: 403,
  message: INVALID_TOKEN_ID,
};

const wrongSecret = (): TestCredentials => ({ ...sandbox.accounts.customer, secretAccessKey: 'wrong' });
const unknownKey = (): TestCredentials => ({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' });
/** A session of 900 s issued an hour ago. */
const expiredSession = (): TestCredentials => issue(900, 3_600_000);

describe('each way authentication fails gets AWS’s own error', () => {
  test.each<[string, Client, () => TestCredentials, Refusal]>([
    ['a wrong secret (S3)', 's3', wrongSecret, S3_SIGNATURE_MISMATCH],
    ['a wrong secret (STS, query)', 'sts', wrongSecret, QUERY_SIGNATURE_MISMATCH],
    ['a wrong secret (SQS, JSON)', 'sqs', wrongSecret, QUERY_SIGNATURE_MISMATCH],
    [
      'an unknown key (S3)',
      's3',
      unknownKey,
      {
        name: 'InvalidAccessKeyId',
        status: 403,
        message: 'The AWS Access Key Id you provided does not exist in our records.',
      },
    ],
    ['an unknown key (STS)', 'sts', unknownKey, INVALID_CLIENT_TOKEN],
    ['an unknown key (SQS)', 'sqs', unknownKey, INVALID_CLIENT_TOKEN],
    [
      'an expired session (S3)',
      's3',
      expiredSession,
      { name: 'ExpiredToken', status: 400, message: 'The provided token has expired.' },
    ],
    [
      'an expired session (STS)',
      'sts',
      expiredSession,
      { name: 'ExpiredToken', status: 403, message: 'The security token included in the request is expired' },
    ],
    [
      'a session key with another session’s token (S3)',
      's3',
      () => ({ ...issue(), sessionToken: issue().sessionToken }),
      { name: 'InvalidToken', status: 400, message: 'The provided token is malformed or otherwise invalid.' },
    ],
    [
      'a session key without its token (STS)',
      'sts',
      () => ({ ...issue(), sessionToken: undefined }),
      INVALID_CLIENT_TOKEN,
    ],
  ])('%s', async (_label, client, credentials, expected) => {
    expect(await failure(client, credentials())).toEqual(expected);
  });

  test('a request signed 20 minutes off the clock is refused with 403 RequestTimeTooSkewed (S3)', async () => {
    expect(await failure('s3', sandbox.accounts.customer, { systemClockOffset: -20 * 60_000 })).toEqual({
      name: 'RequestTimeTooSkewed',
      status: 403,
      message: 'The difference between the request time and the current time is too large.',
    });
  });

  test('a request signed 20 minutes off the clock is refused as "Signature expired" (STS)', async () => {
    const result = await failure('sts', sandbox.accounts.customer, { systemClockOffset: -20 * 60_000 });
    expect(result).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(result.message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    );
  });

  test('an unsigned S3 request is refused with 403 AccessDenied', async () => {
    const res = await fetch(`${sandbox.endpoint}/some-bucket/some-key`);
    expect(res.status).toBe(403);
    const body = await res.text();
    expect(errorCode(body)).toBe('AccessDenied');
    expect(body).toContain('<Message>Access Denied</Message>');
  });

  test('an unsigned query request is refused with 403 MissingAuthenticationToken', async () => {
    const res = await fetch(sandbox.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(
      '<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>',
    );
  });
});

describe('temporary credentials', () => {
  test('a valid session signs requests as its assumed role', async () => {
    const sts = new STSClient({ ...sandbox.sdkConfig(issue()), maxAttempts: 1 });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(ROLE.arn);
    expect(identity.Account).toBe('111111111111');
  });

  test('the lifetime switch shortens sessions and reports the shortened expiry', async () => {
    const short = await startTestSandbox({ sessionLifetimeFactor: 0.5, maxSessionSec: 300 });
    try {
      const before = Date.now();
      expect(
        short.server.credentials.issueSession(ROLE, 400).expiration.getTime() - before,
      ).toBeGreaterThanOrEqual(199_000);
      expect(
        short.server.credentials.issueSession(ROLE, 400).expiration.getTime() - before,
      ).toBeLessThanOrEqual(201_000 + (Date.now() - before));
      const capped = short.server.credentials.issueSession(ROLE, 3600).expiration.getTime() - Date.now();
      expect(Math.round(capped / 1000)).toBe(300);
    } finally {
      await short.close();
    }
  });
});
