/**
 * External-ID rotation end to end on the sandbox, whose STS evaluates the trust policy's
 * `sts:ExternalId` condition: `onboard --rotate-external-id --apply` makes the role accept the old
 * and the new ID (the AWS CLI assumes it with each), a batch runs during the overlap, `verify` warns
 * that the old one is still trusted; `--retire-external-id --apply` makes the old one refused
 * (AccessDenied) and `verify --retired-external-id` proves it. Between a rotation and the
 * customer applying it, workers fall back to the old ID and warn, so nothing stops; the README's
 * by-hand command applies it. Through CloudFormation, the README's stack updates (AWS CLI v1)
 * accept both IDs, then only the new one.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runBatchJob } from '../../../src/batch/batch-job.js';
import { loadConfig } from '../../../src/config/index.js';
import { createLogger } from '../../../src/observe/logger.js';
import { onboard } from '../../../src/onboarding/onboard.js';
import type { OnboardingContext } from '../../../src/onboarding/onboarding-context.js';
import {
  type OnboardedSetup,
  onboardingConfigInput,
  onboardOnSandbox,
  vendorCredentials,
} from '../../helpers/customer-setup.js';
import { checkStatuses, findCheck, replaceTrustPolicy, verifySetup } from '../../helpers/onboarding.js';
import { useTestSandbox } from '../../helpers/sandbox.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';
import { runAwsCli, runProcess } from '../../helpers/witnesses.js';

const FALLBACK_WARNING =
  'AssumeRole with the current externalId was refused: the customer has not applied the rotated trust policy yet; using previousExternalIds until they do';

const sandbox = useTestSandbox();
const dir = useTempFolder('bb-rotation-');

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
function assumeWithCli(context: OnboardingContext, externalId: string) {
  return runAwsCli(
    'v2',
    [
      'sts',
      'assume-role',
      '--role-arn',
      context.roleArn,
      '--role-session-name',
      'witness',
      '--external-id',
      externalId,
    ],
    sandbox,
    'vendor',
  );
}

async function expectAccepted(context: OnboardingContext, externalId: string): Promise<void> {
  const result = await assumeWithCli(context, externalId);
  expect(result.exitCode, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout).AssumedRoleUser.Arn).toBe(
    `arn:aws:sts::${context.accountId}:assumed-role/${context.roleName}/witness`,
  );
}

async function expectRefused(context: OnboardingContext, externalId: string): Promise<void> {
  const result = await assumeWithCli(context, externalId);
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRole operation');
}

/** The ```bash blocks of the README section whose heading starts with `heading`. */
function readmeBlocks(readme: string, heading: string): string[] {
  const section = readme.split(/\n(?=## )/).find((s) => s.startsWith(`## ${heading}`)) ?? '';
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Runs a README block as the customer pastes it (AWS CLI v1 on PATH, their administrator's keys). */
async function runReadmeBlock(block: string, cwd: string): Promise<void> {
  const result = await runProcess('bash', ['-e', '-o', 'pipefail', '-c', block], {
    cwd,
    env: sandbox.env('customer'),
  });
  expect(result.exitCode, `${block}\n${result.stderr}`).toBe(0);
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

// Each case runs several onboarding applies, verifies and batches (the stack case three AWS CLI
// deploys, each waiting on change-set polls): minutes on a loaded machine, not the default 60 s.
describe('external-ID rotation through --apply', { timeout: 240_000 }, () => {
  it('both IDs work during the overlap, the old one is refused after retirement, and verify says which', async () => {
    const setup = await onboardOnSandbox(sandbox);
    const configPath = await configFile(setup, 'applied');
    const oldId = setup.connection.externalId!;
    const say = () => undefined;

    // A dry run shows the trust policy change and writes nothing: no file, no AWS change.
    const before = await readFile(configPath, 'utf8');
    const dry = await onboard({
      configPath,
      connectionName: 'acme',
      apply: true,
      dryRun: true,
      rotateExternalId: true,
      clients: setup.clients,
      env: {},
      say,
    });
    expect(dry.applied?.changes.filter((c) => c.kind !== 'unchanged').map((c) => c.resource)).toEqual([
      `IAM role ${setup.context.roleName} trust policy`,
    ]);
    expect(await readFile(configPath, 'utf8')).toBe(before);
    await expectRefused(setup.context, dry.context.externalId);

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
    await expectAccepted(setup.context, oldId);
    await expectAccepted(setup.context, newId);

    const overlap = await batch(configPath);
    expect(overlap.report).toMatchObject({ processed: 1, failed: 0 });
    expect(overlap.warnings).toEqual([]);

    const overlapSetup = await reloaded(setup, configPath);
    const during = await verifySetup(sandbox, overlapSetup);
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
    await expectRefused(setup.context, oldId);
    await expectAccepted(setup.context, newId);

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

    // A configuration that still lists the old ID after the customer dropped it: verify says so.
    const stale = findCheck(await verifySetup(sandbox, overlapSetup), 'role.previous-external-ids');
    expect(stale).toMatchObject({
      status: 'warn',
      detail: `role ${setup.context.roleArn} refuses the previous external ID ${oldId}: the trust policy no longer names it`,
    });
    expect(stale.remediation).toMatch(
      /^If role\.assume passes, the customer already trusts only the current externalId/,
    );

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

describe('between the rotation and the customer applying it', { timeout: 240_000 }, () => {
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
    await expectRefused(setup.context, newId);
    await expectAccepted(setup.context, oldId);

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

    // The customer applies the files by hand, as the README's rotation section says: the new ID
    // works, and workers use it without a warning.
    const byHand = readmeBlocks(
      await readFile(join(dir, 'pending-files', 'README.md'), 'utf8'),
      'External ID rotation in progress',
    );
    expect(byHand[0]).toMatch(/^aws iam update-assume-role-policy /);
    await runReadmeBlock(byHand[0]!, join(dir, 'pending-files'));
    await expectAccepted(setup.context, newId);
    expect(checkStatuses(await verifySetup(sandbox, await reloaded(setup, configPath)))['role.assume']).toBe(
      'pass',
    );
    expect((await batch(configPath)).warnings).toEqual([]);
  });
});

describe('external-ID rotation through CloudFormation, as the README says', { timeout: 240_000 }, () => {
  it('a stack update accepts both IDs, the next one only the new ID', async () => {
    const configInput = onboardingConfigInput(sandbox);
    const configPath = join(dir, 'stack.yaml');
    await writeFile(configPath, stringify(configInput));
    const files = join(dir, 'stack-files');
    const write = (flags: { rotateExternalId?: boolean; retireExternalId?: boolean }) =>
      onboard({ configPath, connectionName: 'acme', outDir: files, env: {}, say: () => undefined, ...flags });
    const readme = async () => readFile(join(files, 'README.md'), 'utf8');

    const first = await write({});
    const oldId = first.context.externalId;
    await runReadmeBlock(readmeBlocks(await readme(), 'Step 1, option A')[0]!, files);
    await expectAccepted(first.context, oldId);

    const rotated = await write({ rotateExternalId: true });
    const newId = rotated.context.externalId;
    const rotateBlocks = readmeBlocks(await readme(), 'External ID rotation in progress');
    expect(rotateBlocks[1]).toContain(
      `--parameter-overrides ExternalId=${newId} PreviousExternalId1=${oldId}`,
    );
    await runReadmeBlock(rotateBlocks[1]!, files);
    await expectAccepted(rotated.context, oldId);
    await expectAccepted(rotated.context, newId);

    const retired = await write({ retireExternalId: true });
    const retireBlocks = readmeBlocks(await readme(), 'When we rotate the external ID');
    expect(retireBlocks[1]).toContain(`--parameter-overrides ExternalId=${newId}\n`);
    await runReadmeBlock(retireBlocks[1]!, files);
    await expectRefused(retired.context, oldId);
    await expectAccepted(retired.context, newId);
  });
});
