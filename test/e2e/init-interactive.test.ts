import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KEYS, type PtySession, spawnCliInPty } from '../helpers/pty.js';
import { CLEAN_ENV, runCli } from '../helpers/run-cli.js';

let session: PtySession | undefined;
afterEach(() => session?.kill());

function start(dir: string, ...args: string[]): PtySession {
  session = spawnCliInPty(['init', '--config', 'bb.yaml', ...args], { cwd: dir, env: CLEAN_ENV });
  return session;
}

async function answer(s: PtySession, prompt: string, text: string): Promise<void> {
  await s.waitFor(prompt);
  s.write(`${text}${KEYS.enter}`);
}

/** The questions before the AssumeRole one; the processor is picked by moving down the list. */
async function answerBasics(s: PtySession): Promise<void> {
  await answer(s, 'Vendor (your) AWS account ID:', '111111111111');
  await answer(s, 'AWS region:', ''); // Enter keeps the default, us-east-1
  await answer(s, 'Connection name (one customer integration):', 'acme');
  await answer(s, "Customer's AWS account ID:", '222222222222');
  await answer(s, "Customer's region (their buckets and topic): (us-east-1)", 'eu-west-2');
  await answer(s, 'Source bucket:', 'acme-src');
  await answer(s, 'Source prefix (empty for the whole bucket):', 'incoming/');
  await answer(s, 'Destination bucket:', 'acme-dst');
  await answer(s, 'Destination prefix (empty for none):', '');
  await answer(s, 'Workflow:', ''); // the first choice, batch
  await answer(s, 'Processor:', KEYS.down); // copy, then gzip
}

describe('init on a terminal', () => {
  it('answering No to AssumeRole writes a connection on the default credential chain, without asking for roles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-init-tty-'));
    const s = start(dir);
    await answerBasics(s);
    await answer(s, 'Use STS AssumeRole for cross-account access? (y/N)', ''); // the default, No
    expect(await s.exit()).toBe(0);
    expect(s.output()).not.toContain('Role ARN');
    expect(s.output()).toContain('Wrote bb.yaml.');
    const connection = parse(readFileSync(join(dir, 'bb.yaml'), 'utf8')).connections[0];
    expect(connection).toMatchObject({
      name: 'acme',
      region: 'eu-west-2',
      assumeRoleFlag: false,
      assumeRoleArn: [],
      source: { bucket: 'acme-src', prefix: 'incoming/' },
      destination: { bucket: 'acme-dst', prefix: '' },
      workflow: 'batch',
      processor: { type: 'gzip' },
    });
    expect(connection.externalId).toBeUndefined();
    const validate = await runCli(['config', 'validate', '--config', 'bb.yaml'], {
      cwd: dir,
      env: CLEAN_ENV,
    });
    expect(validate.exitCode).toBe(0);
  });

  it('answering Yes asks for the roles, explains a bad ARN and asks again, offers an external ID and a duration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-init-tty-'));
    const s = start(dir);
    await answerBasics(s);
    await answer(s, 'Use STS AssumeRole for cross-account access? (y/N)', 'y');

    const badArn = 'arn:aws:s3:::acme-src';
    await answer(s, 'Role ARN(s) to assume, in order (comma separated):', badArn);
    await s.waitFor(
      '> entry 1: expected an IAM role ARN such as arn:aws:iam::222222222222:role/BucketBridgeAccessRole, found "arn:aws:s3:::acme-src" (service `s3` is not `iam`: roles and principals are IAM resources)',
    );
    // The prompt keeps the rejected text for editing: erase it, then give a good one.
    s.write(KEYS.backspace.repeat(badArn.length));
    s.write(`arn:aws:iam::222222222222:role/BucketBridgeAccessRole${KEYS.enter}`);

    await s.waitFor(
      /External ID \(the trust policy requires it; Enter accepts a fresh one\): \(bb-[0-9a-f]{16}\)/,
    );
    s.write(KEYS.enter);

    await answer(s, 'Session duration (15m..12h): (1h)', '13h');
    await s.waitFor('expected a duration from 15m to 12h, found "13h"');
    s.write(`${KEYS.backspace.repeat(3)}90m${KEYS.enter}`);

    expect(await s.exit()).toBe(0);
    const connection = parse(readFileSync(join(dir, 'bb.yaml'), 'utf8')).connections[0];
    expect(connection).toMatchObject({
      assumeRoleFlag: true,
      assumeRoleArn: ['arn:aws:iam::222222222222:role/BucketBridgeAccessRole'],
      sessionName: 'bucketbridge-acme',
      stsCredsExpirationTime: '90m',
    });
    // The offered external ID is the one written.
    const offered = /\((bb-[0-9a-f]{16})\)/.exec(s.output())![1];
    expect(connection.externalId).toBe(offered);
    const validate = await runCli(['config', 'validate', '--config', 'bb.yaml'], {
      cwd: dir,
      env: CLEAN_ENV,
    });
    expect(validate.exitCode).toBe(0);
  });

  it('refuses to overwrite an existing file before asking anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-init-tty-'));
    writeFileSync(join(dir, 'bb.yaml'), 'mine\n');
    const s = start(dir);
    expect(await s.exit()).toBe(2);
    expect(s.output()).toContain(
      'bucketbridge: bb.yaml already exists; nothing was written. Pass --force to overwrite it.',
    );
    expect(s.output()).not.toContain('Vendor');
    expect(readFileSync(join(dir, 'bb.yaml'), 'utf8')).toBe('mine\n');
  });

  it('skips questions answered with --set and stops cleanly on Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-init-tty-'));
    const s = start(dir, '--set', 'vendor.accountId=111111111111');
    await s.waitFor('AWS region:');
    expect(s.output()).not.toContain('Vendor (your) AWS account ID');
    s.write(KEYS.ctrlC);
    expect(await s.exit()).toBe(2);
    expect(s.output()).toContain('bucketbridge: init cancelled; nothing was written.');
  });
});
