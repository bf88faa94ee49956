/** `bucketbridge init`: flags only; the wizard and the writer are lazy-imported. */
import type { Command } from 'commander';
import { CONFIG_FLAG_HELP } from './config.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description(
      'write a first configuration file: an interactive wizard on a terminal, or --non-interactive with --set key=value answers',
    )
    .option('-c, --config <file>', CONFIG_FLAG_HELP)
    .option('--force', 'overwrite the file if it exists')
    .option(
      '--non-interactive',
      'never prompt: take answers from --set and defaults (implied without a terminal)',
    )
    .option(
      '--set <key=value>',
      'an answer by dotted key, repeatable, e.g. vendor.accountId=111111111111, connection.name=acme, connection.source.bucket=acme-src, connection.assumeRoleFlag=true, connection.assumeRoleArn=ARN1,ARN2 (see docs/configuration.md)',
      collect,
      [] as string[],
    )
    .action(
      async (options: { config?: string; force?: boolean; nonInteractive?: boolean; set: string[] }) => {
        const { runInitCommand } = await import('./init-action.js');
        await runInitCommand(options);
      },
    );
}
