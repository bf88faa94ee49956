import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../../src/config/resolved-config.js';
import { parseSchedule } from '../../../src/config/schedule.js';
import { ConnectionUnit, type UnitWork } from '../../../src/service/connection-unit.js';
import { Supervisor } from '../../../src/service/supervisor.js';

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A batch work whose runs succeed or fail as told, counting them. */
function fakeBatch(schedule: string | undefined, fail: (run: number) => Error | undefined = () => undefined) {
  const runs: Date[] = [];
  let active = 0;
  let maxActive = 0;
  const work: UnitWork = {
    kind: 'batch',
    schedule: schedule === undefined ? undefined : parseSchedule(schedule),
    async runOnce() {
      runs.push(new Date());
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        await new Promise((resolve) => setTimeout(resolve, 10));
        const error = fail(runs.length);
        if (error) throw error;
      } finally {
        active--;
      }
    },
  };
  return { work, runs, maxActive: () => maxActive };
}

const noJitter = { random: () => 0.999999 };

describe('a batch unit', () => {
  it('without a schedule runs once at start and then stays idle', async () => {
    const batch = fakeBatch(undefined);
    const unit = new ConnectionUnit({ name: 'a', work: batch.work });
    expect(unit.state).toBe('starting');
    unit.start();
    expect(unit.state).toBe('running');
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(unit.state).toBe('idle');
    expect(batch.runs).toHaveLength(1);
    expect(unit.nextRunAt).toBeUndefined();
  });

  it('with a duration schedule runs again that long after the previous run started', async () => {
    const batch = fakeBatch('15m');
    const unit = new ConnectionUnit({ name: 'a', work: batch.work });
    unit.start();
    await vi.advanceTimersByTimeAsync(20);
    expect(unit.state).toBe('idle');
    expect(unit.nextRunAt?.toISOString()).toBe('2026-01-01T00:15:00.000Z');
    await vi.advanceTimersByTimeAsync(45 * 60_000);
    expect(batch.runs.map((d) => d.toISOString())).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:15:00.000Z',
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T00:45:00.000Z',
    ]);
  });

  it('with a cron schedule runs at the times croner gives, never two runs at once', async () => {
    const batch = fakeBatch('0 2 * * *');
    const unit = new ConnectionUnit({ name: 'a', work: batch.work });
    unit.start();
    await vi.advanceTimersByTimeAsync(49 * 3600_000);
    expect(batch.runs.map((d) => d.toISOString())).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
      '2026-01-02T02:00:00.000Z',
    ]);
    expect(batch.maxActive()).toBe(1);
  });

  it('a failing run puts it in failing with the last error and retries with exponential backoff capped at 5 minutes', async () => {
    const batch = fakeBatch(undefined, (run) => (run <= 12 ? new Error(`AccessDenied ${run}`) : undefined));
    const states: string[] = [];
    const unit = new ConnectionUnit({
      name: 'a',
      work: batch.work,
      ...noJitter,
      onStateChange: (changed) => states.push(changed.state),
    });
    unit.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(unit.state).toBe('failing');
    expect(unit.lastError).toEqual({ message: 'AccessDenied 1', at: '2026-01-01T00:00:00.010Z' });
    await vi.advanceTimersByTimeAsync(3 * 3600_000);
    expect(unit.state).toBe('idle');
    // Retries stay `failing` until a run succeeds: no flicker to healthy on each attempt.
    expect(states).toEqual(['running', 'failing', 'idle']);
    expect(unit.lastError).toBeUndefined();
    const gapsMs = batch.runs.slice(1).map((d, i) => d.getTime() - batch.runs[i]!.getTime() - 10);
    // 1 s, 2 s, 4 s ... doubling, then never more than 5 minutes.
    expect(gapsMs.slice(0, 4)).toEqual([999, 1999, 3999, 7999]);
    expect(Math.max(...gapsMs)).toBe(299_999);
  });

  it('stop while idle resolves at once and runs nothing more', async () => {
    const batch = fakeBatch('1m');
    const unit = new ConnectionUnit({ name: 'a', work: batch.work });
    unit.start();
    await vi.advanceTimersByTimeAsync(20);
    await unit.stop(1000);
    expect(unit.state).toBe('stopping');
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(batch.runs).toHaveLength(1);
  });

  it('stop during a run lets it finish within the grace period', async () => {
    let aborted = false;
    const unit = new ConnectionUnit({
      name: 'a',
      work: {
        kind: 'batch',
        schedule: undefined,
        runOnce: (signal) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve();
            });
          }),
      },
    });
    unit.start();
    const stopped = unit.stop(5000);
    let done = false;
    void stopped.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(4999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(aborted).toBe(true);
    expect(done).toBe(true);
  });
});

describe('a live unit', () => {
  it('retries a start that fails, then runs; trouble reported while running makes it failing until healthy', async () => {
    let attempts = 0;
    let health: Parameters<Extract<UnitWork, { kind: 'live' }>['start']>[0] | undefined;
    const stops: number[] = [];
    const unit = new ConnectionUnit({
      name: 'l',
      ...noJitter,
      work: {
        kind: 'live',
        async start(h) {
          attempts++;
          if (attempts < 3) throw new Error('AWS.SimpleQueueService.NonExistentQueue');
          health = h;
          return { stop: async (graceMs) => void stops.push(graceMs) };
        },
      },
    });
    unit.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(unit.state).toBe('failing');
    expect(unit.lastError?.message).toBe('AWS.SimpleQueueService.NonExistentQueue');
    await vi.advanceTimersByTimeAsync(3000);
    expect(attempts).toBe(3);
    expect(unit.state).toBe('running');
    health!.failing(new Error('queue deleted'));
    expect(unit.state).toBe('failing');
    health!.healthy();
    expect(unit.state).toBe('running');
    await unit.stop(1234);
    expect(stops).toEqual([1234]);
  });
});

describe('the supervisor', () => {
  const connection = (name: string, workflow: 'batch' | 'live' = 'batch') =>
    ({ name, workflow }) as Connection;

  it('one failing connection does not stop the others', async () => {
    const works = new Map([
      ['good', fakeBatch('1m')],
      ['bad', fakeBatch('1m', () => new Error('AccessDenied'))],
    ]);
    const supervisor = new Supervisor({ workFor: (c) => works.get(c.name)!.work, unitRetry: noJitter });
    await supervisor.apply(
      [...works.keys()].map((name) => ({ connection: connection(name), fingerprint: name })),
    );
    await vi.advanceTimersByTimeAsync(5 * 60_000 + 20);
    const states = Object.fromEntries(supervisor.connections().map((c) => [c.connection.name, c.unit.state]));
    expect(states).toEqual({ good: 'idle', bad: 'failing' });
    expect(works.get('good')!.runs).toHaveLength(6);
    await supervisor.stop(0);
  });

  it('apply starts added, stops removed, restarts changed and leaves unchanged connections alone', async () => {
    const started: string[] = [];
    const stopped: string[] = [];
    const supervisor = new Supervisor({
      workFor: (c) => ({
        kind: 'live',
        async start() {
          started.push(c.name);
          return { stop: async () => void stopped.push(c.name) };
        },
      }),
    });
    await supervisor.apply([
      { connection: connection('keep', 'live'), fingerprint: '1' },
      { connection: connection('change', 'live'), fingerprint: '1' },
      { connection: connection('remove', 'live'), fingerprint: '1' },
    ]);
    await vi.advanceTimersByTimeAsync(0);
    const result = await supervisor.apply([
      { connection: connection('keep', 'live'), fingerprint: '1' },
      { connection: connection('change', 'live'), fingerprint: '2' },
      { connection: connection('add', 'live'), fingerprint: '1' },
    ]);
    await vi.advanceTimersByTimeAsync(0);
    expect(result).toEqual({
      added: ['add'],
      removed: ['remove'],
      restarted: ['change'],
      unchanged: ['keep'],
    });
    expect(started).toEqual(['keep', 'change', 'remove', 'add', 'change']);
    expect(stopped.sort()).toEqual(['change', 'remove']);
    expect(
      supervisor
        .connections()
        .map((c) => c.connection.name)
        .sort(),
    ).toEqual(['add', 'change', 'keep']);
    await supervisor.stop(0);
  });
});

describe('schedules', () => {
  it.each([
    ['15m', true],
    ['1h30m', true],
    ['0 2 * * *', true],
    ['*/5 * * * *', true],
    ['0', false],
    ['every day', false],
    ['0 2 * *', false],
    ['0 0 2 * * *', false],
  ])('%s is a schedule: %s', (text, valid) => {
    expect(parseSchedule(text) !== undefined).toBe(valid);
  });
});
