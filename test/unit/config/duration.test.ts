import { describe, expect, it } from 'vitest';
import { formatDurationSec, parseDurationMs } from '../../../src/config/duration.js';

describe('parseDurationMs, the one duration parser', () => {
  it.each([
    ['1h', 3_600_000],
    ['90m', 5_400_000],
    ['3600s', 3_600_000],
    ['1h30m', 5_400_000],
    ['2h0m5s', 7_205_000],
    ['500ms', 500],
    ['1m30s250ms', 90_250],
    ['30s', 30_000],
    ['900', 900_000],
    [' 15m ', 900_000],
    [1800, 1_800_000],
    [0, 0],
    ['0', 0],
    ['', undefined],
    ['h', undefined],
    ['1d', 86_400_000],
    ['30d', 2_592_000_000],
    ['2d12h', 216_000_000],
    ['1d 1h', undefined],
    ['1h1d', undefined],
    ['1w', undefined],
    ['1.5h', undefined],
    ['30m1h', undefined],
    ['1 h', undefined],
    ['-5s', undefined],
    [-5, undefined],
    [2.5, undefined],
  ])('%j is %j ms', (input, expected) => {
    expect(parseDurationMs(input)).toBe(expected);
  });
});

describe('formatDurationSec, the one duration formatter', () => {
  it.each([
    [900, '15m'],
    [3600, '1h'],
    [43200, '12h'],
    [5400, '1h30m'],
    [61, '1m1s'],
    [86_400, '1d'],
    [3650 * 86_400, '3650d'],
    [90_061, '1d1h1m1s'],
    [45, '45s'],
    [0, '0s'],
  ])('%i seconds is %s', (sec, text) => {
    expect(formatDurationSec(sec)).toBe(text);
  });

  it.each([900, 3600, 5400, 61, 43199])('%i seconds reads back as the same duration', (sec) => {
    expect(parseDurationMs(formatDurationSec(sec))).toBe(sec * 1000);
  });
});
