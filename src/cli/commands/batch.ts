/**
 * `bucketbridge batch`: process every object under a connection's source prefix. Flags only; the
 * work is lazy-imported in the action so `--help` never loads the AWS SDK.
 */
import { type Command, InvalidArgumentError } from 'commander';
// A type only: the action module itself is imported when the command runs.
import type { BatchActionFlags } from './batch-action.js';
import { durationFlagMs } from './live.js';
import { parseWorkers, WORKERS_FLAG, WORKERS_HELP } from './workers-flag.js';

/** A lease: a duration of at least 3 seconds (renewed every third of it). */
function parseLeaseMs(value: string): number {
  const ms = durationFlagMs(value);
  if (ms < 3000) throw new InvalidArgumentError(`expected a duration of at least 3s, found "${value}"`);
  return ms;
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
    .option(WORKERS_FLAG, WORKERS_HELP, parseWorkers)
    .option('--retry-failed', 'also process objects whose earlier attempt failed')
    .option(
      '--lease <duration>',
      "PostgreSQL ledger: how long this worker's claims and the listing lease last unrenewed; another worker takes over a dead one's after it, at once on the same host (default: 2m)",
      parseLeaseMs,
    )
    .option('--json', 'print the final report as one JSON document on stdout')
    .action(async (flags: BatchActionFlags) => {
      const { runBatchCommand } = await import('./batch-action.js');
      await runBatchCommand(flags);
    });
}
