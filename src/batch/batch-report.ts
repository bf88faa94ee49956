/**
 * The report of a batch run: what was listed, processed, skipped and failed, bytes in and out,
 * duration and rates, and every failure with its reason. Printed for people on stderr and as one
 * JSON document with `--json`; its field names are part of the contract.
 */
import type { FilterVerdict } from '../core/object-filter.js';
import { WorkFailedError } from '../errors/work-failed-error.js';
import type { ObjectOutcome, SkipReason } from '../pipeline/object-pipeline.js';
import type { RunTotals } from '../state/postgres-shared-runs.js';

export interface FailureEntry {
  bucket: string;
  key: string;
  reason: string;
  attempts: number;
}

export interface BatchReport {
  connection: string;
  dryRun: boolean;
  /** Objects the listing returned that pass the connection's filters. */
  listed: number;
  /** Objects the listing returned that the filters left out (folder markers included). */
  filteredOut: number;
  /** Of `filteredOut`: last modified before the run's start minus `source.ignoreOlderThan`. */
  ignoredOlder: number;
  processed: number;
  /** Dry run: objects that would be processed (0 in a real run). */
  wouldProcess: number;
  /** Objects not processed this run, by reason (done earlier, failed earlier, held by another run). */
  skipped: number;
  skippedByReason: Record<SkipReason, number>;
  failed: number;
  /** Bytes read from the source. */
  bytesIn: number;
  /** Bytes written to the destination. */
  bytesOut: number;
  durationMs: number;
  /** Objects processed per second. */
  objectsPerSec: number;
  /** Source bytes processed per second. */
  bytesPerSec: number;
  /** Every failed object with its reason (at most `MAX_REPORTED_FAILURES`; `failed` has the count). */
  failures: FailureEntry[];
  /** Whether the run stopped before the end (a signal, or a misconfiguration). */
  stopped: boolean;
  /**
   * With a PostgreSQL ledger, the run is shared by every worker that joined it: the counts above
   * are this worker's own, and these are the run's over every worker, from the ledger.
   */
  run?: RunTotals;
  /** Why the run stopped early, when it did. */
  stopReason?: string;
}

/** Failures listed in the report in full; more are counted but not listed, so the report stays bounded. */
export const MAX_REPORTED_FAILURES = 1000;

/** Accumulates outcomes into a report. */
export class BatchReportBuilder {
  private readonly startedAt: number;
  readonly report: BatchReport;

  constructor(connection: string, dryRun: boolean, now: () => number = Date.now) {
    this.now = now;
    this.startedAt = now();
    this.report = {
      connection,
      dryRun,
      listed: 0,
      filteredOut: 0,
      ignoredOlder: 0,
      processed: 0,
      wouldProcess: 0,
      skipped: 0,
      skippedByReason: {
        done: 0,
        'failed-earlier': 0,
        'in-progress-elsewhere': 0,
        'changed-since-listed': 0,
      },
      failed: 0,
      bytesIn: 0,
      bytesOut: 0,
      durationMs: 0,
      objectsPerSec: 0,
      bytesPerSec: 0,
      failures: [],
      stopped: false,
    };
  }
  private readonly now: () => number;

  listed(): void {
    this.report.listed++;
  }

  planned(): void {
    this.report.wouldProcess++;
  }

  filtered(verdict: Exclude<FilterVerdict, undefined>): void {
    this.report.filteredOut++;
    if (verdict === 'ignored-older') this.report.ignoredOlder++;
  }

  add(outcome: ObjectOutcome): void {
    const r = this.report;
    switch (outcome.status) {
      case 'processed':
        r.processed++;
        r.bytesIn += outcome.bytesIn;
        r.bytesOut += outcome.bytesOut;
        break;
      case 'skipped':
        r.skipped++;
        r.skippedByReason[outcome.reason]++;
        break;
      case 'failed':
        r.failed++;
        if (r.failures.length < MAX_REPORTED_FAILURES) {
          r.failures.push({
            bucket: outcome.object.bucket,
            key: outcome.object.key,
            reason: outcome.reason,
            attempts: outcome.attempts,
          });
        }
        break;
    }
  }

  runTotals(totals: RunTotals): void {
    this.report.run = totals;
  }

  stop(reason: string): void {
    this.report.stopped = true;
    this.report.stopReason = reason;
  }

  /** The report with duration and rates as of now. */
  finish(): BatchReport {
    const r = this.report;
    r.durationMs = Math.max(0, this.now() - this.startedAt);
    const seconds = r.durationMs / 1000;
    r.objectsPerSec = seconds > 0 ? round(r.processed / seconds) : 0;
    r.bytesPerSec = seconds > 0 ? Math.round(r.bytesIn / seconds) : 0;
    return r;
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Bytes in a unit a person reads at a glance (binary units). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The report as the lines a person reads on stderr. */
export function formatBatchReport(report: BatchReport): string {
  const lines = [
    `${report.dryRun ? 'Dry run' : 'Batch'} of connection ${report.connection}${report.stopped ? ' (stopped early)' : ''}`,
    `  listed:    ${report.listed} (${report.filteredOut} left out by filters${report.ignoredOlder > 0 ? `, ${report.ignoredOlder} of them older than source.ignoreOlderThan` : ''})`,
    report.dryRun ? `  would process: ${report.wouldProcess}` : `  processed: ${report.processed}`,
    `  skipped:   ${report.skipped} (done earlier ${report.skippedByReason.done}, failed earlier ${report.skippedByReason['failed-earlier']}, in progress elsewhere ${report.skippedByReason['in-progress-elsewhere']}, changed since listed ${report.skippedByReason['changed-since-listed']})`,
    `  failed:    ${report.failed}`,
    `  bytes:     ${formatBytes(report.bytesIn)} in, ${formatBytes(report.bytesOut)} out`,
    `  duration:  ${(report.durationMs / 1000).toFixed(1)} s (${report.objectsPerSec} objects/s, ${formatBytes(report.bytesPerSec)}/s)`,
  ];
  if (report.stopReason !== undefined) lines.push(`  stopped:   ${report.stopReason}`);
  const run = report.run;
  if (run !== undefined) {
    lines.push(
      `Run totals (run ${run.runId}, ${run.workers} worker(s), ${run.finished ? 'finished' : 'still open'})`,
      `  listed:    ${run.listed}${run.listingDone ? '' : ' so far (listing not complete)'}`,
      `  processed: ${run.processed}, skipped: ${run.skipped}, failed: ${run.failed}`,
    );
    if (run.pending + run.claimed > 0) {
      lines.push(`  left:      ${run.pending} pending, ${run.claimed} claimed by a worker`);
    }
  }
  if (report.failures.length > 0) {
    lines.push('Failures:');
    for (const failure of report.failures) {
      lines.push(
        `  s3://${failure.bucket}/${failure.key}: ${failure.reason} (${failure.attempts} attempt(s))`,
      );
    }
    if (report.failed > report.failures.length) {
      lines.push(`  ... and ${report.failed - report.failures.length} more (see the ledger)`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The error a finished run ends the command with (its kind gives exit code 1), or undefined when
 * it did all it listed. Failed objects are already in the report, so that error says nothing more.
 */
export function batchRunFailure(
  report: Pick<BatchReport, 'failed' | 'stopped' | 'stopReason'>,
): WorkFailedError | undefined {
  if (report.failed > 0) return new WorkFailedError('');
  if (report.stopped) return new WorkFailedError(`the batch stopped early: ${report.stopReason}`);
  return undefined;
}
