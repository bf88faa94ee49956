/**
 * The rotation flags as a user types them: `onboard --rotate-external-id` / `--retire-external-id`
 * (the JSON summary, exit 2 for bad usage) and `verify --retired-external-id` refusing IDs that
 * are not retired, before any AWS call.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCli } from '../helpers/run-cli.js';

const OLD_ID = 'bb-3f9c2a71d0e84b5c';
const CONFIG = `version: 2
vendor:
  accountId: "111111111111"
  principals: ["arn:aws:iam::111111111111:root"]
aws:
  region: us-east-1
connections:
  - name: acme
    accountId: "222222222222"
    assumeRoleFlag: true
    assumeRoleArn: ["arn:aws:iam::222222222222:role/BucketBridgeAccessRole"]
    externalId: "${OLD_ID}"
    source: { bucket: acme-src, prefix: "in/" }
    destination: { bucket: acme-dst, prefix: "out/" }
  - name: other
    accountId: "333333333333"
    source: { bucket: other-src }
    destination: { bucket: other-dst }
`;

interface Summary {
  externalId: string;
  previousExternalIds: string[];
  retiredExternalIds: string[];
}

let folder: string;
let configPath: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'bb-rotation-cli-'));
  configPath = join(folder, 'bucketbridge.yaml');
  await writeFile(configPath, CONFIG);
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli([...args, '--config', configPath], { timeoutMs: 20_000 });
const onboard = (...flags: string[]) =>
  cli('onboard', '--connection', 'acme', '--out', join(folder, 'out'), '--json', ...flags);

describe('bucketbridge onboard --rotate-external-id, then --retire-external-id', () => {
  it('says what it did in the JSON summary and the configuration', async () => {
    const rotated = await onboard('--rotate-external-id');
    expect(rotated.exitCode, rotated.stderr).toBe(0);
    const summary = JSON.parse(rotated.stdout) as Summary;
    expect(summary.externalId).toMatch(/^bucketbridge-[0-9a-f-]{36}$/);
    expect([summary.previousExternalIds, summary.retiredExternalIds]).toEqual([[OLD_ID], []]);
    expect(rotated.stderr).toContain(`external ID rotated to ${summary.externalId}`);
    const connection = YAML.parse(await readFile(configPath, 'utf8')).connections[0];
    expect([connection.externalId, connection.previousExternalIds]).toEqual([summary.externalId, [OLD_ID]]);

    const retired = await onboard('--retire-external-id');
    expect(retired.exitCode, retired.stderr).toBe(0);
    expect(JSON.parse(retired.stdout)).toMatchObject({
      externalId: summary.externalId,
      previousExternalIds: [],
      retiredExternalIds: [OLD_ID],
    });
    expect(retired.stderr).toContain(`bucketbridge verify --connection acme --retired-external-id ${OLD_ID}`);
  });

  it('refuses both flags at once with exit 2 and changes nothing', async () => {
    const result = await onboard('--rotate-external-id', '--retire-external-id');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'bucketbridge: --rotate-external-id and --retire-external-id are two steps: rotate, let the customer apply, then retire\n',
    );
    expect(await readFile(configPath, 'utf8')).toBe(CONFIG);
  });
});

describe('bucketbridge verify --retired-external-id', () => {
  it.each([
    [
      'without --connection',
      ['--retired-external-id', 'bb-gone'],
      '--retired-external-id needs --connection NAME: a retired external ID belongs to one connection',
    ],
    [
      'naming the current external ID',
      ['--connection', 'acme', '--retired-external-id', OLD_ID],
      `--retired-external-id ${OLD_ID}: that is connection "acme"'s current externalId, which it must accept`,
    ],
  ])('%s: exit 2 before any AWS call', async (_, args, message) => {
    const result = await cli('verify', ...args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`bucketbridge: ${message}\n`);
  });

  it('naming an ID still in previousExternalIds: exit 2, retire it first', async () => {
    expect((await onboard('--rotate-external-id')).exitCode).toBe(0);
    const result = await cli('verify', '--connection', 'acme', '--retired-external-id', OLD_ID);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `bucketbridge: --retired-external-id ${OLD_ID}: connection "acme" still lists it in previousExternalIds; retire it first with bucketbridge onboard --connection acme --retire-external-id\n`,
    );
  });
});
