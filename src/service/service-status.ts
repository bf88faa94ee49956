/**
 * The `/api/status` document: the configuration's generation and load time, and per connection
 * its name, workflow, state, counters, last error with its time, next scheduled batch and last
 * periodic verify. Its field names are part of the contract (the status page and scripts read them).
 */
import type { UnitError, UnitState } from './connection-unit.js';
import type { VerifyResult } from './drift-watch.js';
import type { ConnectionCounters, ServiceMetrics } from './service-metrics.js';
import type { SupervisedConnection } from './supervisor.js';

export interface ConnectionStatus {
  name: string;
  workflow: 'batch' | 'live';
  state: UnitState;
  counters: ConnectionCounters;
  lastError: UnitError | null;
  /** Batch only: when the next run is due (schedule or retry), ISO-8601; null when none is. */
  nextRunAt: string | null;
  /** The last periodic verify (drift detection); null before the first one or when it is off. */
  lastVerify: VerifyResult | null;
}

export interface ServiceStatus {
  /** 1 for the configuration loaded at start, plus one per successful reload. */
  generation: number;
  /** When the running configuration was loaded, ISO-8601. */
  loadedAt: string;
  configPath: string;
  connections: ConnectionStatus[];
}

export function buildStatus(
  config: { generation: number; loadedAt: Date; path: string },
  connections: SupervisedConnection[],
  metrics: ServiceMetrics,
  lastVerify: (connection: string) => VerifyResult | undefined,
): ServiceStatus {
  return {
    generation: config.generation,
    loadedAt: config.loadedAt.toISOString(),
    configPath: config.path,
    connections: connections.map(({ connection, unit }) => ({
      name: connection.name,
      workflow: connection.workflow,
      state: unit.state,
      counters: { ...metrics.countersOf(connection.name) },
      lastError: unit.lastError ?? null,
      nextRunAt: unit.nextRunAt?.toISOString() ?? null,
      lastVerify: lastVerify(connection.name) ?? null,
    })),
  };
}

/** Ready once no connection is starting any more (running, idle or failing all count). */
export function isReady(connections: SupervisedConnection[]): boolean {
  return connections.every(({ unit }) => unit.state !== 'starting');
}
