import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VALID_CONFIG, withReplaced } from '../fixtures/config.js';
import { CLEAN_ENV, runCli } from '../helpers/run-cli.js';

function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'bb-validate-'));
}

function fileWith(text: string, name = 'bb.yaml'): { dir: string; path: string } {
  const dir = workDir();
  const path = join(dir, name);
  writeFileSync(path, text);
  return { dir, path };
}

describe('config validate on a valid file', () => {
  it('says so on stderr, prints nothing on stdout, and exits 0', async () => {
    const { dir } = fileWith(VALID_CONFIG);
    const result = await runCli(['config', 'validate', '--config', 'bb.yaml'], { cwd: dir, env: CLEAN_ENV });
    expect(result).toMatchObject({
      exitCode: 0,
      stdout: '',
      stderr: 'bb.yaml is valid: version 2, 1 connection (acme).\n',
    });
  });

  it('finds ./bucketbridge.yaml without --config', async () => {
    const { dir } = fileWith(VALID_CONFIG, 'bucketbridge.yaml');
    const result = await runCli(['config', 'validate'], { cwd: dir, env: CLEAN_ENV });
    expect(result.stderr).toBe('bucketbridge.yaml is valid: version 2, 1 connection (acme).\n');
    expect(result.exitCode).toBe(0);
  });

  it('finds the file named by BUCKETBRIDGE_CONFIG', async () => {
    const { dir, path } = fileWith(VALID_CONFIG, 'elsewhere.yaml');
    const result = await runCli(['config', 'validate'], {
      cwd: dir,
      env: { ...CLEAN_ENV, BUCKETBRIDGE_CONFIG: path },
    });
    expect(result.stderr).toBe(`${path} is valid: version 2, 1 connection (acme).\n`);
  });

  it('says which keys the environment overrides', async () => {
    const { dir } = fileWith(VALID_CONFIG);
    const result = await runCli(['config', 'validate', '--config', 'bb.yaml'], {
      cwd: dir,
      env: { ...CLEAN_ENV, BUCKETBRIDGE_ENDPOINT: 'http://127.0.0.1:4566', AWS_DEFAULT_REGION: 'eu-west-1' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe(
      'bb.yaml is valid: version 2, 1 connection (acme); aws.endpoint from BUCKETBRIDGE_ENDPOINT; aws.region from AWS_DEFAULT_REGION.\n',
    );
  });

  it('with --json prints one JSON document on stdout', async () => {
    const { dir } = fileWith(VALID_CONFIG);
    const result = await runCli(['config', 'validate', '--config', 'bb.yaml', '--json'], {
      cwd: dir,
      env: CLEAN_ENV,
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      file: 'bb.yaml',
      version: 2,
      connections: ['acme'],
      problems: [],
    });
  });
});

describe('config validate on a bad file exits 2 with one located line per problem and no stack trace', () => {
  const cases: Array<[string, string, string]> = [
    [
      'a YAML syntax error',
      withReplaced(VALID_CONFIG, 'workflow: batch', 'workflow: [batch'),
      'bb.yaml:22:5: expected valid YAML, found a syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'a wrong type',
      withReplaced(VALID_CONFIG, 'assumeRoleFlag: true', 'assumeRoleFlag: 1'),
      'bb.yaml:14:21: connections[0].assumeRoleFlag: expected true or false, found 1',
    ],
    [
      'an unknown key',
      withReplaced(VALID_CONFIG, 'sessionName:', 'sesionName:'),
      'bb.yaml:17:5: connections[0].sesionName: expected a known key, found `sesionName` (did you mean `sessionName`?)',
    ],
    [
      'a missing required key',
      withReplaced(VALID_CONFIG, '    accountId: "222222222222"\n', ''),
      "bb.yaml:12:5: connections[0].accountId: expected a string, found nothing: the key is missing (accountId is required: The customer's AWS account ID.)",
    ],
    [
      'an invalid role ARN',
      withReplaced(VALID_CONFIG, 'role/BucketBridgeAccessRole', 'BucketBridgeAccessRole'),
      'bb.yaml:15:21: connections[0].assumeRoleArn[0]: expected an IAM role ARN such as arn:aws:iam::222222222222:role/BucketBridgeAccessRole, found "arn:aws:iam::222222222222:BucketBridgeAccessRole" (resource `BucketBridgeAccessRole` is not a role: it must be role/NAME (letters, digits and +=,.@_-/))',
    ],
    [
      'an out-of-range duration',
      withReplaced(VALID_CONFIG, 'stsCredsExpirationTime: 1h', 'stsCredsExpirationTime: 10m'),
      'bb.yaml:18:29: connections[0].stsCredsExpirationTime: expected a duration from 15m to 12h, found "10m"',
    ],
    [
      'a chained session above one hour',
      withReplaced(
        VALID_CONFIG,
        'assumeRoleArn: ["arn:aws:iam::222222222222:role/BucketBridgeAccessRole"]',
        'assumeRoleArn: ["arn:aws:iam::222222222222:role/Hop", "arn:aws:iam::333333333333:role/Target"]',
      ).replace('stsCredsExpirationTime: 1h', 'stsCredsExpirationTime: 90m'),
      'bb.yaml:18:29: connections[0].stsCredsExpirationTime: expected at most 1h when more than one role ARN is chained (2 are), found "90m" (5400 seconds) (AWS caps chained role sessions at one hour)',
    ],
    [
      'assumeRoleFlag without a role',
      withReplaced(
        VALID_CONFIG,
        'assumeRoleArn: ["arn:aws:iam::222222222222:role/BucketBridgeAccessRole"]',
        'assumeRoleArn: []',
      ),
      "bb.yaml:15:20: connections[0].assumeRoleArn: expected at least one role ARN in assumeRoleArn when assumeRoleFlag is true, found an empty list (add the customer's role ARN, or set assumeRoleFlag: false to use the default AWS credential chain)",
    ],
    [
      'a secret in the file',
      withReplaced(VALID_CONFIG, 'aws:\n', 'aws:\n  secretAccessKey: wJalrXUtnFEMI\n'),
      'bb.yaml:6:3: aws.secretAccessKey: expected no credentials in the configuration file, found `secretAccessKey` (remove it: bucketbridge takes AWS credentials from the standard AWS credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, or an instance/task role), and customer access from assumeRoleFlag/assumeRoleArn)',
    ],
    [
      'a version 1 file',
      VALID_CONFIG.replace('version: 2', 'version: 1'),
      'bb.yaml:1:10: version: expected version 2, found version 1 (run `bucketbridge config migrate --config bb.yaml` to upgrade the file)',
    ],
    [
      'a version 3 file',
      VALID_CONFIG.replace('version: 2', 'version: 3'),
      'bb.yaml:1:10: version: expected version 2 or older, found version 3 (this file was written by a newer bucketbridge; upgrade bucketbridge to use it)',
    ],
    [
      'an empty file',
      '',
      'bb.yaml:1:1: expected a mapping with version, vendor and connections (create one with `bucketbridge init`), found an empty file',
    ],
  ];

  it.each(cases)('%s', async (_name, text, line) => {
    const { dir } = fileWith(text);
    const result = await runCli(['config', 'validate', '--config', 'bb.yaml'], { cwd: dir, env: CLEAN_ENV });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`bucketbridge: ${line}\n`);
    expect(result.stdout).toBe('');
  });

  it('a missing file names the path and how to create one', async () => {
    const result = await runCli(['config', 'validate', '--config', 'nope.yaml'], {
      cwd: workDir(),
      env: CLEAN_ENV,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'bucketbridge: nope.yaml: expected a readable YAML configuration file, found no such file (create one with `bucketbridge init`, or pass --config PATH (or set BUCKETBRIDGE_CONFIG))\n',
    );
  });

  it('reports all problems at once', async () => {
    const text = withReplaced(
      withReplaced(VALID_CONFIG, 'bucket: acme-src', 'bucket: ACME'),
      'ledger: sqlite:./bucketbridge.db',
      'ledger: mysql://db',
    );
    const { dir } = fileWith(text);
    const result = await runCli(['config', 'validate', '-c', 'bb.yaml'], { cwd: dir, env: CLEAN_ENV });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      [
        'bucketbridge: bb.yaml:10:9: ledger: expected sqlite:PATH or postgres://..., found "mysql://db"',
        'bb.yaml:19:23: connections[0].source.bucket: expected an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens), found "ACME"',
        '',
      ].join('\n'),
    );
  });

  it('with --json prints the problems as one JSON document on stdout', async () => {
    const { dir } = fileWith(withReplaced(VALID_CONFIG, 'workflow: batch', 'workflow: stream'));
    const result = await runCli(['config', 'validate', '--config', 'bb.yaml', '--json'], {
      cwd: dir,
      env: CLEAN_ENV,
    });
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      file: 'bb.yaml',
      problems: [
        {
          file: 'bb.yaml',
          line: 21,
          column: 15,
          path: 'connections[0].workflow',
          expected: 'one of `batch`, `live`',
          found: '"stream"',
        },
      ],
    });
  });

  it('a bad environment override names the variable', async () => {
    const { dir } = fileWith(VALID_CONFIG);
    const result = await runCli(['config', 'validate', '--config', 'bb.yaml'], {
      cwd: dir,
      env: { ...CLEAN_ENV, AWS_REGION: 'mars' },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'bucketbridge: environment variable AWS_REGION: aws.region: expected an AWS region name such as us-east-1, found "mars"\n',
    );
  });
});
