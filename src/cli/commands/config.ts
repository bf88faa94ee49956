/**
 * `bucketbridge config validate|migrate`. Flags only; the work is lazy-imported in each action so
 * `--help` stays fast.
 */
import type { Command } from 'commander';

export const CONFIG_FLAG_HELP =
  'configuration file (default: $BUCKETBRIDGE_CONFIG, else ./bucketbridge.yaml)';

export function registerConfigCommands(program: Command): void {
  const config = program
    .command('config')
    .description('check and upgrade the configuration file')
    .helpCommand(false);

  config
    .command('validate')
    .description(
      'check the configuration file against the schema and the cross-field rules; every problem is reported with its file:line:column (exit 0 valid, 2 problems)',
    )
    .option('-c, --config <file>', CONFIG_FLAG_HELP)
    .option('--json', 'print the result as one JSON document on stdout')
    .action(async (options: { config?: string; json?: boolean }) => {
      const { runConfigValidate } = await import('./config-validate-action.js');
      await runConfigValidate(options);
    });

  config
    .command('migrate')
    .description(
      'upgrade the configuration file to the current format, keeping comments, key order and values; a backup is written first and a second run changes nothing',
    )
    .option('-c, --config <file>', CONFIG_FLAG_HELP)
    .option('--dry-run', 'print the change as a unified diff on stdout and write nothing')
    .action(async (options: { config?: string; dryRun?: boolean }) => {
      const { runConfigMigrate } = await import('./config-migrate-action.js');
      await runConfigMigrate(options);
    });
}
