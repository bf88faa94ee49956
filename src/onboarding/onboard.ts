/**
 * `bucketbridge onboard`: everything the customer needs to grant one connection access, written to a
 * folder: the policies as JSON, the CloudFormation template, the Terraform file and a README. A
 * connection without an external ID gets a new random one, written back into the configuration
 * first, so the files never name an ID the configuration does not hold. `rotateExternalId` and
 * `retireExternalId` change the ID in the file first too (rotate-external-id.ts).
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { findConnection, loadConfig } from '../config/index.js';
import type { Config, Connection } from '../config/resolved-config.js';
import { writeFileAtomic } from '../config/write-file-atomic.js';
import { ConfigError, UsageError, WorkFailedError } from '../errors/index.js';
import { MakeDirectoryError, makeDirectory } from '../fs/make-directory.js';
import type { ApplyResult } from './apply/apply-onboarding.js';
import type { ApplyClients } from './apply/plan-onboarding.js';
import { generateExternalId, writeExternalIdToConfig } from './external-id.js';
import {
  type OnboardingContext,
  OnboardingInputError,
  resolveOnboardingContext,
} from './onboarding-context.js';
import { buildBucketNotification } from './policies/bucket-notification.js';
import { buildDestinationBucketPolicy } from './policies/destination-bucket-policy.js';
import { buildEventKeyPolicy, buildKeyPolicy } from './policies/key-policy.js';
import { buildPermissionsPolicy } from './policies/permissions-policy.js';
import { toPolicyJson } from './policies/policy-document.js';
import { buildQueuePolicy } from './policies/queue-policy.js';
import { buildSourceBucketPolicy } from './policies/source-bucket-policy.js';
import { buildTopicPolicy } from './policies/topic-policy.js';
import { buildTrustPolicy } from './policies/trust-policy.js';
import { renderCloudFormation } from './render-cloudformation.js';
import { renderReadme } from './render-readme.js';
import { renderTerraform } from './render-terraform.js';
import { rotateOrRetire } from './rotate-external-id.js';
import { processingRegionFor } from './verify/bucket-regions-check.js';

export interface OnboardOptions {
  /** The configuration file; an external ID generated for the connection is written back into it. */
  configPath: string;
  /** The connection to onboard. */
  connectionName: string;
  /**
   * Folder the files are written to; created when missing. Files already there are replaced.
   * Optional with `apply`; not written in a dry run.
   */
  outDir?: string;
  /** Also create and merge everything in the customer's account (their administrator's credentials). */
  apply?: boolean;
  /** With `apply`: show the changes, write nothing (no files, no configuration change). */
  dryRun?: boolean;
  /**
   * Rotate the external ID: a new one in `externalId`, the old one kept in `previousExternalIds`,
   * both trusted by the files written. Not with `retireExternalId`.
   */
  rotateExternalId?: boolean;
  /** Retire `previousExternalIds`: removed from the file; the trust policy names only `externalId`. */
  retireExternalId?: boolean;
  /** Clients for `apply` (default: built from the configuration's `aws` settings and the default credential chain). */
  clients?: ApplyClients;
  /** Environment for configuration overrides. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Receives one line for each thing the user must know (default: written to stderr). */
  say?: (line: string) => void;
}

export interface OnboardResult {
  context: OnboardingContext;
  /** Paths of the files written, in the order written. */
  files: string[];
  /** True when the connection had no external ID and a new one was generated (and, unless a dry run, saved). */
  externalIdGenerated: boolean;
  /** What `apply` changed (or, in a dry run, would change). */
  applied?: ApplyResult;
  /** The external IDs `retireExternalId` retired (for `verify --retired-external-id`). */
  retiredExternalIds: string[];
}

/** The documents for one connection, by file name (a contract: the names never change). */
export function renderOnboardingFiles(context: OnboardingContext): Map<string, string> {
  const files = new Map<string, string>([
    ['trust-policy.json', toPolicyJson(buildTrustPolicy(context))],
    ['permissions-policy.json', toPolicyJson(buildPermissionsPolicy(context))],
    ['source-bucket-policy.json', toPolicyJson(buildSourceBucketPolicy(context))],
    ['destination-bucket-policy.json', toPolicyJson(buildDestinationBucketPolicy(context))],
  ]);
  for (const side of ['source', 'destination'] as const) {
    const keyPolicy = buildKeyPolicy(context, side);
    if (keyPolicy !== undefined) files.set(`${side}-key-policy.json`, toPolicyJson(keyPolicy));
  }
  const eventKeyPolicy = buildEventKeyPolicy(context);
  if (eventKeyPolicy !== undefined) files.set('event-key-policy.json', toPolicyJson(eventKeyPolicy));
  const { live } = context;
  if (live?.mode === 'sns')
    files.set('topic-policy.json', toPolicyJson(buildTopicPolicy({ ...context, live })));
  if (live?.mode === 'sqs')
    files.set('queue-policy.json', toPolicyJson(buildQueuePolicy({ ...context, live })));
  const notification = buildBucketNotification(context);
  if (notification !== undefined) files.set('bucket-notification.json', toPolicyJson(notification));
  files.set('cloudformation.yaml', renderCloudFormation(context));
  files.set('main.tf.json', renderTerraform(context));
  files.set('README.md', renderReadme(context));
  return files;
}

/** Creates the output folder, or says plainly why it cannot be written to. */
async function prepareOutDir(outDir: string): Promise<void> {
  const existing = await stat(outDir).catch(() => undefined);
  if (existing !== undefined && !existing.isDirectory()) {
    throw new UsageError(
      `--out ${outDir}: is a file, not a folder; give a folder to write the onboarding files to`,
    );
  }
  try {
    makeDirectory(outDir);
  } catch (error) {
    if (!(error instanceof MakeDirectoryError)) throw error;
    const at = error.failedAt === resolve(outDir) ? '' : ` at ${error.failedAt}`;
    throw new UsageError(
      `--out ${outDir}: cannot create the folder (${error.code}${at}); give a folder you can write to`,
      { cause: error },
    );
  }
}

function contextFor(
  configPath: string,
  index: number,
  config: Parameters<typeof resolveOnboardingContext>[0],
  connection: Connection,
): OnboardingContext {
  try {
    return resolveOnboardingContext(config, connection);
  } catch (error) {
    if (!(error instanceof OnboardingInputError)) throw error;
    throw new ConfigError(
      [
        {
          file: configPath,
          path: `connections[${index}].${error.keyPath}`,
          expected: error.expected,
          ...(error.found !== undefined ? { found: error.found } : {}),
        },
      ],
      { cause: error },
    );
  }
}

/**
 * A warning when the workers would not assume the role onboarding creates: the last ARN of
 * `assumeRoleArn` is the role the connection's credentials end up in.
 */
export function roleMismatch(connection: Connection, context: OnboardingContext): string | undefined {
  const last = connection.assumeRoleArn.at(-1);
  if (connection.assumeRoleFlag && last === context.roleArn) return undefined;
  const fix = `set assumeRoleFlag: true and end assumeRoleArn with ${context.roleArn}`;
  if (last === undefined || !connection.assumeRoleFlag) {
    return `Warning: connection "${connection.name}" does not assume a role yet (assumeRoleFlag is ${connection.assumeRoleFlag}); once the customer has created it, ${fix}.`;
  }
  return `Warning: connection "${connection.name}" assumes ${last} (the last of assumeRoleArn) but onboarding creates ${context.roleArn}; ${fix}, or set onboarding.roleName to the role it assumes.`;
}

/**
 * The guide's processing-region rule, said at onboarding: a customer region outside
 * `processing.regions` is processed from `processing.defaultRegion`.
 */
export function processingRegionWarning(
  config: Pick<Config, 'processing'>,
  context: Pick<OnboardingContext, 'connectionName' | 'region'>,
): string | undefined {
  const where = processingRegionFor(context.region, config.processing);
  if (where.local) return undefined;
  return (
    `Note: connection "${context.connectionName}" is in ${context.region}, which is not among processing.regions ` +
    `(${config.processing.regions.join(', ')}): its objects are processed from defaultRegion ${where.region}, ` +
    'with added latency, inter-region transfer cost, and data leaving its region.'
  );
}

export async function onboard(options: OnboardOptions): Promise<OnboardResult> {
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (options.dryRun && !options.apply)
    throw new UsageError('--dry-run only applies to --apply; add --apply or drop --dry-run');
  if (options.outDir === undefined && !options.apply) {
    throw new UsageError(
      '--out DIR is required (the folder to write the onboarding files to), unless --apply is given',
    );
  }
  if (options.rotateExternalId && options.retireExternalId) {
    throw new UsageError(
      '--rotate-external-id and --retire-external-id are two steps: rotate, let the customer apply, then retire',
    );
  }
  const dryRun = options.dryRun === true;
  const outDir = dryRun ? undefined : options.outDir;
  const loaded = await loadConfig(options.configPath, options.env ? { env: options.env } : {});
  let connection = findConnection(loaded.config, options.connectionName);
  const index = loaded.config.connections.indexOf(connection);
  if (outDir !== undefined) await prepareOutDir(outDir);

  let retiredExternalIds: string[] = [];
  if (options.rotateExternalId || options.retireExternalId) {
    const rotation = await rotateOrRetire(connection, {
      configPath: options.configPath,
      step: options.rotateExternalId ? 'rotate' : 'retire',
      dryRun,
      say,
    });
    connection = rotation.connection;
    retiredExternalIds = rotation.retiredExternalIds;
  }
  let externalIdGenerated = false;
  if (connection.externalId === undefined) {
    const generated = generateExternalId();
    const externalId = dryRun
      ? generated
      : await writeExternalIdToConfig(options.configPath, connection.name, generated);
    connection = { ...connection, externalId };
    externalIdGenerated = true;
    say(
      dryRun
        ? `Connection "${connection.name}" has no externalId: this dry run shows ${externalId}; a real run generates one and writes it into ${options.configPath}.`
        : `Connection "${connection.name}" had no externalId: generated ${externalId} and wrote it into ${options.configPath}.`,
    );
  }
  const context = contextFor(options.configPath, index, loaded.config, connection);
  const mismatch = roleMismatch(connection, context);
  if (mismatch !== undefined) say(mismatch);
  const farAway = processingRegionWarning(loaded.config, context);
  if (farAway !== undefined) say(farAway);

  const written: string[] = [];
  if (outDir !== undefined) {
    for (const [name, text] of renderOnboardingFiles(context)) {
      const path = join(outDir, name);
      try {
        await writeFileAtomic(path, text);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
        throw new UsageError(
          `--out ${outDir}: cannot write ${name} (${code}); give a folder you can write to`,
          {
            cause: error,
          },
        );
      }
      written.push(path);
    }
  }
  const result: OnboardResult = { context, files: written, externalIdGenerated, retiredExternalIds };
  if (options.apply) {
    // Loaded only here: plain `onboard` never loads the AWS SDK.
    const { applyOnboarding } = await import('./apply/apply-onboarding.js');
    const { createApplyClients } = await import('./apply/apply-clients.js');
    const { ApplyStepError } = await import('./apply/plan-onboarding.js');
    const { NotificationOverlapError } = await import('./apply/merge-notification.js');
    const clients = options.clients ?? createApplyClients(loaded.config.aws, context);
    try {
      result.applied = await applyOnboarding(context, clients, {
        dryRun,
        say: (text) => say(text.replace(/\n$/, '')),
      });
    } catch (error) {
      if (error instanceof ApplyStepError || error instanceof NotificationOverlapError) {
        throw new WorkFailedError(error.message, { cause: error });
      }
      throw error;
    }
  }
  return result;
}
