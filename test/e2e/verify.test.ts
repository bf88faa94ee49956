/**
 * `bucketbridge verify` as a user runs it: the built CLI, the vendor's keys in the environment, a
 * configuration file pointing at the sandbox. Pins the `--json` document and the exit codes:
 * 0 when every check passes, 1 when one fails, 2 for an unknown connection.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { Connection } from '../../src/config/resolved-config.js';
import { type OnboardedSetup, onboardOnSandbox } from '../helpers/customer-setup.js';
import { runCli } from '../helpers/run-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let sandbox: TestSandbox;
let folder: string;
let setup: OnboardedSetup;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  folder = await mkdtemp(join(tmpdir(), 'bb-verify-cli-'));
  setup = await onboardOnSandbox(sandbox);
});
afterAll(async () => {
  await sandbox.close();
  await rm(folder, { recursive: true, force: true });
});

/** Writes a configuration file with the onboarded connection (changed by `edit`) and returns its path. */
async function configFile(name: string, edit: Partial<Connection> = {}): Promise<string> {
  const c = { ...setup.connection, ...edit };
  const document = {
    version: 2,
    vendor: setup.config.vendor,
    aws: { region: sandbox.region, endpoint: sandbox.endpoint, maxAttempts: 1 },
    connections: [
      {
        name: c.name,
        accountId: c.accountId,
        assumeRoleFlag: c.assumeRoleFlag,
        assumeRoleArn: c.assumeRoleArn,
        externalId: c.externalId,
        source: { bucket: c.source.bucket, prefix: c.source.prefix },
        destination: { bucket: c.destination.bucket, prefix: c.destination.prefix },
        onboarding: { roleName: c.onboarding.roleName },
      },
    ],
  };
  const path = join(folder, `${name}.yaml`);
  await writeFile(path, YAML.stringify(document));
  return path;
}

const verify = (...args: string[]) => runCli(['verify', ...args], { env: sandbox.env('vendor') });

interface VerifyJson {
  connections: {
    name: string;
    processingRegion: string | null;
    checks: { id: string; status: string; detail: string; remediation: string }[];
  }[];
  ok: boolean;
}

const CHECK_IDS = [
  'role.assume',
  'role.external-id-enforced',
  'role.duration',
  'identity',
  'buckets.region',
  'source.list',
  'source.read',
  'source.encryption',
  'destination.write',
  'destination.acl',
  'notification.config',
  'topic.policy',
  'subscription.state',
];

describe('bucketbridge verify', () => {
  it('exits 0 with one JSON document on stdout and the table on stderr when every check passes', async () => {
    const result = await verify('--config', await configFile('good'), '--json');
    expect(result.exitCode, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as VerifyJson;
    expect(Object.keys(json)).toEqual(['connections', 'ok']);
    expect(json.ok).toBe(true);
    expect(json.connections.map((c) => [c.name, c.processingRegion])).toEqual([['acme', sandbox.region]]);
    const checks = json.connections[0]!.checks;
    expect(checks.map((c) => c.id)).toEqual(CHECK_IDS);
    for (const check of checks) expect(Object.keys(check)).toEqual(['id', 'status', 'detail', 'remediation']);
    expect(checks.filter((c) => c.status !== 'pass').map((c) => `${c.id} ${c.status}`)).toEqual([
      'notification.config skip',
      'topic.policy skip',
      'subscription.state skip',
    ]);
    expect(result.stderr).toContain(`connection acme (processed in ${sandbox.region})`);
    expect(result.stderr).toMatch(/^ {2}PASS {2}role\.assume {16}assumed arn:aws:iam::/m);
    expect(result.stderr).toContain('10 passed, 0 failed, 0 warnings, 3 skipped');
    expect(result.stderr.trimEnd().endsWith('verify: every check passed')).toBe(true);
  });

  it('without --json prints nothing on stdout', async () => {
    const result = await verify('--config', await configFile('quiet'), '--connection', 'acme');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('exits 1 when a check fails, naming the failed check, and still prints the whole document', async () => {
    const result = await verify(
      '--config',
      await configFile('wrong-id', { externalId: 'not-the-customers-id' }),
      '--json',
    );
    expect(result.exitCode).toBe(1);
    const json = JSON.parse(result.stdout) as VerifyJson;
    expect(json.ok).toBe(false);
    expect(json.connections[0]!.processingRegion).toBeNull();
    expect(json.connections[0]!.checks.find((c) => c.id === 'role.assume')!.status).toBe('fail');
    expect(result.stderr).toMatch(/^ {2}FAIL {2}role\.assume +Cannot assume role /m);
    expect(result.stderr).toMatch(/ {2}fix: In the trust policy of arn:aws:iam::/);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
      'bucketbridge: verify: 1 check failed (acme: role.assume)',
    );
  });

  it('exits 2 with the exact message for an unknown connection', async () => {
    const result = await verify('--config', await configFile('unknown'), '--connection', 'nope', '--json');
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('bucketbridge: no connection named "nope": known connections: acme\n');
  });
});
