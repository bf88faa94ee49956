/**
 * The supervisor: one {@link ConnectionUnit} per connection, started, watched and stopped on its
 * own. `apply` moves from one configuration to the next (as a reload does): added connections
 * start, removed ones drain and stop, changed ones restart gracefully, unchanged ones are not
 * touched.
 */
import type { Connection } from '../config/resolved-config.js';
import { ConnectionUnit, type UnitWork } from './connection-unit.js';

/** A connection as the supervisor runs it: its unit and what it was built from. */
export interface SupervisedConnection {
  connection: Connection;
  unit: ConnectionUnit;
  /** Equal fingerprints mean the connection's work would be the same: the unit is left alone. */
  fingerprint: string;
}

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  /** Builds a connection's work (the unit wraps it). */
  workFor(connection: Connection): UnitWork;
  /** Grace for a connection stopped by a reload, in milliseconds. Default 30000. */
  reloadGraceMs?: number;
  /** Called on every state change of any unit. */
  onStateChange?: (unit: ConnectionUnit, connection: Connection) => void;
  /** Called when a connection's unit is started and after it is stopped for good. */
  onAdded?: (connection: Connection) => void;
  onRemoved?: (connection: Connection) => void;
  /** Retry delays of the units (tests shorten them). */
  unitRetry?: { baseRetryDelayMs?: number; maxRetryDelayMs?: number; random?: () => number };
}

/** What {@link Supervisor.apply} changed, by connection name. */
export interface ApplyResult {
  added: string[];
  removed: string[];
  restarted: string[];
  unchanged: string[];
}

export class Supervisor {
  private readonly running = new Map<string, SupervisedConnection>();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  /** The supervised connections, in the order they were started. */
  connections(): SupervisedConnection[] {
    return [...this.running.values()];
  }

  /**
   * Runs `connections` (each with the fingerprint of what it depends on), stopping and starting
   * only what differs from what runs now. Resolves once removed and changed units have stopped
   * and their replacements started.
   */
  async apply(connections: Array<{ connection: Connection; fingerprint: string }>): Promise<ApplyResult> {
    if (this.stopping) throw new Error('the supervisor is stopping');
    const result: ApplyResult = { added: [], removed: [], restarted: [], unchanged: [] };
    const wanted = new Map(connections.map((c) => [c.connection.name, c]));
    const graceMs = this.options.reloadGraceMs ?? 30_000;
    const stops: Promise<void>[] = [];
    for (const [name, current] of this.running) {
      const next = wanted.get(name);
      if (next === undefined) {
        result.removed.push(name);
        stops.push(this.retire(current, graceMs));
      } else if (next.fingerprint !== current.fingerprint) {
        result.restarted.push(name);
        // The replacement starts only once the old unit has finished or released its work.
        stops.push(this.retire(current, graceMs).then(() => this.launch(next.connection, next.fingerprint)));
      } else {
        result.unchanged.push(name);
      }
    }
    for (const [name, next] of wanted) {
      if (!this.running.has(name)) {
        result.added.push(name);
        this.launch(next.connection, next.fingerprint);
      }
    }
    await Promise.all(stops);
    return result;
  }

  /** Stops every unit (each gets `graceMs`). Idempotent. */
  stop(graceMs: number): Promise<void> {
    this.stopping ??= Promise.all(this.connections().map((c) => this.retire(c, graceMs))).then(
      () => undefined,
    );
    return this.stopping;
  }

  private launch(connection: Connection, fingerprint: string): void {
    const unit = new ConnectionUnit({
      name: connection.name,
      work: this.options.workFor(connection),
      ...this.options.unitRetry,
      onStateChange: (changed) => this.options.onStateChange?.(changed, connection),
    });
    this.running.set(connection.name, { connection, unit, fingerprint });
    this.options.onAdded?.(connection);
    unit.start();
  }

  private async retire(supervised: SupervisedConnection, graceMs: number): Promise<void> {
    await supervised.unit.stop(graceMs);
    if (this.running.get(supervised.connection.name) === supervised) {
      this.running.delete(supervised.connection.name);
    }
    this.options.onRemoved?.(supervised.connection);
  }
}
