import { describe, expect, it } from 'vitest';
import { validateConfigText } from '../../../src/config/load-config.js';
import { renderConfigReference } from '../../../src/config/reference-doc.js';
import { formatRetention, parseRetentionMs } from '../../../src/config/retention.js';
import { ConfigError } from '../../../src/errors/index.js';
import { VALID_CONFIG, withReplaced } from '../../fixtures/config.js';

const DAY_MS = 86_400_000;
const LEDGER_LINE = 'ledger: sqlite:./bucketbridge.db';

function withLedger(value: string): string {
  return withReplaced(VALID_CONFIG, LEDGER_LINE, `ledger: ${value}`);
}

function problemsOf(text: string): string[] {
  try {
    validateConfigText('bb.yaml', text, { env: {} });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message.split('\n');
  }
}

describe('a retention period', () => {
  it.each([
    ['90d', 90 * DAY_MS],
    ['14d', 14 * DAY_MS],
    ['2d400h', 2 * DAY_MS + 400 * 3_600_000],
    ['336h', 14 * DAY_MS],
    [' 30d ', 30 * DAY_MS],
  ])('reads %j', (text, ms) => {
    expect(parseRetentionMs(text)).toBe(ms);
  });

  it.each(['5x', '', 'd', '90', '13d', '13d23h', '2d5', '90days', '-90d', '1.5d'])('refuses %j', (text) => {
    expect(parseRetentionMs(text)).toBeUndefined();
  });

  it('is shown in days when it is whole days, else in hours', () => {
    expect([formatRetention(90 * DAY_MS), formatRetention(400 * 3_600_000)]).toEqual(['90d', '400h']);
  });
});

describe('the ledger key', () => {
  it('still takes the string form, with no retention', () => {
    const { config } = validateConfigText('bb.yaml', VALID_CONFIG, { env: {} });
    expect(config.ledger).toBe('sqlite:./bucketbridge.db');
    expect(config.ledgerRetention).toBeUndefined();
  });

  it('takes a block with url and retention; batch connections stay out unless asked', () => {
    const block = validateConfigText(
      'bb.yaml',
      withLedger('{ url: "postgres://bb@db:5432/bb", retention: 90d }'),
      {
        env: {},
      },
    ).config;
    expect(block.ledger).toBe('postgres://bb@db:5432/bb');
    expect(block.ledgerRetention).toEqual({ olderThanMs: 90 * DAY_MS, includeBatch: false });
    const withBatch = validateConfigText(
      'bb.yaml',
      withLedger('{ retention: 30d, retentionIncludesBatch: true }'),
      { env: {} },
    ).config;
    expect(withBatch.ledger).toBe('sqlite:./bucketbridge.db');
    expect(withBatch.ledgerRetention).toEqual({ olderThanMs: 30 * DAY_MS, includeBatch: true });
  });

  it.each([
    [
      'a retention that is not a duration',
      '{ url: "sqlite:./bb.db", retention: 5x }',
      'bb.yaml:10:45: ledger.retention: expected a duration of at least 14d such as 90d, 30d or 2160h (a queue can redeliver a message for up to 14 days), found "5x"',
    ],
    [
      'a retention shorter than a queue keeps a message',
      '{ retention: 7d }',
      'bb.yaml:10:22: ledger.retention: expected a duration of at least 14d such as 90d, 30d or 2160h (a queue can redeliver a message for up to 14 days), found "7d"',
    ],
    [
      'a block with an unknown key',
      '{ url: "sqlite:./bb.db", retain: 90d }',
      'bb.yaml:10:34: ledger.retain: expected a known key, found `retain` (allowed here: `url`, `retention`, `retentionIncludesBatch`)',
    ],
    [
      'a block whose url is not a ledger',
      '{ url: "./bb.db" }',
      'bb.yaml:10:16: ledger.url: expected sqlite:PATH or postgres://..., found "./bb.db"',
    ],
    [
      'a number',
      '5',
      'bb.yaml:10:9: ledger: expected sqlite:PATH or postgres://..., or a block with url and retention, found 5',
    ],
  ])('locates %s', (_name, value, expected) => {
    expect(problemsOf(withLedger(value))).toEqual([expected]);
  });

  it('documents the block form in the configuration reference', () => {
    const doc = renderConfigReference();
    expect(doc).toContain(
      '| `ledger` | string or mapping (below) | `sqlite:./bucketbridge.db` | sqlite:PATH or postgres://... |',
    );
    expect(doc).toContain('## `ledger`');
    expect(doc).toContain(
      '| `retention` | string | not set | a duration of at least 14d such as 90d, 30d or 2160h (a queue can redeliver a message for up to 14 days) |',
    );
  });
});
