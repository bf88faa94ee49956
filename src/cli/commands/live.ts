/**
 * `bucketbridge live`: follow live connections' queues and process each object as it arrives.
 * Flags only; the work is lazy-imported in the action so `--help` never loads the AWS SDK.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { parseDurationMs } from '../../config/duration.js';
import { parseWorkers, WORKERS_FLAG, WORKERS_HELP } from './workers-flag.js';

/** A duration flag (`30s`, `2m`, `500ms`, `1m30s` or plain seconds) in milliseconds. */
export function durationFlagMs(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined)
    throw new InvalidArgumentError(`expected a duration such as 30s, 2m or 500ms, found "${value}"`);
  return ms;
}

export function parsePollWaitSec(value: string): number {
  const ms = durationFlagMs(value);
  if (ms > 20_000 || ms % 1000 !== 0) {
    throw new InvalidArgumentError(`expected whole seconds from 0s to 20s, found "${value}"`);
  }
  return ms / 1000;
}

interface ParsedFlags {
  config?: string;
  connection?: string;
  grace?: number;
  statsInterval?: number;
  pollWait?: number;
  workers?: number;
}

export function registerLiveCommand(program: Command): void {
  program
    .command('live')
    .description(
      'follow the queues of live connections and process each new object as it arrives (SIGINT/SIGTERM stop gracefully)',
    )
    .option(
      '-c, --config <file>',
      'configuration file (default: $BUCKETBRIDGE_CONFIG, else ./bucketbridge.yaml)',
    )
    .option(
      '--connection <name>',
      'follow this connection only (default: every connection with workflow: live)',
    )
    .option(
      '--grace <duration>',
      'on SIGINT/SIGTERM, how long in-flight work may finish before its messages are made visible again (default: 30s)',
      durationFlagMs,
    )
    .option(
      '--stats-interval <duration>',
      'how often statistics are logged, 0 = never (default: 60s)',
      durationFlagMs,
    )
    .option(
      '--poll-wait <duration>',
      'long-poll wait per receive, 0s..20s (default: 20s); an idle stop waits for the poll under way',
      parsePollWaitSec,
    )
    .option(WORKERS_FLAG, `${WORKERS_HELP}; per connection`, parseWorkers)
    .action(async (flags: ParsedFlags) => {
      const { runLiveCommand } = await import('./live-action.js');
      await runLiveCommand({
        ...(flags.config === undefined ? {} : { config: flags.config }),
        ...(flags.connection === undefined ? {} : { connection: flags.connection }),
        graceMs: flags.grace ?? 30_000,
        statsIntervalMs: flags.statsInterval ?? 60_000,
        pollWaitSec: flags.pollWait ?? 20,
        ...(flags.workers === undefined ? {} : { workers: flags.workers }),
      });
    });
}
