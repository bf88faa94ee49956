/**
 * The live workflow for a configuration: one ledger for the process, one {@link LiveConnection}
 * per live connection (or the one asked for), statistics for all, and one stop for all.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { findConnection, loadConfig } from '../config/index.js';
import type { Connection } from '../config/resolved-config.js';
import type { RetryOptions } from '../core/retry.js';
import { UsageError } from '../errors/index.js';
import type { Logger } from '../observe/logger.js';
import type { ObjectOutcome } from '../pipeline/object-pipeline.js';
import { createLedger } from '../state/create-ledger.js';
import { type ConsumerTuning, type LiveConnection, startLiveConnection } from './live-connection.js';
import type { LiveStatsSnapshot } from './live-stats.js';

/** Options of {@link startLive}. */
export interface StartLiveOptions {
  configPath: string;
  /** Follow this connection only. Default: every connection with `workflow: live`. */
  connectionName?: string | undefined;
  logger: Logger;
  /** Environment for configuration overrides. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The vendor's own credentials. Default: the AWS SDK's default chain. */
  vendorCredentials?: AwsCredentialIdentityProvider | undefined;
  /** How often statistics are logged, in milliseconds. Default 60000; 0 turns it off. */
  statsIntervalMs?: number;
  retry?: RetryOptions | undefined;
  consumer?: ConsumerTuning | undefined;
  onOutcome?: (outcome: ObjectOutcome) => void;
  /** Worker threads per connection, 1..64, sharing its `live.concurrency`. Default 1. */
  workers?: number | undefined;
}

export interface LiveRun {
  connections: LiveConnection[];
  stats(): LiveStatsSnapshot[];
  /** Stops every connection (each gets `graceMs`), then closes the ledger. Idempotent. */
  stop(graceMs: number): Promise<void>;
}

export async function startLive(options: StartLiveOptions): Promise<LiveRun> {
  const loaded = await loadConfig(options.configPath, options.env ? { env: options.env } : {});
  const selected = selectConnections(
    loaded.config.connections,
    loaded.config,
    options.connectionName,
    loaded.path,
  );
  const ledger = createLedger({ setting: loaded.config.ledger, configPath: loaded.path });
  const connections: LiveConnection[] = [];
  try {
    for (const connection of selected) {
      connections.push(
        await startLiveConnection({
          config: loaded.config,
          configPath: loaded.path,
          connection,
          ledger,
          logger: options.logger,
          vendorCredentials: options.vendorCredentials,
          retry: options.retry,
          consumer: options.consumer,
          workers: options.workers,
          ...(options.statsIntervalMs === undefined ? {} : { statsIntervalMs: options.statsIntervalMs }),
          ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
        }),
      );
    }
  } catch (error) {
    await Promise.all(connections.map((c) => c.stop(0)));
    await ledger.close();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    connections,
    stats: () => connections.map((c) => c.stats()),
    stop(graceMs) {
      stopping ??= (async () => {
        await Promise.all(connections.map((c) => c.stop(graceMs)));
        await ledger.close();
      })();
      return stopping;
    },
  };
}

function selectConnections(
  all: Connection[],
  config: Parameters<typeof findConnection>[0],
  name: string | undefined,
  path: string,
): Connection[] {
  if (name !== undefined) {
    const connection = findConnection(config, name);
    if (connection.workflow !== 'live') {
      throw new UsageError(
        `connection "${name}" has workflow: ${connection.workflow}; set workflow: live in ${path} to follow its events, or run \`bucketbridge batch --connection ${name}\``,
      );
    }
    return [connection];
  }
  const live = all.filter((c) => c.workflow === 'live');
  if (live.length === 0) {
    throw new UsageError(`no connection in ${path} has workflow: live; set it on the connections to follow`);
  }
  return live;
}
