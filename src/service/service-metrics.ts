/**
 * The service's metrics: one prom-client registry per process, named as the Prometheus
 * "Metric and label naming" page says (`bucketbridge_` prefix, base units, `_total` counters,
 * bounded labels: a connection name and an outcome, never a key or an error text). The same calls
 * keep the per-connection counters `/api/status` shows, so the page and the metrics agree.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What `/api/status` shows per connection; counts since the process started. */
export interface ConnectionCounters {
  processed: number;
  skipped: number;
  failed: number;
  bytesRead: number;
  bytesWritten: number;
  messagesDeleted: number;
  messagesRetried: number;
  messagesDeadLettered: number;
  assumeRoleCalls: number;
}

export type ObjectOutcomeLabel = 'processed' | 'skipped' | 'failed';
export type QueueOutcomeLabel = 'deleted' | 'retried' | 'dead_lettered';

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, ConnectionCounters>();
  private readonly objects = new Counter({
    name: 'bucketbridge_objects_total',
    help: 'Objects handled, by outcome: processed (outputs written and recorded), skipped (done earlier, held elsewhere, superseded), failed (failure recorded).',
    labelNames: ['connection', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly bytesRead = new Counter({
    name: 'bucketbridge_bytes_read_total',
    help: 'Bytes read from source objects that were processed.',
    labelNames: ['connection'] as const,
    registers: [this.registry],
  });
  private readonly bytesWritten = new Counter({
    name: 'bucketbridge_bytes_written_total',
    help: 'Bytes written to the destination.',
    labelNames: ['connection'] as const,
    registers: [this.registry],
  });
  private readonly objectDuration = new Histogram({
    name: 'bucketbridge_object_duration_seconds',
    help: 'Time to handle one object, claim to record, in seconds.',
    labelNames: ['connection'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  private readonly up = new Gauge({
    name: 'bucketbridge_connection_up',
    help: '1 while the connection is running or idle, 0 while it is starting, failing or stopping.',
    labelNames: ['connection'] as const,
    registers: [this.registry],
  });
  private readonly queueMessages = new Counter({
    name: 'bucketbridge_queue_messages_total',
    help: 'Queue messages by what became of them: deleted, retried (handed back), dead_lettered (handed back at maxReceiveCount).',
    labelNames: ['connection', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly deadLetters = new Gauge({
    name: 'bucketbridge_dead_letter_messages',
    help: "Approximate number of messages in the connection's dead-letter queue (polled).",
    labelNames: ['connection'] as const,
    registers: [this.registry],
  });
  private readonly assumeRole = new Counter({
    name: 'bucketbridge_sts_assume_role_total',
    help: 'AssumeRole calls by result (success, failure); about one per credential lifetime per connection.',
    labelNames: ['connection', 'result'] as const,
    registers: [this.registry],
  });
  private readonly reloads = new Counter({
    name: 'bucketbridge_config_reloads_total',
    help: 'Configuration reloads (SIGHUP, POST /-/reload) by result: success, failure (the old configuration kept running).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly verifyFailed = new Gauge({
    name: 'bucketbridge_verify_failed_checks',
    help: "Checks of the connection's last periodic verify that failed (0 when all passed).",
    labelNames: ['connection'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    // Both results exist from the start, so a dashboard shows 0 rather than no data.
    this.reloads.inc({ result: 'success' }, 0);
    this.reloads.inc({ result: 'failure' }, 0);
  }

  /** Starts the series of a connection at zero (counters of a removed connection are kept). */
  addConnection(connection: string): void {
    this.countersOf(connection);
    for (const outcome of ['processed', 'skipped', 'failed'] as const)
      this.objects.inc({ connection, outcome }, 0);
    this.bytesRead.inc({ connection }, 0);
    this.bytesWritten.inc({ connection }, 0);
    this.up.set({ connection }, 0);
  }

  /** Drops the gauges of a connection that was removed (its counters stay, as Prometheus expects). */
  removeConnection(connection: string): void {
    this.up.remove({ connection });
    this.deadLetters.remove({ connection });
    this.verifyFailed.remove({ connection });
  }

  countersOf(connection: string): ConnectionCounters {
    let counters = this.counters.get(connection);
    if (counters === undefined) {
      counters = {
        processed: 0,
        skipped: 0,
        failed: 0,
        bytesRead: 0,
        bytesWritten: 0,
        messagesDeleted: 0,
        messagesRetried: 0,
        messagesDeadLettered: 0,
        assumeRoleCalls: 0,
      };
      this.counters.set(connection, counters);
    }
    return counters;
  }

  object(
    connection: string,
    outcome: ObjectOutcomeLabel,
    durationSec: number,
    bytes: { read: number; written: number } = { read: 0, written: 0 },
  ): void {
    const counters = this.countersOf(connection);
    counters[outcome]++;
    this.objects.inc({ connection, outcome });
    this.objectDuration.observe({ connection }, durationSec);
    counters.bytesRead += bytes.read;
    counters.bytesWritten += bytes.written;
    this.bytesRead.inc({ connection }, bytes.read);
    this.bytesWritten.inc({ connection }, bytes.written);
  }

  queueMessage(connection: string, outcome: QueueOutcomeLabel): void {
    const counters = this.countersOf(connection);
    if (outcome === 'deleted') counters.messagesDeleted++;
    else if (outcome === 'retried') counters.messagesRetried++;
    else counters.messagesDeadLettered++;
    this.queueMessages.inc({ connection, outcome });
  }

  assumeRoleCall(connection: string, result: 'success' | 'failure'): void {
    this.countersOf(connection).assumeRoleCalls++;
    this.assumeRole.inc({ connection, result });
  }

  connectionUp(connection: string, up: boolean): void {
    this.up.set({ connection }, up ? 1 : 0);
  }

  deadLetterDepth(connection: string, messages: number): void {
    this.deadLetters.set({ connection }, messages);
  }

  reload(result: 'success' | 'failure'): void {
    this.reloads.inc({ result });
  }

  verifyFailedChecks(connection: string, failed: number): void {
    this.verifyFailed.set({ connection }, failed);
  }
}
