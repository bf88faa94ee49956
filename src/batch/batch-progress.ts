/**
 * Progress of a batch on stderr: a live bar on a terminal (objects, bytes, rate, ETA), else a
 * plain line every `intervalMs` for logs and CI.
 */
import cliProgress from 'cli-progress';
import type { ObjectOutcome } from '../pipeline/object-pipeline.js';
import { formatBytes } from './batch-report.js';

export interface BatchProgressOptions {
  /** Where progress goes. Default process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Draw a bar (terminal) or print lines. Default: whether the stream is a TTY. */
  tty?: boolean;
  /** Plain mode: milliseconds between lines. Default 5000. */
  intervalMs?: number;
  now?: () => number;
}

export interface BatchProgress {
  listed(): void;
  outcome(outcome: ObjectOutcome): void;
  stop(): void;
}

export function createBatchProgress(options: BatchProgressOptions = {}): BatchProgress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const counts = { listed: 0, processed: 0, skipped: 0, failed: 0, bytesIn: 0 };
  const rate = () => {
    const seconds = (now() - startedAt) / 1000;
    return seconds > 0 ? counts.processed / seconds : 0;
  };
  const payload = () => ({
    bytes: formatBytes(counts.bytesIn),
    rate: rate().toFixed(1),
    skipped: counts.skipped,
    failed: counts.failed,
  });
  if (options.tty ?? stream.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          '{bar} {value}/{total} objects | {bytes} | {rate} objects/s | skipped {skipped} | failed {failed} | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(0, 0, payload());
    return {
      listed() {
        counts.listed++;
        bar.setTotal(counts.listed);
      },
      outcome(outcome) {
        record(counts, outcome);
        bar.update(counts.processed + counts.skipped + counts.failed, payload());
      },
      stop() {
        bar.stop();
      },
    };
  }
  const line = () =>
    stream.write(
      `progress: ${counts.processed} processed, ${counts.skipped} skipped, ${counts.failed} failed of ${counts.listed} listed; ` +
        `${formatBytes(counts.bytesIn)} in; ${rate().toFixed(1)} objects/s\n`,
    );
  const timer = setInterval(line, options.intervalMs ?? 5000);
  timer.unref();
  return {
    listed() {
      counts.listed++;
    },
    outcome(outcome) {
      record(counts, outcome);
    },
    stop() {
      clearInterval(timer);
    },
  };
}

function record(
  counts: { processed: number; skipped: number; failed: number; bytesIn: number },
  o: ObjectOutcome,
) {
  if (o.status === 'processed') {
    counts.processed++;
    counts.bytesIn += o.bytesIn;
  } else if (o.status === 'skipped') counts.skipped++;
  else counts.failed++;
}
