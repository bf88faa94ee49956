/** `bucketbridge init`: flags only; the wizard and the writer are lazy-imported. */
import type { Command } from 'commander';
import { SET_KEYS } from '../../config/init/set-keys.js';
import { CONFIG_FLAG_HELP } from './config.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

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
      'an answer by dotted key, repeatable (keys below); lists are comma separated or repeated',
      collect,
    )
    .addHelpText(
      'after',
      `\nKeys for --set:\n${Object.entries(SET_KEYS)
        .map(([key, meaning]) => `  ${key.padEnd(36)} ${meaning}`)
        .join(
          '\n',
        )}\n\nExample:\n  bucketbridge init --non-interactive --config bucketbridge.yaml \\\n    --set vendor.accountId=111111111111 --set connection.name=acme --set connection.accountId=222222222222 \\\n    --set connection.source.bucket=acme-src --set connection.destination.bucket=acme-dst \\\n    --set connection.assumeRoleFlag=true --set connection.assumeRoleArn=arn:aws:iam::222222222222:role/BucketBridgeAccessRole\n`,
    )
    .action(
      async (options: { config?: string; force?: boolean; nonInteractive?: boolean; set?: string[] }) => {
        const { runInitCommand } = await import('./init-action.js');
        await runInitCommand(options);
      },
    );
}
