import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../../src/config/schedule.js';

describe("a schedule's tick (the key of a fleet's shared batch run)", () => {
  it.each([
    ['15m', '2026-12-04T10:07:31.250Z', '2026-12-04T10:00:00.000Z'],
    ['15m', '2026-12-04T10:15:00.000Z', '2026-12-04T10:15:00.000Z'],
    ['1h', '2026-12-04T10:59:59.999Z', '2026-12-04T10:00:00.000Z'],
    ['0 2 * * *', '2026-12-04T10:07:00.000Z', '2026-12-04T02:00:00.000Z'],
    ['0 2 * * *', '2026-12-04T01:59:00.000Z', '2026-12-03T02:00:00.000Z'],
    ['0 2 * * *', '2026-12-04T02:00:00.400Z', '2026-12-04T02:00:00.000Z'],
    ['*/10 * * * *', '2026-12-04T10:29:59.000Z', '2026-12-04T10:20:00.000Z'],
  ])('%s at %s is the tick of %s, on every machine', (text, at, tick) => {
    expect(parseSchedule(text)!.tickAt(new Date(at)).toISOString()).toBe(tick);
  });

  it('moves on only at the next tick', () => {
    const schedule = parseSchedule('0 2 * * *')!;
    const first = schedule.tickAt(new Date('2026-12-04T02:00:05Z'));
    const next = schedule.nextAfter(first)!;
    expect(schedule.tickAt(new Date(next.getTime() - 1)).getTime()).toBe(first.getTime());
    expect(schedule.tickAt(next).getTime()).toBe(next.getTime());
  });
});
