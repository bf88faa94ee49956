import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/observe/logger.js';
import type { CheckResult, ConnectionReport } from '../../../src/onboarding/verify/verify-types.js';
import { DriftWatch } from '../../../src/service/drift-watch.js';

const HOUR_MS = 3600_000;

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

const check = (id: string, status: CheckResult['status']): CheckResult => ({
  id,
  status,
  detail: `${id} is ${status}`,
  remediation: status === 'fail' ? `fix ${id}` : '',
});

/** A watch whose verify answers from `failing(call)` (ids of failed checks), recording calls, logs and gauge values. */
function world(
  options: { intervalMs?: number; failing?: (call: number) => string[]; verifyMs?: number } = {},
) {
  const calls: Array<{ connection: string; at: string }> = [];
  const gauge: Array<[string, number]> = [];
  const lines: Array<Record<string, unknown>> = [];
  let intervalMs = options.intervalMs ?? 6 * HOUR_MS;
  const watch = new DriftWatch({
    intervalMs: () => intervalMs,
    async verify(connection): Promise<ConnectionReport> {
      calls.push({ connection, at: new Date().toISOString() });
      const failed = options.failing?.(calls.length) ?? [];
      if (options.verifyMs) await new Promise((resolve) => setTimeout(resolve, options.verifyMs));
      return {
        name: connection,
        processingRegion: 'us-east-1',
        checks: ['role.assume', 'notification.config', 'destination.write'].map((id) =>
          check(id, failed.includes(id) ? 'fail' : 'pass'),
        ),
      };
    },
    onResult: (connection, failed) => gauge.push([connection, failed]),
    logger: createLogger({
      level: 'debug',
      pretty: false,
      destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    }),
  });
  const logs = (msg: string) => lines.filter((line) => line.msg === msg);
  return { watch, calls, gauge, logs, setIntervalMs: (ms: number) => (intervalMs = ms) };
}

describe('periodic verify scheduling', () => {
  it('verifies a connection when it is watched and then every interval after the previous verify ended', async () => {
    const w = world({ verifyMs: 1000 });
    w.watch.watch('acme');
    await vi.advanceTimersByTimeAsync(0);
    expect(w.calls.map((c) => c.at)).toEqual(['2026-01-01T00:00:00.000Z']);
    await vi.advanceTimersByTimeAsync(2 * (6 * HOUR_MS + 1000) + 1000);
    expect(w.calls.map((c) => c.at)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T06:00:01.000Z',
      '2026-01-01T12:00:02.000Z',
    ]);
    expect(w.watch.result('acme')).toEqual({
      at: '2026-01-01T12:00:03.000Z',
      passed: true,
      failedChecks: [],
    });
    await w.watch.stop();
  });

  it('watching a connection again does not add a second schedule', async () => {
    const w = world();
    w.watch.watch('acme');
    w.watch.watch('acme');
    await vi.advanceTimersByTimeAsync(6 * HOUR_MS);
    w.watch.watch('acme');
    await vi.advanceTimersByTimeAsync(1);
    expect(w.calls).toHaveLength(2);
    await w.watch.stop();
  });

  it('never verifies with an interval of 0 (off), and starts when a reload sets one', async () => {
    const w = world({ intervalMs: 0 });
    w.watch.watch('acme');
    await vi.advanceTimersByTimeAsync(24 * HOUR_MS);
    expect(w.calls).toEqual([]);
    expect(w.watch.result('acme')).toBeUndefined();
    w.setIntervalMs(HOUR_MS);
    w.watch.reschedule();
    await vi.advanceTimersByTimeAsync(2 * HOUR_MS);
    expect(w.calls).toHaveLength(3);
    await w.watch.stop();
  });

  it('stops verifying a forgotten connection and schedules nothing after stop', async () => {
    const w = world();
    w.watch.watch('acme');
    w.watch.watch('nightly');
    await vi.advanceTimersByTimeAsync(0);
    w.watch.forget('acme');
    expect(w.watch.result('acme')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(6 * HOUR_MS);
    expect(w.calls.map((c) => c.connection)).toEqual(['acme', 'nightly', 'nightly']);
    await w.watch.stop();
    w.watch.watch('acme');
    await vi.advanceTimersByTimeAsync(24 * HOUR_MS);
    expect(w.calls).toHaveLength(3);
  });
});

describe('what a periodic verify reports', () => {
  it('warns once for each check that started failing, and tells when it passes again', async () => {
    // Verify 1 passes, 2 and 3 fail the notification (3 also the role), 4 passes again.
    const failing = [[], ['notification.config'], ['notification.config', 'role.assume'], []];
    const w = world({ failing: (call) => failing[call - 1] ?? [] });
    w.watch.watch('acme');
    await vi.advanceTimersByTimeAsync(3 * 6 * HOUR_MS);
    expect(w.calls).toHaveLength(4);
    expect(
      w
        .logs('drift: verify check started failing')
        .map((l) => [l.connection, l.check, l.detail, l.remediation]),
    ).toEqual([
      ['acme', 'notification.config', 'notification.config is fail', 'fix notification.config'],
      ['acme', 'role.assume', 'role.assume is fail', 'fix role.assume'],
    ]);
    expect(w.logs('drift: verify check passes again').map((l) => [l.connection, l.check])).toEqual([
      ['acme', 'role.assume'],
      ['acme', 'notification.config'],
    ]);
    expect(w.gauge).toEqual([
      ['acme', 0],
      ['acme', 1],
      ['acme', 2],
      ['acme', 0],
    ]);
    await w.watch.stop();
  });

  it('keeps the failed check ids in the result', async () => {
    const w = world({ failing: () => ['notification.config'] });
    w.watch.watch('acme');
    await vi.advanceTimersByTimeAsync(0);
    expect(w.watch.result('acme')).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      passed: false,
      failedChecks: ['notification.config'],
    });
    await w.watch.stop();
  });

  it('logs a verify that could not run and tries again after the interval', async () => {
    let calls = 0;
    const lines: Array<Record<string, unknown>> = [];
    const watch = new DriftWatch({
      intervalMs: () => HOUR_MS,
      async verify() {
        calls++;
        throw new Error('socket hang up');
      },
      logger: createLogger({
        level: 'info',
        pretty: false,
        destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
      }),
    });
    watch.watch('acme');
    await vi.advanceTimersByTimeAsync(HOUR_MS);
    expect(calls).toBe(2);
    expect(lines.filter((l) => l.msg === 'drift: periodic verify could not run').map((l) => l.error)).toEqual(
      ['socket hang up', 'socket hang up'],
    );
    await watch.stop();
  });
});
