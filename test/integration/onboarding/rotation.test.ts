/**
 * External-ID rotation end to end on the sandbox, whose STS evaluates the trust policy's
 * `sts:ExternalId` condition: `onboard --rotate-external-id --apply` makes the role accept the old
 * and the new ID (the AWS CLI assumes it with each), a batch runs during the overlap, `verify` warns
 * that the old one is still trusted; `--retire-external-id --apply` makes the old one refused
 * (AccessDenied) and `verify --retired-external-id` proves it. Between a rotation and the
 * customer applying it, workers fall back to the old ID and warn, so nothing stops.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runBatchJob } from '../../../src/batch/batch-job.js';
import { loadConfig } from '../../../src/config/index.js';
import { createLogger } from '../../../src/observe/logger.js';
import { onboard } from '../../../src/onboarding/onboard.js';
import {
  checkStatuses,
  findCheck,
  type OnboardedSetup,
  onboardOnSandbox,
  replaceTrustPolicy,
  vendorCredentials,
  verifySetup,
} from '../../helpers/onboarding.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { runAwsCli } from '../../helpers/witnesses.js';

const FALLBACK_WARNING =
  'AssumeRole with the current externalId was refused: the customer has not applied the rotated trust policy yet; using previousExternalIds until they do';

let sandbox: TestSandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startTestSandbox();
  dir = await mkdtemp(join(tmpdir(), 'bb-rotation-'));
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

/** The onboarded configuration as a file (with its own ledger), for the commands that read one. */
async function configFile(setup: OnboardedSetup, name: string): Promise<string> {
  const path = join(dir, `${name}.yaml`);
  await writeFile(path, stringify({ ...setup.configInput, ledger: `sqlite:./${name}-ledger.db` }));
  return path;
}

/** The setup as the configuration file now says (after onboard rewrote it). */
async function reloaded(setup: OnboardedSetup, configPath: string): Promise<OnboardedSetup> {
  const { config } = await loadConfig(configPath, { env: {} });
  return { ...setup, config, connection: config.connections[0]! };
}

/** The AWS CLI v2, as the vendor, assuming the customer's role with an external ID. */
function assumeWithCli(setup: OnboardedSetup, externalId: string) {
  return runAwsCli(
    'v2',
    [
      'sts',
      'assume-role',
      '--role-arn',
      setup.context.roleArn,
      '--role-session-name',
      'witness',
      '--external-id',
      externalId,
    ],
    sandbox,
    'vendor',
  );
}

async function expectAccepted(setup: OnboardedSetup, externalId: string): Promise<void> {
  const result = await assumeWithCli(setup, externalId);
  expect(result.exitCode, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout).AssumedRoleUser.Arn).toBe(
    `arn:aws:sts::${setup.context.accountId}:assumed-role/${setup.context.roleName}/witness`,
  );
}

async function expectRefused(setup: OnboardedSetup, externalId: string): Promise<void> {
  const result = await assumeWithCli(setup, externalId);
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRole operation');
}

/** A batch of the connection in `configPath`, with the warnings it logs. */
async function batch(configPath: string) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'warn', pretty: false, destination: { write: (l) => lines.push(l) } });
  const report = await runBatchJob({
    configPath,
    connectionName: 'acme',
    vendorCredentials: vendorCredentials(sandbox),
    env: {},
    logger,
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
  });
  const warnings = lines.map((l) => JSON.parse(l) as { msg: string }).map((l) => l.msg);
  return { report, warnings };
}

describe('external-ID rotation through --apply', () => {
  it('both IDs work during the overlap, the old one is refused after retirement, and verify says which', async () => {
    const setup = await onboardOnSandbox(sandbox);
    const configPath = await configFile(setup, 'applied');
    const oldId = setup.connection.externalId!;
    const say = () => undefined;

    const rotated = await onboard({
      configPath,
      connectionName: 'acme',
      apply: true,
      rotateExternalId: true,
      clients: setup.clients,
      env: {},
      say,
    });
    const newId = rotated.context.externalId;
    expect(newId).not.toBe(oldId);
    expect(rotated.context.previousExternalIds).toEqual([oldId]);
    expect(rotated.applied?.changes.map((c) => `${c.kind} ${c.resource}`)).toContain(
      `update IAM role ${setup.context.roleName} trust policy`,
    );
    await expectAccepted(setup, oldId);
    await expectAccepted(setup, newId);

    const overlap = await batch(configPath);
    expect(overlap.report).toMatchObject({ processed: 1, failed: 0 });
    expect(overlap.warnings).toEqual([]);

    const during = await verifySetup(sandbox, await reloaded(setup, configPath));
    expect(checkStatuses(during)).toMatchObject({
      'role.assume': 'pass',
      'role.external-id-enforced': 'pass',
      'role.previous-external-ids': 'warn',
    });
    expect(findCheck(during, 'role.previous-external-ids').detail).toBe(
      `role ${setup.context.roleArn} still trusts the previous external ID ${oldId} (the rotation's overlap)`,
    );
    expect(findCheck(during, 'role.previous-external-ids').remediation).toContain(
      'run bucketbridge onboard --connection acme --retire-external-id',
    );
    expect(during.ok).toBe(true);

    const retired = await onboard({
      configPath,
      connectionName: 'acme',
      apply: true,
      retireExternalId: true,
      clients: setup.clients,
      env: {},
      say,
    });
    expect(retired.retiredExternalIds).toEqual([oldId]);
    expect(parse(await readFile(configPath, 'utf8')).connections[0]).not.toHaveProperty(
      'previousExternalIds',
    );
    await expectRefused(setup, oldId);
    await expectAccepted(setup, newId);

    const after = await reloaded(setup, configPath);
    const report = await verifySetup(sandbox, after, { retiredExternalIds: [oldId] });
    expect(checkStatuses(report)).toMatchObject({
      'role.assume': 'pass',
      'role.retired-external-ids': 'pass',
    });
    expect(checkStatuses(report)['role.previous-external-ids']).toBeUndefined();
    expect(findCheck(report, 'role.retired-external-ids').detail).toBe(
      `role ${setup.context.roleArn} refuses the retired external ID ${oldId}`,
    );
    expect(report.ok).toBe(true);
    expect((await batch(configPath)).report).toMatchObject({ failed: 0 });

    // A customer who puts the old ID back into the trust policy is caught.
    await replaceTrustPolicy(
      setup,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: setup.context.vendorPrincipals },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'sts:ExternalId': [newId, oldId] } },
          },
        ],
      }),
    );
    const reopened = await verifySetup(sandbox, after, { retiredExternalIds: [oldId] });
    expect(findCheck(reopened, 'role.retired-external-ids')).toMatchObject({
      status: 'fail',
      detail: `role ${setup.context.roleArn} still accepts the retired external ID ${oldId}`,
    });
    expect(reopened.ok).toBe(false);
  });
});

describe('between the rotation and the customer applying it', () => {
  it('the new ID is refused, workers fall back to the old one with a warning, and verify says which works', async () => {
    const setup = await onboardOnSandbox(sandbox);
    const configPath = await configFile(setup, 'pending');
    const oldId = setup.connection.externalId!;
    const rotated = await onboard({
      configPath,
      connectionName: 'acme',
      outDir: join(dir, 'pending-files'),
      rotateExternalId: true,
      env: {},
      say: () => undefined,
    });
    const newId = rotated.context.externalId;
    await expectRefused(setup, newId);
    await expectAccepted(setup, oldId);

    const pending = await batch(configPath);
    expect(pending.report).toMatchObject({ processed: 1, failed: 0 });
    expect(pending.warnings).toContain(FALLBACK_WARNING);

    const report = await verifySetup(sandbox, await reloaded(setup, configPath));
    expect(checkStatuses(report)).toMatchObject({
      'role.assume': 'fail',
      'role.previous-external-ids': 'warn',
    });
    expect(findCheck(report, 'role.assume').remediation).toMatch(
      /^An external-ID rotation is in progress \(previousExternalIds\): the customer has not applied the trust policy that accepts the new externalId yet/,
    );
    expect(findCheck(report, 'role.previous-external-ids').detail).toBe(
      `role ${setup.context.roleArn} still trusts the previous external ID ${oldId} (the rotation's overlap)`,
    );

    // The customer applies the files: the new ID works, and workers use it without a warning.
    await onboard({
      configPath,
      connectionName: 'acme',
      apply: true,
      clients: setup.clients,
      env: {},
      say: () => undefined,
    });
    await expectAccepted(setup, newId);
    expect(checkStatuses(await verifySetup(sandbox, await reloaded(setup, configPath)))['role.assume']).toBe(
      'pass',
    );
    expect((await batch(configPath)).warnings).toEqual([]);
  });
});
