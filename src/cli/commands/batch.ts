/**
 * `bucketbridge batch`: process every object under a connection's source prefix. Flags only; the
 * work is lazy-imported in the action so `--help` never loads the AWS SDK.
 */
import { type Command, InvalidArgumentError } from 'commander';

interface BatchFlags {
  config?: string;
  connection: string;
  dryRun?: boolean;
  concurrency?: number;
  json?: boolean;
  retryFailed?: boolean;
}

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new InvalidArgumentError(`expected an integer from 1 to 1000, found "${value}"`);
  }
  return n;
}

export function registerBatchCommand(program: Command): void {
  program
    .command('batch')
    .description(
      "process every object under a connection's source prefix with its processor; objects done in an earlier run are skipped (the ledger)",
    )
    .option(
      '-c, --config <file>',
      'configuration file (default: $BUCKETBRIDGE_CONFIG, else ./bucketbridge.yaml)',
    )
    .requiredOption('--connection <name>', 'the connection to process')
    .option('--dry-run', 'list what would be done and write nothing')
    .option(
      '--concurrency <n>',
      "objects processed at once, 1..1000 (default: the connection's concurrency, 16)",
      parseConcurrency,
    )
    .option('--retry-failed', 'also process objects whose earlier attempt failed')
    .option('--json', 'print the final report as one JSON document on stdout')
    .action(async (flags: BatchFlags) => {
      const { runBatchCommand } = await import('./batch-action.js');
      await runBatchCommand(flags);
    });
}
