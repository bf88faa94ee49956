/**
 * The promise this file proves: secret access keys and session tokens never reach a log line,
 * whatever shape carries them (credential objects, STS responses, errors and their causes,
 * child-logger bindings, presigned URLs, message text), in JSON and in pretty output.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { fromConnection } from '../../../src/aws/credentials.js';
import { AssumeRoleError } from '../../../src/aws/errors.js';
import { createLogger, type LogDestination } from '../../../src/observe/logger.js';
import { REDACTED, redactDeep, registerSecret, scrubText } from '../../../src/observe/redact.js';
import { connection, countingVendor, fakeSts } from '../aws/sts-fakes.js';

const ACCESS_KEY_ID = 'ASIAEXAMPLEKEYID0001';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = `IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ${'D'.repeat(120)}+abc/xyz==`;

function memory(): LogDestination & { text(): string } {
  const lines: string[] = [];
  return { write: (line: string) => lines.push(line), text: () => lines.join('') };
}

function expectNoSecrets(text: string, ...secrets: string[]): void {
  expect(text.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  }
}

/** Every way a secret might be handed to the logger. */
function logEverything(destination: LogDestination, pretty: boolean, secret = SECRET, token = TOKEN): void {
  const logger = createLogger({ level: 'trace', pretty, colorize: false, destination });
  const credentials = {
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: secret,
    sessionToken: token,
    expiration: new Date(),
  };
  logger.info({ credentials }, 'sdk credential object');
  logger.info(
    {
      response: {
        Credentials: { AccessKeyId: ACCESS_KEY_ID, SecretAccessKey: secret, SessionToken: token },
        AssumedRoleUser: { Arn: 'arn:aws:sts::222222222222:assumed-role/R/s' },
      },
    },
    'AssumeRole response',
  );
  const sdkError = Object.assign(new Error('The security token included in the request is invalid'), {
    name: 'InvalidClientTokenId',
    $metadata: { httpStatusCode: 403 },
    $response: {
      headers: {
        'x-amz-security-token': token,
        authorization: `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/...`,
      },
    },
    credentials,
  });
  logger.error({ err: new Error('wrapped', { cause: sdkError }) }, 'request failed');
  logger.error(sdkError);
  logger.warn(
    { env: { AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: token, aws_secret_access_key: secret } },
    'env',
  );
  logger.child({ credentials }).info('child with credential bindings');
  logger.info({ deep: { a: [{ b: { c: { SecretAccessKey: secret, SessionToken: token } } }] } }, 'nested');
  logger.info(
    {
      url: `https://acme-src.s3.amazonaws.com/k?X-Amz-Security-Token=${encodeURIComponent(token)}&X-Amz-Signature=abc123`,
    },
    'presigned',
  );
}

describe('secrets never reach the log', () => {
  it('JSON output keeps access key IDs and drops secrets and tokens, by key, at any depth', () => {
    const out = memory();
    logEverything(out, false);
    const text = out.text();
    expectNoSecrets(text, SECRET, TOKEN);
    expect(text).toContain(ACCESS_KEY_ID);
    expect(text).toContain(REDACTED);
    expect(text).toContain('InvalidClientTokenId');
    const first = JSON.parse(text.split('\n')[0] ?? '');
    expect(first.credentials).toMatchObject({
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: REDACTED,
      sessionToken: REDACTED,
    });
  });

  it('pretty output drops them too', () => {
    const out = memory();
    logEverything(out, true);
    expectNoSecrets(out.text(), SECRET, TOKEN);
    expect(out.text()).toContain('sdk credential object');
  });

  it('a registered secret is removed even from message text and innocuous fields', () => {
    const secret = 'registeredSecretValue0123456789abcdefABC';
    registerSecret(secret);
    const out = memory();
    const logger = createLogger({ level: 'info', pretty: false, destination: out });
    logger.info({ note: `key is ${secret}` }, `the key is ${secret}`);
    logger.info(`encoded: ${encodeURIComponent(`${secret}/+`)}`);
    expect(out.text()).not.toContain(secret);
    expect(out.text()).toContain(`the key is ${REDACTED}`);
  });

  describe('with credentials obtained through the role chain', () => {
    let fake: ReturnType<typeof fakeSts>;
    afterEach(() => fake.sts.restore());

    it('never logs the secret or token of an assumed role, wherever the caller puts them', async () => {
      fake = fakeSts();
      const out = memory();
      const logger = createLogger({ level: 'trace', pretty: false, destination: out });
      const provider = fromConnection({
        connection: connection(),
        settings: { region: 'us-east-1', maxAttempts: 1 },
        vendorCredentials: countingVendor(),
        logger,
      });
      const credentials = await provider();
      const issued = fake.issued[0]?.credentials;
      expect(credentials.secretAccessKey).toBe(issued?.secretAccessKey);
      logger.info({ whatever: credentials.secretAccessKey, list: [credentials.sessionToken] }, 'careless');
      logger.info(`careless text ${credentials.sessionToken}`);
      logger.error(
        new AssumeRoleError('x', {
          roleArn: 'r',
          hop: 0,
          reason: 'other',
          kind: 'transient',
          cause: credentials,
        }),
      );
      expectNoSecrets(out.text(), credentials.secretAccessKey, credentials.sessionToken ?? 'missing');
      expect(out.text()).toContain('"msg":"assumed role"');
      expect(out.text()).toContain(credentials.accessKeyId);
    });
  });
});

describe('redactDeep', () => {
  it('redacts secret-named keys at any depth and keeps everything else', () => {
    expect(
      redactDeep({
        a: 1,
        secretAccessKey: 'x',
        nested: [{ SessionToken: 'y', keep: 'z' }],
        when: new Date(0),
      }),
    ).toEqual({
      a: 1,
      secretAccessKey: REDACTED,
      nested: [{ SessionToken: REDACTED, keep: 'z' }],
      when: new Date(0),
    });
  });

  it("keeps an SDK error's status and headers but not its response stream", () => {
    const body = new PassThrough();
    const error = Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $response: { statusCode: 403, reason: 'Forbidden', headers: { 'x-amz-request-id': 'R1' }, body },
    });
    expect(redactDeep(error)).toMatchObject({
      type: 'AccessDenied',
      $response: { statusCode: 403, reason: 'Forbidden', headers: { 'x-amz-request-id': 'R1' } },
    });
    expect(JSON.stringify(redactDeep(error))).not.toContain('_readableState');
    expect(redactDeep({ data: Buffer.alloc(2048), fn: () => 1 })).toEqual({ data: '[2048 bytes]' });
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redactDeep(a)).toEqual({ name: 'a', self: '[Circular]' });
  });

  it('turns errors into plain objects with their cause', () => {
    const out = redactDeep(
      new Error('outer', { cause: Object.assign(new Error('inner'), { sessionToken: 't' }) }),
    );
    expect(out).toMatchObject({
      type: 'Error',
      message: 'outer',
      cause: { message: 'inner', sessionToken: REDACTED },
    });
  });
});

describe('scrubText', () => {
  it('removes presigned-URL tokens and signatures but keeps the rest of the URL', () => {
    expect(
      scrubText(
        'https://h/k?X-Amz-Credential=AKIA%2F&X-Amz-Security-Token=abc%2Fdef&X-Amz-Signature=0f0f&x=1',
      ),
    ).toBe(
      `https://h/k?X-Amz-Credential=AKIA%2F&X-Amz-Security-Token=${REDACTED}&X-Amz-Signature=${REDACTED}&x=1`,
    );
  });
});
