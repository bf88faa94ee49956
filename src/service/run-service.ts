/**
 * `bucketbridge run` as a library: load the configuration, open the one ledger, start one
 * supervised unit per connection, serve the endpoint, reload on request, stop on request.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { findConnection, type LoadedConfig, loadConfig } from '../config/index.js';
import type { Connection } from '../config/resolved-config.js';
import type { RetryOptions } from '../core/retry.js';
import type { Logger } from '../observe/logger.js';
import { verifyConnections } from '../onboarding/verify/verify.js';
import { createLedger } from '../state/create-ledger.js';
import type { ConnectionUnit } from './connection-unit.js';
import { connectionWork } from './connection-work.js';
import { DriftWatch } from './drift-watch.js';
import { type HttpEndpoint, startHttpEndpoint } from './http-endpoint.js';
import { startLedgerRetention } from './ledger-retention-job.js';
import { connectionFingerprint, readReloadedConfig } from './reload-config.js';
import { ServiceMetrics } from './service-metrics.js';
import { buildStatus, isReady, type ServiceStatus } from './service-status.js';
import { Supervisor } from './supervisor.js';

/** Options of {@link startService}. */
export interface StartServiceOptions {
  configPath: string;
  /** Run only these connections (also after a reload). Default: every connection of the file. */
  connectionNames?: string[] | undefined;
  /** `HOST:PORT` of the endpoint; port 0 picks a free one. Default: the file's `service.listen`. */
  listen?: string | undefined;
  logger: Logger;
  env?: NodeJS.ProcessEnv | undefined;
  vendorCredentials?: AwsCredentialIdentityProvider | undefined;
  retry?: RetryOptions | undefined;
  /** Long-poll wait of live receives, in seconds. Default 20. */
  pollWaitSec?: number | undefined;
  /** Grace of a connection a reload stops or restarts, in milliseconds. Default 30000. */
  reloadGraceMs?: number | undefined;
  /** Retry delays of failing connections (tests shorten them). */
  unitRetry?: { baseRetryDelayMs?: number; maxRetryDelayMs?: number } | undefined;
  /** From start to the first `ledger.retention` prune, in milliseconds (tests shorten it). Default 60000. */
  retentionFirstDelayMs?: number | undefined;
}

export interface RunningService {
  /** The endpoint's base URL, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  readonly metrics: ServiceMetrics;
  status(): ServiceStatus;
  /** Reads, validates and applies the file again; the old configuration stays when it is refused. */
  reload(): Promise<{ ok: true } | { ok: false; errors: string[] }>;
  /** Stops taking work, lets in-flight work finish within `graceMs`, closes everything. Idempotent. */
  stop(graceMs: number): Promise<void>;
}

export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const { logger } = options;
  let loaded = await loadConfig(options.configPath, options.env ? { env: options.env } : {});
  const selected = (config: LoadedConfig): Connection[] =>
    options.connectionNames === undefined
      ? config.config.connections
      : options.connectionNames.map((name) => findConnection(config.config, name));
  selected(loaded);
  const metrics = new ServiceMetrics();
  const ledger = createLedger({ setting: loaded.config.ledger, configPath: loaded.path });
  let generation = 1;
  let loadedAt = new Date();
  const drift = new DriftWatch({
    intervalMs: () => loaded.config.service.verifyEveryMs,
    async verify(name) {
      const { config } = loaded;
      const connection = selected(loaded).find((c) => c.name === name);
      if (connection === undefined) return undefined;
      const report = await verifyConnections({
        config,
        connections: [connection],
        vendorCredentials: options.vendorCredentials,
      });
      return report.connections[0];
    },
    onResult: (name, failed) => metrics.verifyFailedChecks(name, failed),
    logger,
  });

  const supervisor = new Supervisor({
    // The work reads the configuration current when the unit starts: a restarted unit gets the new one.
    workFor: (connection) =>
      connectionWork(
        {
          config: loaded.config,
          configPath: loaded.path,
          ledger,
          logger,
          metrics,
          vendorCredentials: options.vendorCredentials,
          retry: options.retry,
          pollWaitSec: options.pollWaitSec,
        },
        connection,
      ),
    reloadGraceMs: options.reloadGraceMs,
    unitRetry: options.unitRetry,
    onAdded: (connection) => metrics.addConnection(connection.name),
    onRemoved: (connection) => {
      drift.forget(connection.name);
      metrics.removeConnection(connection.name);
    },
    onStateChange: (unit) => {
      noteState(unit, metrics, logger);
      // Verified once it has started, so that a check does not meet a queue still being set up.
      if (unit.state === 'running' || unit.state === 'idle' || unit.state === 'failing')
        drift.watch(unit.name);
    },
  });
  const fingerprinted = (config: LoadedConfig) =>
    selected(config).map((connection) => ({
      connection,
      fingerprint: connectionFingerprint(config, connection.name),
    }));

  let reloading: Promise<{ ok: true } | { ok: false; errors: string[] }> = Promise.resolve({ ok: true });
  const reloadOnce = async (): Promise<{ ok: true } | { ok: false; errors: string[] }> => {
    const read = await readReloadedConfig(loaded.path, loaded, options.env);
    if (read.ok) {
      try {
        selected(read.loaded);
      } catch (error) {
        return refuse([error instanceof Error ? error.message : String(error)]);
      }
    } else {
      return refuse(read.errors);
    }
    const previous = loaded;
    loaded = read.loaded;
    generation++;
    loadedAt = new Date();
    metrics.reload('success');
    if (previous.config.service.listen !== loaded.config.service.listen && options.listen === undefined) {
      logger.warn(
        { listen: loaded.config.service.listen },
        'service.listen changed: it takes effect at the next restart',
      );
    }
    const applied = await supervisor.apply(fingerprinted(loaded));
    if (previous.config.service.verifyEveryMs !== loaded.config.service.verifyEveryMs) drift.reschedule();
    logger.info({ generation, ...applied }, 'configuration reloaded');
    return { ok: true };
  };
  const refuse = (errors: string[]): { ok: false; errors: string[] } => {
    metrics.reload('failure');
    logger.error({ errors }, 'configuration refused; the running configuration stays');
    return { ok: false, errors };
  };

  // One reload at a time: a second request waits for the first and then reads the file again.
  const reload = () => {
    reloading = reloading.then(reloadOnce, reloadOnce);
    return reloading;
  };
  await supervisor.apply(fingerprinted(loaded));
  let endpoint: HttpEndpoint;
  const status = () =>
    buildStatus({ generation, loadedAt, path: loaded.path }, supervisor.connections(), metrics, (name) =>
      drift.result(name),
    );
  try {
    endpoint = await startHttpEndpoint(options.listen ?? loaded.config.service.listen, {
      registry: metrics.registry,
      status,
      ready: () => isReady(supervisor.connections()),
      reload,
    });
  } catch (error) {
    await Promise.all([supervisor.stop(0), drift.stop()]);
    await ledger.close();
    throw error;
  }
  logger.info(
    { address: endpoint.url, connections: supervisor.connections().map((c) => c.connection.name) },
    'service: listening',
  );
  const retention = startLedgerRetention({
    ledger,
    config: () => loaded.config,
    logger,
    firstDelayMs: options.retentionFirstDelayMs,
  });

  let stopping: Promise<void> | undefined;
  return {
    url: endpoint.url,
    metrics,
    status,
    reload,
    stop(graceMs) {
      stopping ??= (async () => {
        await Promise.all([supervisor.stop(graceMs), drift.stop(), retention.stop()]);
        await endpoint.close();
        await ledger.close();
      })();
      return stopping;
    },
  };
}

function noteState(unit: ConnectionUnit, metrics: ServiceMetrics, logger: Logger): void {
  metrics.connectionUp(unit.name, unit.state === 'running' || unit.state === 'idle');
  const fields = { connection: unit.name, state: unit.state };
  if (unit.state === 'failing') {
    logger.warn({ ...fields, error: unit.lastError?.message }, 'connection failing');
  } else {
    logger.info(fields, 'connection state');
  }
}
