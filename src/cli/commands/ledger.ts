/**
 * `bucketbridge ledger status|prune|migrate`: looking after the ledger. Flags only; the work is
 * lazy-imported in each action so `--help` stays fast.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { parseRetentionMs, RETENTION_EXPECTED } from '../../config/retention.js';
import { CONFIG_FLAG_HELP } from './config.js';

function parseOlderThan(value: string): number {
  const ms = parseRetentionMs(value);
  if (ms === undefined) throw new InvalidArgumentError(`expected ${RETENTION_EXPECTED}, found "${value}"`);
  return ms;
}

function parseTop(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= 1000))
    throw new InvalidArgumentError(`expected a whole number from 1 to 1000, found "${value}"`);
  return n;
}

export function registerLedgerCommands(program: Command): void {
  const ledger = program
    .command('ledger')
    .description('look after the ledger: what it holds, removing old entries, upgrading its schema')
    .helpCommand(false);

  ledger
    .command('status')
    .description(
      "each connection's entries by state (claimed, done, failed), its oldest claim (age, object, owner, lease) and its failures by reason; reads only",
    )
    .option('-c, --config <file>', CONFIG_FLAG_HELP)
    .option('--connection <name>', 'only this connection (default: every connection in the ledger)')
    .option('--top <n>', 'failure reasons listed per connection, most frequent first (default: 10)', parseTop)
    .option('--json', 'print one JSON document on stdout (shape in docs/scale-out.md)')
    .action(async (flags: { config?: string; connection?: string; top?: number; json?: boolean }) => {
      const { runLedgerStatus } = await import('./ledger-status-action.js');
      await runLedgerStatus(flags);
    });

  ledger
    .command('prune')
    .description(
      "remove done and failed entries finished longer ago than --older-than; claims are never removed, and batch connections' entries are kept unless --include-batch (a batch would process objects still in its source again)",
    )
    .option('-c, --config <file>', CONFIG_FLAG_HELP)
    .requiredOption(
      '--older-than <duration>',
      'at least 14d, e.g. 90d (days, or any duration such as 2160h)',
      parseOlderThan,
    )
    .option('--connection <name>', 'only this connection (default: every connection in the ledger)')
    .option(
      '--include-batch',
      "remove batch connections' entries too: their objects still in the source will be processed again",
    )
    .option('--dry-run', 'print what would be removed and remove nothing')
    .action(
      async (flags: {
        config?: string;
        olderThan: number;
        connection?: string;
        includeBatch?: boolean;
        dryRun?: boolean;
      }) => {
        const { runLedgerPrune } = await import('./ledger-prune-action.js');
        const { olderThan, ...rest } = flags;
        await runLedgerPrune({ ...rest, olderThanMs: olderThan });
      },
    );

  ledger
    .command('migrate')
    .description(
      "bring the ledger's schema to this version of bucketbridge and print the version before and after (every command also does this when it opens the ledger; safe to run from several machines at once)",
    )
    .option('-c, --config <file>', CONFIG_FLAG_HELP)
    .action(async (flags: { config?: string }) => {
      const { runLedgerMigrate } = await import('./ledger-migrate-action.js');
      await runLedgerMigrate(flags);
    });
}
