/**
 * `bucketbridge onboard`: writes what the customer needs to grant a connection access, and with
 * `--apply` creates it in their account. Flags only; the work is lazy-imported in the action so
 * `--help` stays fast.
 */
import type { Command } from 'commander';

const CONFIG_FLAG_HELP = 'configuration file (default: $BUCKETBRIDGE_CONFIG, else ./bucketbridge.yaml)';

interface OnboardFlags {
  config?: string;
  connection: string;
  out?: string;
  apply?: boolean;
  dryRun?: boolean;
  rotateExternalId?: boolean;
  retireExternalId?: boolean;
  json?: boolean;
}

export function registerOnboardCommand(program: Command): void {
  program
    .command('onboard')
    .description(
      "write the customer onboarding files for one connection: trust and permissions policies, bucket policy statements, topic policy and notification (live), a CloudFormation template, a Terraform file and a README; a connection without externalId gets a new one written into the configuration. With --apply (run with the customer administrator's credentials) also create the role, its policy and the topic, and MERGE the bucket policy statements and the notification into what the buckets have, showing the diff",
    )
    .option('-c, --config <file>', CONFIG_FLAG_HELP)
    .requiredOption('--connection <name>', 'the connection to onboard')
    .option(
      '--out <dir>',
      'folder to write the files to (created when missing; files there are replaced); required unless --apply',
    )
    .option(
      '--apply',
      "create and merge everything in the customer's account (default AWS credential chain: the customer's administrator)",
    )
    .option('--dry-run', 'with --apply: show every change as a diff and write nothing')
    .option(
      '--rotate-external-id',
      'rotate the external ID with no downtime: a new externalId, the old one kept in previousExternalIds (written into the configuration); the trust policy written or applied accepts both, and workers fall back to the old one until the customer has applied it',
    )
    .option(
      '--retire-external-id',
      'after a rotation has been applied: remove previousExternalIds from the configuration; the trust policy written or applied accepts only the current externalId (then check with verify --retired-external-id ID)',
    )
    .option(
      '--json',
      'print the result (files, role ARN, external ID, previous and retired external IDs, changes) as one JSON document on stdout',
    )
    .action(async (flags: OnboardFlags) => {
      const { resolveConfigPath } = await import('../../config/config-path.js');
      const { onboard } = await import('../../onboarding/onboard.js');
      const result = await onboard({
        configPath: resolveConfigPath(flags.config),
        connectionName: flags.connection,
        ...(flags.out !== undefined ? { outDir: flags.out } : {}),
        apply: flags.apply === true,
        dryRun: flags.dryRun === true,
        rotateExternalId: flags.rotateExternalId === true,
        retireExternalId: flags.retireExternalId === true,
      });
      const { context } = result;
      if (result.files.length > 0) {
        process.stderr.write(
          `Wrote ${result.files.length} files for connection "${context.connectionName}" to ${flags.out}:\n` +
            result.files.map((f) => `  ${f}\n`).join('') +
            `Send ${flags.out}/README.md to the customer: role ${context.roleArn}, external ID ${context.externalId}.\n`,
        );
      }
      if (flags.json) {
        const summary = {
          connection: context.connectionName,
          ...(flags.out !== undefined ? { outDir: flags.out } : {}),
          files: result.files,
          roleArn: context.roleArn,
          externalId: context.externalId,
          externalIdGenerated: result.externalIdGenerated,
          previousExternalIds: context.previousExternalIds,
          retiredExternalIds: result.retiredExternalIds,
          ...(context.live?.mode === 'sns' ? { topicArn: context.live.topicArn } : {}),
          ...(result.applied
            ? {
                dryRun: flags.dryRun === true,
                changes: result.applied.changes.map((c) => ({ resource: c.resource, kind: c.kind })),
              }
            : {}),
        };
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      }
    });
}
