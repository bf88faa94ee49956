/**
 * `bucketbridge run`: every connection of the file in one supervised process with an HTTP
 * endpoint. Flags only; the work is lazy-imported in the action so `--help` never loads the SDK.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { LISTEN_ADDRESS } from '../../config/listen-address.js';
import { durationFlagMs, parsePollWaitSec } from './live.js';

function parseListen(value: string): string {
  if (!LISTEN_ADDRESS.test(value)) {
    throw new InvalidArgumentError(`expected HOST:PORT such as 127.0.0.1:9464 or :0, found "${value}"`);
  }
  return value;
}

interface ParsedFlags {
  config?: string;
  connection?: string[];
  listen?: string;
  grace?: number;
  pollWait?: number;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'run every connection as a service: batches on their schedule, live connections on their queue, an HTTP endpoint with /metrics, /healthz, /readyz, /api/status and a status page, and the checks of verify again every service.verifyEvery (drift detection, default 6h) (SIGHUP reloads the file; SIGINT/SIGTERM stop gracefully)',
    )
    .option(
      '-c, --config <file>',
      'configuration file (default: $BUCKETBRIDGE_CONFIG, else ./bucketbridge.yaml)',
    )
    .option('--connection <name...>', 'run these connections only (default: every connection of the file)')
    .option(
      '--listen <host:port>',
      'where the endpoint listens; :0 picks a free port, logged at start (default: service.listen, else 127.0.0.1:9464)',
      parseListen,
    )
    .option(
      '--grace <duration>',
      'on SIGINT/SIGTERM, how long in-flight work may finish before it is released (default: 30s)',
      durationFlagMs,
    )
    .option(
      '--poll-wait <duration>',
      'long-poll wait per receive of live connections, 0s..20s (default: 20s); a stop waits for the poll under way',
      parsePollWaitSec,
    )
    .action(async (flags: ParsedFlags) => {
      const { runServiceCommand } = await import('./run-action.js');
      await runServiceCommand({
        ...(flags.config === undefined ? {} : { config: flags.config }),
        ...(flags.connection === undefined ? {} : { connections: flags.connection }),
        ...(flags.listen === undefined ? {} : { listen: flags.listen }),
        graceMs: flags.grace ?? 30_000,
        pollWaitSec: flags.pollWait ?? 20,
      });
    });
}
