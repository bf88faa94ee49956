import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Config, parseConfig } from '../../../src/config/index.js';
import { createLogger } from '../../../src/observe/logger.js';
import { startLedgerRetention } from '../../../src/service/ledger-retention-job.js';
import type { LedgerMaintenance, PrunedCount, PruneOptions } from '../../../src/state/ledger-maintenance.js';

const DAY_MS = 86_400_000;
const START = new Date('2026-06-01T00:00:00Z');

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

function configWith(ledger: unknown): Config {
  const connection = (name: string, workflow: 'batch' | 'live', live?: object) => ({
    name,
    accountId: '222222222222',
    source: { bucket: `${name}-src` },
    destination: { bucket: `${name}-dst` },
    workflow,
    ...(live ? { live } : {}),
  });
  const queueUrl = 'https://sqs.us-east-1.amazonaws.com/222222222222/events';
  return parseConfig({
    version: 2,
    vendor: { accountId: '111111111111', principals: ['arn:aws:iam::111111111111:root'] },
    ledger,
    connections: [
      connection('nightly', 'batch'),
      connection('events', 'live', { mode: 'sqs', queueUrl }),
      connection('backfilled', 'live', { mode: 'sqs', queueUrl, backfill: true }),
    ],
  });
}

/** A ledger that records each prune it is asked for and answers `answer(call)`. */
function world(
  ledgerSetting: unknown,
  answer: (call: number) => PrunedCount[] | Error | Promise<PrunedCount[]> = () => [],
) {
  let config = configWith(ledgerSetting);
  const prunes: Array<PruneOptions & { at: string }> = [];
  const ledger: LedgerMaintenance = {
    summarize: () => Promise.resolve([]),
    async prune(options) {
      prunes.push({ ...options, at: new Date().toISOString() });
      const result = await answer(prunes.length);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'info',
    pretty: false,
    destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const job = startLedgerRetention({ ledger, config: () => config, logger });
  return { job, prunes, lines, reload: (setting: unknown) => (config = configWith(setting)) };
}

describe('ledger.retention in bucketbridge run', () => {
  it('prunes a minute after start and then once a day, keeping listing connections, and logs what it removed', async () => {
    const w = world({ url: 'sqlite:./bb.db', retention: '90d' }, () => [
      { connection: 'events', done: 120, failed: 3 },
    ]);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(w.prunes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(w.prunes).toEqual([
      {
        at: '2026-06-01T00:01:00.000Z',
        finishedBefore: new Date(START.getTime() + 60_000 - 90 * DAY_MS),
        connection: undefined,
        keepConnections: ['backfilled', 'nightly'],
        dryRun: undefined,
      },
    ]);
    expect(
      w.lines.map((line) => [line.level, line.msg, line.removed, line.connections, line.keptBatch]),
    ).toEqual([
      [
        'info',
        'ledger retention: removed 123 entries finished more than 90d ago',
        123,
        [{ connection: 'events', done: 120, failed: 3 }],
        ['backfilled', 'nightly'],
      ],
    ]);
    await vi.advanceTimersByTimeAsync(DAY_MS);
    expect(w.prunes.map((p) => p.at)).toEqual(['2026-06-01T00:01:00.000Z', '2026-06-02T00:01:00.000Z']);
    await w.job.stop();
  });

  it('includes batch connections when retentionIncludesBatch is set', async () => {
    const w = world({ retention: '30d', retentionIncludesBatch: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(w.prunes[0]).toMatchObject({
      finishedBefore: new Date(START.getTime() + 60_000 - 30 * DAY_MS),
      keepConnections: [],
    });
    await w.job.stop();
  });

  it('does nothing while retention is unset, and follows a reload that sets or removes it', async () => {
    const w = world('sqlite:./bb.db');
    await vi.advanceTimersByTimeAsync(60_000 + DAY_MS);
    expect(w.prunes).toEqual([]);
    expect(w.lines).toEqual([]);
    w.reload({ retention: '14d' });
    await vi.advanceTimersByTimeAsync(DAY_MS);
    expect(w.prunes.map((p) => p.at)).toEqual(['2026-06-03T00:01:00.000Z']);
    w.reload('sqlite:./bb.db');
    await vi.advanceTimersByTimeAsync(DAY_MS);
    expect(w.prunes).toHaveLength(1);
    await w.job.stop();
  });

  it('logs a failed prune as a warning and tries again the next day', async () => {
    const w = world({ retention: '90d' }, (call) =>
      call === 1 ? new Error('connect ECONNREFUSED 127.0.0.1:5432') : [],
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(w.lines.map((line) => [line.level, line.msg, (line.err as { message?: string }).message])).toEqual(
      [['warn', 'ledger retention failed; it runs again tomorrow', 'connect ECONNREFUSED 127.0.0.1:5432']],
    );
    await vi.advanceTimersByTimeAsync(DAY_MS);
    expect(w.prunes).toHaveLength(2);
    expect(w.lines[1]?.msg).toBe('ledger retention: removed 0 entries finished more than 90d ago');
    await w.job.stop();
  });

  it('stops: no run after stop, and stop waits for a run under way', async () => {
    let release: () => void = () => undefined;
    let finished = false;
    const w = world({ retention: '90d' }, () =>
      new Promise<PrunedCount[]>((resolve) => {
        release = () => resolve([]);
      }).finally(() => {
        finished = true;
      }),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(w.prunes).toHaveLength(1);
    let stopResolved = false;
    const stopped = w.job.stop().then(() => {
      stopResolved = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopResolved).toBe(false);
    release();
    await stopped;
    expect(finished).toBe(true);
    await vi.advanceTimersByTimeAsync(3 * DAY_MS);
    expect(w.prunes).toHaveLength(1);
  });
});
