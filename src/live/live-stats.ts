/**
 * The counters of one live connection: what the periodic log line shows and what a service mode
 * exports. Counters only grow; gauges (in flight, oldest age, dead-lettered) are read on demand.
 */

/** A snapshot of one live connection's state. */
export interface LiveStatsSnapshot {
  connection: string;
  queueUrl: string;
  /** Messages received from the queue (redeliveries counted again). */
  received: number;
  /** Messages deleted after all their objects were done. */
  messagesDone: number;
  /** Objects processed (outputs written and recorded). */
  processed: number;
  /**
   * Objects not processed by this event: done already, failed earlier, superseded by a newer
   * version, filtered out, removed, or other events.
   */
  skipped: number;
  /** Of `skipped`: objects last modified before `source.ignoreOlderThan` (their events acknowledged). */
  ignoredOlder: number;
  /** Objects whose failure is recorded in the ledger (permanent, or the object was gone). */
  failed: number;
  /** Messages that could not be parsed (each receive counts; the queue moves them to the DLQ). */
  malformed: number;
  /** Messages handed back to the queue for a later attempt (transient failures). */
  retried: number;
  /** Messages in the dead-letter queue (ApproximateNumberOfMessages), when it can be read. */
  deadLettered: number | undefined;
  /** Messages being worked on now. */
  inFlight: number;
  /** Age of the oldest message being worked on, in seconds (0 when idle). */
  oldestMessageAgeSec: number;
  /** The last error, with when it happened (ISO-8601). */
  lastError: { message: string; at: string } | undefined;
}

export type ObjectTally = 'processed' | 'skipped' | 'ignoredOlder' | 'failed';

export class LiveStats {
  private readonly counts = {
    received: 0,
    messagesDone: 0,
    processed: 0,
    skipped: 0,
    ignoredOlder: 0,
    failed: 0,
    malformed: 0,
    retried: 0,
  };
  private lastError: LiveStatsSnapshot['lastError'];
  private deadLettered: number | undefined;

  constructor(
    readonly connection: string,
    readonly queueUrl: string,
    private readonly gauges: { inFlight(): number; oldestMessageAgeSec(): number } = {
      inFlight: () => 0,
      oldestMessageAgeSec: () => 0,
    },
  ) {}

  received(count: number): void {
    this.counts.received += count;
  }

  messageDone(): void {
    this.counts.messagesDone++;
  }

  object(tally: ObjectTally): void {
    this.counts[tally]++;
  }

  malformed(): void {
    this.counts.malformed++;
  }

  retried(): void {
    this.counts.retried++;
  }

  error(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = { message, at: new Date().toISOString() };
  }

  setDeadLettered(count: number | undefined): void {
    this.deadLettered = count;
  }

  snapshot(): LiveStatsSnapshot {
    return {
      connection: this.connection,
      queueUrl: this.queueUrl,
      ...this.counts,
      deadLettered: this.deadLettered,
      inFlight: this.gauges.inFlight(),
      oldestMessageAgeSec: this.gauges.oldestMessageAgeSec(),
      lastError: this.lastError,
    };
  }
}
