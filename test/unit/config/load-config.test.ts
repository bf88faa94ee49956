import { describe, expect, it } from 'vitest';
import { validateConfigText } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors/index.js';
import { VALID_CONFIG, withReplaced } from '../../fixtures/config.js';

const FILE = 'bb.yaml';

/** The formatted problems of a text, one per line, or [] when it is valid. */
function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    validateConfigText(FILE, text, { env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message.split('\n');
  }
}

describe('a valid configuration', () => {
  it('loads with defaults applied', () => {
    const { config } = validateConfigText(FILE, VALID_CONFIG, { env: {} });
    const acme = config.connections[0]!;
    expect(acme.assumeRoleArn).toEqual(['arn:aws:iam::222222222222:role/BucketBridgeAccessRole']);
    expect(acme.concurrency).toBe(16);
    expect(acme.onboarding.roleName).toBe('BucketBridgeAccessRole');
    expect(config.aws.maxAttempts).toBe(5);
  });

  it('keeps the credential keys at their defaults when a connection omits them', () => {
    const text = VALID_CONFIG.replace(
      / {4}(assumeRoleFlag|assumeRoleArn|externalId|sessionName|stsCreds\w+):.*\n/g,
      '',
    );
    const acme = validateConfigText(FILE, text, { env: {} }).config.connections[0]!;
    expect([acme.assumeRoleFlag, acme.assumeRoleArn, acme.stsCredsExpirationSec]).toEqual([false, [], 3600]);
  });
});

describe('an exec processor', () => {
  it.each([
    ['a string and args', 'command: sh, args: [-c, cat]', 'sh', ['-c', 'cat']],
    [
      'a list of the program and its arguments',
      'command: [sh, -c, "sleep 1; cat"]',
      ['sh', '-c', 'sleep 1; cat'],
      [],
    ],
  ])('accepts %s', (_, text, command, args) => {
    const config = withReplaced(
      VALID_CONFIG,
      'processor: { type: copy }',
      `processor: { type: exec, ${text} }`,
    );
    const { processor } = validateConfigText(FILE, config, { env: {} }).config.connections[0]!;
    expect(processor).toMatchObject({ type: 'exec', command, args });
  });
});

describe('every problem names file, line, column, key path, expected and found', () => {
  const cases: Array<[string, string, string[]]> = [
    [
      'an exec command given as an empty list',
      withReplaced(VALID_CONFIG, 'processor: { type: copy }', 'processor: { type: exec, command: [] }'),
      [
        'bb.yaml:22:39: connections[0].processor.command: expected the program and its arguments, e.g. ["sh", "-c", "sleep 1; cat"], found an empty list',
      ],
    ],
    [
      'an exec command list with a number in it',
      withReplaced(VALID_CONFIG, 'processor: { type: copy }', 'processor: { type: exec, command: [sh, 3] }'),
      [
        'bb.yaml:22:39: connections[0].processor.command: expected a program, or a list of strings: the program and its arguments (e.g. ["sh", "-c", "cat"]), found a list of 2 items',
      ],
    ],
    [
      'a YAML syntax error',
      withReplaced(VALID_CONFIG, '  region: us-east-1', '  region: [us-east-1'),
      [
        'bb.yaml:7:1: expected valid YAML, found a syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
    [
      'a duplicated key',
      withReplaced(VALID_CONFIG, '  region: us-east-1', '  region: us-east-1\n  region: eu-west-1'),
      ['bb.yaml:7:3: expected valid YAML, found a syntax error: Map keys must be unique'],
    ],
    [
      'an unknown key close to a known one',
      withReplaced(VALID_CONFIG, '    externalId:', '    externlId:'),
      [
        'bb.yaml:16:5: connections[0].externlId: expected a known key, found `externlId` (did you mean `externalId`?)',
      ],
    ],
    [
      'an unknown key far from any known one',
      withReplaced(VALID_CONFIG, 'aws:\n', 'aws:\n  colour: blue\n'),
      [
        'bb.yaml:6:3: aws.colour: expected a known key, found `colour` (allowed here: `region`, `endpoint`, `endpoints`, `useFipsEndpoint`, `useDualstackEndpoint`, `maxAttempts`)',
      ],
    ],
    [
      'a wrong type',
      withReplaced(VALID_CONFIG, 'assumeRoleFlag: true', 'assumeRoleFlag: "yes"'),
      ['bb.yaml:14:21: connections[0].assumeRoleFlag: expected true or false, found "yes"'],
    ],
    [
      'an account ID written as a number',
      withReplaced(VALID_CONFIG, 'accountId: "222222222222"', 'accountId: 222222222222'),
      [
        'bb.yaml:13:16: connections[0].accountId: expected a string, found 222222222222 (put the value in quotes so YAML reads it as text)',
      ],
    ],
    [
      'a missing required key',
      withReplaced(VALID_CONFIG, '{ bucket: acme-dst, prefix: "out/" }', '{ prefix: "out/" }'),
      [
        "bb.yaml:20:5: connections[0].destination.bucket: expected a string, found nothing: the key is missing (bucket is required: The customer's destination bucket.)",
      ],
    ],
    [
      'a missing vendor',
      VALID_CONFIG.replace(/vendor:\n.*\n.*\n/, ''),
      [
        'bb.yaml:1:1: vendor: expected a mapping, found nothing: the key is missing (vendor is required: The vendor: the account that runs bucketbridge.)',
      ],
    ],
    [
      'a role ARN of another service',
      withReplaced(
        VALID_CONFIG,
        'arn:aws:iam::222222222222:role/BucketBridgeAccessRole',
        'arn:aws:s3:::acme-src',
      ),
      [
        'bb.yaml:15:21: connections[0].assumeRoleArn[0]: expected an IAM role ARN such as arn:aws:iam::222222222222:role/BucketBridgeAccessRole, found "arn:aws:s3:::acme-src" (service `s3` is not `iam`: roles and principals are IAM resources)',
      ],
    ],
    [
      'a role ARN in an unknown partition',
      withReplaced(VALID_CONFIG, 'arn:aws:iam::222222222222:role/B', 'arn:amazon:iam::222222222222:role/B'),
      [
        'bb.yaml:15:21: connections[0].assumeRoleArn[0]: expected an IAM role ARN such as arn:aws:iam::222222222222:role/BucketBridgeAccessRole, found "arn:amazon:iam::222222222222:role/BucketBridgeAccessRole" (partition `amazon` is not an AWS partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc))',
      ],
    ],
    [
      'a role ARN with a short account',
      withReplaced(VALID_CONFIG, 'arn:aws:iam::222222222222:role/B', 'arn:aws:iam::22222222222:role/B'),
      [
        'bb.yaml:15:21: connections[0].assumeRoleArn[0]: expected an IAM role ARN such as arn:aws:iam::222222222222:role/BucketBridgeAccessRole, found "arn:aws:iam::22222222222:role/BucketBridgeAccessRole" (account `22222222222` is not a 12-digit AWS account ID)',
      ],
    ],
    [
      'a user ARN where a role is needed',
      withReplaced(
        VALID_CONFIG,
        'arn:aws:iam::222222222222:role/BucketBridgeAccessRole',
        'arn:aws:iam::222222222222:user/alice',
      ),
      [
        'bb.yaml:15:21: connections[0].assumeRoleArn[0]: expected an IAM role ARN such as arn:aws:iam::222222222222:role/BucketBridgeAccessRole, found "arn:aws:iam::222222222222:user/alice" (resource `user/alice` is not a role: it must be role/NAME (letters, digits and +=,.@_-/))',
      ],
    ],
    [
      'a session duration above 12h',
      withReplaced(VALID_CONFIG, 'stsCredsExpirationTime: 1h', 'stsCredsExpirationTime: 13h'),
      [
        'bb.yaml:18:29: connections[0].stsCredsExpirationTime: expected a duration from 15m to 12h, found "13h"',
      ],
    ],
    [
      'a session duration below 15m, in seconds',
      withReplaced(VALID_CONFIG, 'stsCredsExpirationTime: 1h', 'stsCredsExpirationTime: 600'),
      [
        'bb.yaml:18:29: connections[0].stsCredsExpirationTime: expected a duration from 15m to 12h, found 600',
      ],
    ],
    [
      'a session duration that is not a duration',
      withReplaced(VALID_CONFIG, 'stsCredsExpirationTime: 1h', 'stsCredsExpirationTime: an hour'),
      [
        'bb.yaml:18:29: connections[0].stsCredsExpirationTime: expected a duration such as 1h, 90m, 3600s or a number of seconds, found "an hour"',
      ],
    ],
    [
      'an ignoreOlderThan that is not a duration',
      withReplaced(VALID_CONFIG, 'prefix: "incoming/" }', 'prefix: "incoming/", ignoreOlderThan: a month }'),
      [
        'bb.yaml:19:71: connections[0].source.ignoreOlderThan: expected a duration such as 1h, 90m, 3600s or a number of seconds, found "a month"',
      ],
    ],
    [
      'an ignoreOlderThan of zero, which would ignore everything',
      withReplaced(VALID_CONFIG, 'prefix: "incoming/" }', 'prefix: "incoming/", ignoreOlderThan: 0s }'),
      [
        'bb.yaml:19:71: connections[0].source.ignoreOlderThan: expected a duration from 1s to 3650d, found "0s"',
      ],
    ],
    [
      'an external ID with a space',
      withReplaced(VALID_CONFIG, '"bb-3f9c2a71d0e84b5c"', '"bb 3f9c"'),
      [
        'bb.yaml:16:17: connections[0].externalId: expected 2 to 1224 characters of letters, digits and _+=,.@:/-, found "bb 3f9c"',
      ],
    ],
    [
      'a session name too long',
      withReplaced(VALID_CONFIG, 'sessionName: bucketbridge-acme', `sessionName: ${'s'.repeat(65)}`),
      [
        `bb.yaml:17:18: connections[0].sessionName: expected 2 to 64 characters of letters, digits and _+=,.@-, found "${'s'.repeat(60)}…"`,
      ],
    ],
    [
      'an out-of-range number',
      withReplaced(VALID_CONFIG, 'workflow: batch', 'workflow: batch\n    concurrency: 0'),
      ['bb.yaml:22:18: connections[0].concurrency: expected a number >= 1, found 0'],
    ],
    [
      'an unknown enum value',
      withReplaced(VALID_CONFIG, 'workflow: batch', 'workflow: btach'),
      [
        'bb.yaml:21:15: connections[0].workflow: expected one of `batch`, `live`, found "btach" (did you mean `batch`?)',
      ],
    ],
    [
      'an unknown processor type',
      withReplaced(VALID_CONFIG, '{ type: copy }', '{ type: gzp }'),
      [
        'bb.yaml:22:24: connections[0].processor.type: expected one of `copy`, `gzip`, `brotli`, `deflate`, `exec`, `video`, `collect`, `module`, found "gzp" (did you mean `gzip`?)',
      ],
    ],
    [
      'an invalid bucket name',
      withReplaced(VALID_CONFIG, 'bucket: acme-src', 'bucket: Acme_Src'),
      [
        'bb.yaml:19:23: connections[0].source.bucket: expected an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens), found "Acme_Src"',
      ],
    ],
    [
      'a secret access key in a connection',
      withReplaced(
        VALID_CONFIG,
        '    workflow: batch',
        '    secretAccessKey: wJalrXUtnFEMI/K7MDENG\n    workflow: batch',
      ),
      [
        'bb.yaml:21:5: connections[0].secretAccessKey: expected no credentials in the configuration file, found `secretAccessKey` (remove it: bucketbridge takes AWS credentials from the standard AWS credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, or an instance/task role), and customer access from assumeRoleFlag/assumeRoleArn)',
      ],
    ],
    [
      'an access key ID under aws',
      withReplaced(
        VALID_CONFIG,
        '  region: us-east-1',
        '  region: us-east-1\n  aws_access_key_id: AKIAEXAMPLE',
      ),
      [
        'bb.yaml:7:3: aws.aws_access_key_id: expected no credentials in the configuration file, found `aws_access_key_id` (remove it: bucketbridge takes AWS credentials from the standard AWS credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, or an instance/task role), and customer access from assumeRoleFlag/assumeRoleArn)',
      ],
    ],
    [
      'a version 1 file',
      VALID_CONFIG.replace('version: 2\n', ''),
      [
        'bb.yaml:1:1: expected version 2, found no version key (a version 1 file) (run `bucketbridge config migrate --config bb.yaml` to upgrade the file)',
      ],
    ],
    [
      'a file from a newer bucketbridge',
      VALID_CONFIG.replace('version: 2', 'version: 3\nfutureKey: 1'),
      [
        'bb.yaml:1:10: version: expected version 2 or older, found version 3 (this file was written by a newer bucketbridge; upgrade bucketbridge to use it)',
      ],
    ],
    [
      'a region that is not one',
      withReplaced(VALID_CONFIG, '  region: us-east-1', '  region: virginia'),
      ['bb.yaml:6:11: aws.region: expected an AWS region name such as us-east-1, found "virginia"'],
    ],
    [
      'an endpoint that is not a URL',
      withReplaced(VALID_CONFIG, '  region: us-east-1', '  region: us-east-1\n  endpoint: not a url'),
      [
        'bb.yaml:7:13: aws.endpoint: expected an http(s) URL such as http://127.0.0.1:4566, found "not a url"',
      ],
    ],
    [
      'retries out of range',
      withReplaced(VALID_CONFIG, '  region: us-east-1', '  region: us-east-1\n  maxAttempts: 50'),
      ['bb.yaml:7:16: aws.maxAttempts: expected a number <= 20, found 50'],
    ],
    [
      'no principals',
      withReplaced(VALID_CONFIG, 'principals: ["arn:aws:iam::111111111111:root"]', 'principals: []'),
      ['bb.yaml:4:15: vendor.principals: expected at least one principal ARN, found an empty list'],
    ],
    [
      'a principal that is a group',
      withReplaced(VALID_CONFIG, 'arn:aws:iam::111111111111:root', 'arn:aws:iam::111111111111:group/ops'),
      [
        'bb.yaml:4:16: vendor.principals[0]: expected an IAM principal ARN (account root, role or user) such as arn:aws:iam::111111111111:root, found "arn:aws:iam::111111111111:group/ops" (resource `group/ops` is not root, role/NAME or user/NAME)',
      ],
    ],
    [
      'a processing region list with an unknown region',
      withReplaced(VALID_CONFIG, 'regions: [us-east-1, eu-central-1]', 'regions: [us-east-1, europe]'),
      ['bb.yaml:8:24: processing.regions[1]: expected an AWS region name such as us-east-1, found "europe"'],
    ],
    [
      'a time that is not ISO-8601',
      withReplaced(
        VALID_CONFIG,
        'prefix: "incoming/" }',
        'prefix: "incoming/", modifiedAfter: "yesterday" }',
      ),
      [
        'bb.yaml:19:69: connections[0].source.modifiedAfter: expected an ISO-8601 time such as 2024-01-31T00:00:00Z, found "yesterday"',
      ],
    ],
    [
      'a ledger that is neither sqlite nor postgres',
      withReplaced(VALID_CONFIG, 'ledger: sqlite:./bucketbridge.db', 'ledger: ./bucketbridge.db'),
      ['bb.yaml:10:9: ledger: expected sqlite:PATH or postgres://..., found "./bucketbridge.db"'],
    ],
    [
      'an empty file',
      '',
      [
        'bb.yaml:1:1: expected a mapping with version, vendor and connections (create one with `bucketbridge init`), found an empty file',
      ],
    ],
    [
      'a list instead of a mapping',
      '- a\n- b\n',
      ['bb.yaml:1:1: expected a mapping, found a list of 2 items'],
    ],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it('reports every problem of a file at once, in file order', () => {
    const text = withReplaced(
      withReplaced(VALID_CONFIG, 'accountId: "111111111111"', 'accountId: "1111"'),
      'workflow: batch',
      'workflow: nightly',
    );
    expect(problemsOf(text)).toEqual([
      'bb.yaml:3:14: vendor.accountId: expected a 12-digit AWS account ID in quotes, e.g. "222222222222", found "1111"',
      'bb.yaml:21:15: connections[0].workflow: expected one of `batch`, `live`, found "nightly"',
    ]);
  });

  it('never shows the value of a credential key', () => {
    const text = withReplaced(
      VALID_CONFIG,
      '    workflow: batch',
      '    sessionToken: FwoGZXIvYXdzEBYaDSECRET\n    workflow: batch',
    );
    expect(problemsOf(text).join('\n')).not.toContain('FwoGZXIvYXdzEBYaDSECRET');
  });
});
