import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLEAN_ENV, runCli } from '../helpers/run-cli.js';

const workDir = () => mkdtempSync(join(tmpdir(), 'bb-init-'));
const init = (dir: string, ...args: string[]) =>
  runCli(['init', '--config', 'bb.yaml', ...args], { cwd: dir, env: CLEAN_ENV });
const validate = (dir: string) =>
  runCli(['config', 'validate', '--config', 'bb.yaml'], { cwd: dir, env: CLEAN_ENV });

const CONNECTION_SETS = [
  '--set',
  'vendor.accountId=111111111111',
  '--set',
  'connection.name=acme',
  '--set',
  'connection.accountId=222222222222',
  '--set',
  'connection.source.bucket=acme-src',
  '--set',
  'connection.source.prefix=incoming/',
  '--set',
  'connection.destination.bucket=acme-dst',
];

describe('init --non-interactive', () => {
  it('writes a file from the vendor account alone that passes config validate', async () => {
    const dir = workDir();
    const result = await init(dir, '--non-interactive', '--set', 'vendor.accountId=111111111111');
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      'Wrote bb.yaml. Check it with: bucketbridge config validate --config bb.yaml\n',
    );
    expect((await validate(dir)).stderr).toBe('bb.yaml is valid: version 2, no connections.\n');
  });

  it('writes a connection with AssumeRole through two chained roles', async () => {
    const dir = workDir();
    const result = await init(
      dir,
      '--non-interactive',
      ...CONNECTION_SETS,
      '--set',
      'connection.assumeRoleFlag=true',
      '--set',
      'connection.assumeRoleArn=arn:aws:iam::222222222222:role/Hop',
      '--set',
      'connection.assumeRoleArn=arn:aws:iam::333333333333:role/Target',
      '--set',
      'connection.stsCredsExpirationTime=45m',
      '--set',
      'connection.workflow=live',
    );
    expect(result.exitCode).toBe(0);
    const text = readFileSync(join(dir, 'bb.yaml'), 'utf8');
    expect(text).toContain('# Credentials never go in this file');
    const connection = parse(text).connections[0];
    expect(connection).toMatchObject({
      name: 'acme',
      accountId: '222222222222',
      assumeRoleFlag: true,
      assumeRoleArn: ['arn:aws:iam::222222222222:role/Hop', 'arn:aws:iam::333333333333:role/Target'],
      sessionName: 'bucketbridge-acme',
      stsCredsExpirationTime: '45m',
      source: { bucket: 'acme-src', prefix: 'incoming/' },
      workflow: 'live',
    });
    expect(connection.externalId).toMatch(/^bb-[0-9a-f]{16}$/);
    expect((await validate(dir)).exitCode).toBe(0);
  });

  it('without --assumeRoleFlag the connection uses the default credential chain', async () => {
    const dir = workDir();
    expect((await init(dir, '--non-interactive', ...CONNECTION_SETS)).exitCode).toBe(0);
    const connection = parse(readFileSync(join(dir, 'bb.yaml'), 'utf8')).connections[0];
    expect(connection).toMatchObject({
      assumeRoleFlag: false,
      assumeRoleArn: [],
      stsCredsExpirationTime: '1h',
    });
    expect(connection.externalId).toBeUndefined();
  });

  it('names every missing required key, exits 2 and writes nothing', async () => {
    const dir = workDir();
    const result = await init(
      dir,
      '--non-interactive',
      '--set',
      'connection.name=acme',
      '--set',
      'connection.assumeRoleFlag=true',
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      [
        'bucketbridge: init needs values for vendor.accountId, connection.accountId, connection.source.bucket, connection.destination.bucket, connection.assumeRoleArn (nothing was written):',
        "  --set vendor.accountId=…   the vendor's (your) 12-digit AWS account ID (required)",
        "  --set connection.accountId=…   the customer's AWS account ID (required for a connection)",
        '  --set connection.source.bucket=…   source bucket (required for a connection)',
        '  --set connection.destination.bucket=…   destination bucket (required for a connection)',
        '  --set connection.assumeRoleArn=…   role ARN(s) assumed in order (required when assumeRoleFlag is true)',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(dir, 'bb.yaml'))).toBe(false);
  });

  it('never waits for input without a terminal, even without --non-interactive', async () => {
    const dir = workDir();
    const result = await runCli(['init', '--config', 'bb.yaml'], {
      cwd: dir,
      env: CLEAN_ENV,
      timeoutMs: 20_000,
    });
    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'bucketbridge: init needs a value for vendor.accountId (nothing was written):',
    );
  });

  it('explains bad values by their --set key, with the same messages as config validate', async () => {
    const dir = workDir();
    const result = await init(
      dir,
      '--non-interactive',
      ...CONNECTION_SETS,
      '--set',
      'connection.assumeRoleFlag=true',
      '--set',
      'connection.assumeRoleArn=arn:aws:iam::222222222222:user/alice',
      '--set',
      'connection.stsCredsExpirationTime=13h',
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      [
        'bucketbridge: --set: connection.assumeRoleArn[0]: expected an IAM role ARN such as arn:aws:iam::222222222222:role/BucketBridgeAccessRole, found "arn:aws:iam::222222222222:user/alice" (resource `user/alice` is not a role: it must be role/NAME (letters, digits and +=,.@_-/))',
        '--set: connection.stsCredsExpirationTime: expected a duration from 15m to 12h, found "13h"',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(dir, 'bb.yaml'))).toBe(false);
  });

  it('rejects an unknown --set key with a suggestion', async () => {
    const result = await init(workDir(), '--non-interactive', '--set', 'connection.sourceBucket=x');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'bucketbridge: --set connection.sourceBucket: unknown key (did you mean `connection.source.bucket`?)\n',
    );
  });

  it('never overwrites an existing file without --force', async () => {
    const dir = workDir();
    writeFileSync(join(dir, 'bb.yaml'), 'mine\n');
    const refused = await init(dir, '--non-interactive', '--set', 'vendor.accountId=111111111111');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      'bucketbridge: bb.yaml already exists; nothing was written. Pass --force to overwrite it.\n',
    );
    expect(readFileSync(join(dir, 'bb.yaml'), 'utf8')).toBe('mine\n');

    const forced = await init(dir, '--non-interactive', '--force', '--set', 'vendor.accountId=111111111111');
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'bb.yaml'), 'utf8')).toContain('accountId: "111111111111"');
  });

  it('ends at once with exit code 2 when the folder for --config cannot be created', async () => {
    const result = await runCli(
      [
        'init',
        '--config',
        '/proc/nope/bb.yaml',
        '--non-interactive',
        '--set',
        'vendor.accountId=111111111111',
      ],
      { env: CLEAN_ENV, timeoutMs: 20_000 },
    );
    expect(result.stderr).toBe(
      'bucketbridge: /proc/nope/bb.yaml: cannot create the folder /proc/nope: ENOENT; nothing was written\n',
    );
    expect(result.exitCode).toBe(2);
  });
});
