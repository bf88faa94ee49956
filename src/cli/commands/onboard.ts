/**
 * `bucketbridge onboard`: writes what the customer needs to grant a connection access. Flags only;
 * the work is lazy-imported in the action so `--help` stays fast.
 */
import type { Command } from 'commander';

const CONFIG_FLAG_HELP = 'configuration file (default: $BUCKETBRIDGE_CONFIG, else ./bucketbridge.yaml)';

interface OnboardFlags {
  config?: string;
  connection: string;
  out: string;
  json?: boolean;
}

export function registerOnboardCommand(program: Command): void {
  program
    .command('onboard')
    .description(
      'write the customer onboarding files for one connection: trust and permissions policies, bucket policy statements, topic policy and notification (live), a CloudFormation template, a Terraform file and a README; a connection without externalId gets a new one written into the configuration',
    )
    .option('-c, --config <file>', CONFIG_FLAG_HELP)
    .requiredOption('--connection <name>', 'the connection to onboard')
    .requiredOption(
      '--out <dir>',
      'folder to write the files to (created when missing; files there are replaced)',
    )
    .option('--json', 'print the result (files, role ARN, external ID) as one JSON document on stdout')
    .action(async (flags: OnboardFlags) => {
      const { resolveConfigPath } = await import('../../config/config-path.js');
      const { onboard } = await import('../../onboarding/onboard.js');
      const result = await onboard({
        configPath: resolveConfigPath(flags.config),
        connectionName: flags.connection,
        outDir: flags.out,
      });
      const { context } = result;
      process.stderr.write(
        `Wrote ${result.files.length} files for connection "${context.connectionName}" to ${flags.out}:\n` +
          result.files.map((f) => `  ${f}\n`).join('') +
          `Send ${flags.out}/README.md to the customer: role ${context.roleArn}, external ID ${context.externalId}.\n`,
      );
      if (flags.json) {
        const summary = {
          connection: context.connectionName,
          outDir: flags.out,
          files: result.files,
          roleArn: context.roleArn,
          externalId: context.externalId,
          externalIdGenerated: result.externalIdGenerated,
          ...(context.live?.mode === 'sns' ? { topicArn: context.live.topicArn } : {}),
        };
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      }
    });
}
