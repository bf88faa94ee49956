import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  answerProblem,
  answerProblems,
  configFromAnswers,
  generateExternalId,
  missingRequiredKeys,
  parseSetFlags,
} from '../../../src/config/init/init-answers.js';
import { renderConfig } from '../../../src/config/init/render-config.js';
import { validateConfigText } from '../../../src/config/load-config.js';
import { UsageError } from '../../../src/errors/index.js';

const CONNECTION = {
  'vendor.accountId': '111111111111',
  'connection.name': 'acme',
  'connection.accountId': '222222222222',
  'connection.source.bucket': 'acme-src',
  'connection.destination.bucket': 'acme-dst',
};

describe('--set flags', () => {
  it('parse dotted keys, and repeated list keys accumulate', () => {
    expect(
      parseSetFlags([
        'vendor.accountId=111111111111',
        'connection.assumeRoleArn=arn:aws:iam::222222222222:role/A',
        'connection.assumeRoleArn=arn:aws:iam::333333333333:role/B',
        'connection.source.prefix=a=b/',
      ]),
    ).toEqual({
      'vendor.accountId': '111111111111',
      'connection.assumeRoleArn': 'arn:aws:iam::222222222222:role/A,arn:aws:iam::333333333333:role/B',
      'connection.source.prefix': 'a=b/',
    });
  });

  it('reject unknown keys with a suggestion and flags without =, all at once', () => {
    let error: unknown;
    try {
      parseSetFlags(['vendor.acountId=1', 'connection.name', 'colour=blue']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    const lines = (error as UsageError).message.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      '--set vendor.acountId: unknown key (did you mean `vendor.accountId`?)',
      '--set connection.name: expected key=value, e.g. --set vendor.accountId=111111111111',
    ]);
    expect(lines[2]).toMatch(
      /^--set colour: unknown key \(allowed here: `vendor.accountId`, .*`connection.stsCredsExpirationTime`\)$/,
    );
  });
});

describe('required answers', () => {
  it.each([
    [{}, ['vendor.accountId']],
    [{ 'vendor.accountId': '111111111111' }, []],
    [
      { 'vendor.accountId': '111111111111', 'connection.name': 'acme' },
      ['connection.accountId', 'connection.source.bucket', 'connection.destination.bucket'],
    ],
    [{ ...CONNECTION, 'connection.assumeRoleFlag': 'true' }, ['connection.assumeRoleArn']],
    [{ ...CONNECTION, 'connection.assumeRoleFlag': 'false' }, []],
  ])('with %j the missing keys are %j', (answers, missing) => {
    expect(missingRequiredKeys(answers)).toEqual(missing);
  });
});

describe('answers become a valid configuration', () => {
  it('without a connection', () => {
    const raw = configFromAnswers({ 'vendor.accountId': '111111111111' });
    expect(raw).toEqual({
      version: 2,
      vendor: { accountId: '111111111111', principals: ['arn:aws:iam::111111111111:root'] },
      aws: { region: 'us-east-1' },
      processing: { regions: ['us-east-1'], defaultRegion: 'us-east-1' },
      ledger: 'sqlite:./bucketbridge.db',
      connections: [],
    });
  });

  it('with AssumeRole: a generated external ID and a session name from the connection', () => {
    const raw = configFromAnswers({
      ...CONNECTION,
      'connection.assumeRoleFlag': 'yes',
      'connection.assumeRoleArn': 'arn:aws:iam::222222222222:role/A',
    }) as { connections: Array<Record<string, unknown>> };
    expect(raw.connections[0]).toMatchObject({
      assumeRoleFlag: true,
      assumeRoleArn: ['arn:aws:iam::222222222222:role/A'],
      sessionName: 'bucketbridge-acme',
      stsCredsExpirationTime: '1h',
    });
    expect(raw.connections[0]!.externalId).toMatch(/^bb-[0-9a-f]{16}$/);
  });

  it.each([
    [{}, undefined, 'us-east-1'],
    [{ 'connection.region': 'us-east-1' }, undefined, 'us-east-1'],
    [{ 'connection.region': 'eu-west-2' }, 'eu-west-2', 'eu-west-2'],
    [{ 'aws.region': 'eu-west-2', 'connection.region': 'eu-west-2' }, undefined, 'eu-west-2'],
  ])("with %j the file's connection region is %j and the connection is in %s", (extra, written, resolved) => {
    const text = renderConfig(configFromAnswers({ ...CONNECTION, ...extra }));
    const { config } = validateConfigText('bb.yaml', text, { env: {} });
    expect((parse(text) as { connections: { region?: string }[] }).connections[0]!.region).toBe(written);
    expect(config.connections[0]!.region).toBe(resolved);
  });

  it('refuses a connection.region that is not a region, naming the key', () => {
    expect(answerProblem(CONNECTION, 'connection.region', 'Europe')).toBe(
      'expected an AWS region name such as us-east-1, found "Europe"',
    );
  });

  it('renders as commented YAML that passes validation', () => {
    const text = renderConfig(configFromAnswers({ ...CONNECTION, 'aws.endpoint': 'http://127.0.0.1:4566' }));
    expect(text).toContain('# Credentials never go in this file');
    expect(text).toContain('(role chaining) with the external ID.\n    assumeRoleFlag: false\n');
    const { config } = validateConfigText('bb.yaml', text, { env: {} });
    expect(config.connections[0]!.name).toBe('acme');
    expect(config.aws.endpoint).toBe('http://127.0.0.1:4566');
  });

  it('generates a different external ID each time', () => {
    expect(generateExternalId()).not.toBe(generateExternalId());
  });
});

describe('answers are checked by the same rules as the file', () => {
  it.each([
    [
      'vendor.accountId',
      '1234',
      'expected a 12-digit AWS account ID in quotes, e.g. "222222222222", found "1234"',
    ],
    [
      'connection.assumeRoleArn',
      'arn:aws:iam::222222222222:role/A,arn:aws:iam::2222:role/B',
      'entry 2: expected an IAM role ARN such as arn:aws:iam::222222222222:role/BucketBridgeAccessRole, found "arn:aws:iam::2222:role/B" (account `2222` is not a 12-digit AWS account ID)',
    ],
    ['connection.stsCredsExpirationTime', '13h', 'expected a duration from 15m to 12h, found "13h"'],
    [
      'connection.source.bucket',
      'Acme',
      'expected an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens), found "Acme"',
    ],
    [
      'connection.externalId',
      'x',
      'expected 2 to 1224 characters of letters, digits and _+=,.@:/-, found "x"',
    ],
    ['connection.accountId', '222222222222', undefined],
  ])('%s = %s: %s', (key, value, message) => {
    expect(answerProblem({ ...CONNECTION, 'connection.assumeRoleFlag': 'true' }, key, value)).toBe(message);
  });

  it('a long session with chained roles is refused with the chaining rule', () => {
    const answers = {
      ...CONNECTION,
      'connection.assumeRoleFlag': 'true',
      'connection.assumeRoleArn': 'arn:aws:iam::222222222222:role/A,arn:aws:iam::333333333333:role/B',
    };
    expect(answerProblem(answers, 'connection.stsCredsExpirationTime', '2h')).toBe(
      'expected at most 1h when more than one role ARN is chained (2 are), found "2h" (7200 seconds) (AWS caps chained role sessions at one hour)',
    );
  });

  it('init only sets up processors that need no further settings', () => {
    expect(answerProblems({ ...CONNECTION, 'connection.processor.type': 'exec' })).toEqual([
      {
        path: ['connection.processor.type'],
        expected: 'one of `copy`, `gzip`, `brotli`, `deflate`',
        found: '"exec"',
        hint: 'other processors take more settings: edit the file after init',
      },
    ]);
  });

  it('a bad vendor account is reported once, not again through the principal derived from it', () => {
    expect(answerProblems({ 'vendor.accountId': '42' }).map((p) => p.path)).toEqual([['vendor.accountId']]);
  });
});
