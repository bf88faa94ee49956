import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/config/resolved-config.js';
import { createObjectFilter, type FilterVerdict } from '../../../src/core/object-filter.js';

type Source = Connection['source'];
const base: Source = { bucket: 'src', prefix: 'logs/', include: [], exclude: [] };
const at = (iso: string) => new Date(iso);

describe('which objects a connection processes', () => {
  const cases: Array<
    [string, Partial<Source>, { key: string; size?: number; lastModified?: Date }, FilterVerdict]
  > = [
    ['a key under the prefix', {}, { key: 'logs/a.gz' }, undefined],
    ['a key outside the prefix', {}, { key: 'other/a.gz' }, 'outside-prefix'],
    ['a folder marker', {}, { key: 'logs/2024/' }, 'folder-marker'],
    ['an include glob relative to the prefix', { include: ['*.gz'] }, { key: 'logs/a.gz' }, undefined],
    ['a key the include globs miss', { include: ['*.gz'] }, { key: 'logs/a.txt' }, 'not-included'],
    ['globstar across folders', { include: ['**/*.gz'] }, { key: 'logs/2024/01/a.gz' }, undefined],
    ['a dotfile matching a glob', { include: ['*.gz'] }, { key: 'logs/.hidden.gz' }, undefined],
    ['an exclude glob', { exclude: ['tmp/**'] }, { key: 'logs/tmp/x' }, 'excluded'],
    [
      'exclude winning over include',
      { include: ['**'], exclude: ['*.tmp'] },
      { key: 'logs/a.tmp' },
      'excluded',
    ],
    ['the suffix', { suffix: '.mp4' }, { key: 'logs/v.mov' }, 'suffix'],
    ['a size below the minimum', { minSizeBytes: 10 }, { key: 'logs/a', size: 9 }, 'too-small'],
    ['a size at the minimum', { minSizeBytes: 10 }, { key: 'logs/a', size: 10 }, undefined],
    ['a size above the maximum', { maxSizeBytes: 10 }, { key: 'logs/a', size: 11 }, 'too-large'],
    ['a zero-byte object with no bounds', {}, { key: 'logs/empty', size: 0 }, undefined],
    [
      'an object modified before modifiedAfter',
      { modifiedAfter: '2024-01-01T00:00:00Z' },
      { key: 'logs/a', lastModified: at('2023-12-31T23:59:59Z') },
      'modified-too-early',
    ],
    [
      'an object modified exactly at modifiedAfter',
      { modifiedAfter: '2024-01-01T00:00:00Z' },
      { key: 'logs/a', lastModified: at('2024-01-01T00:00:00Z') },
      undefined,
    ],
    [
      'an object modified exactly at modifiedBefore',
      { modifiedBefore: '2024-01-01T00:00:00+00:00' },
      { key: 'logs/a', lastModified: at('2024-01-01T00:00:00Z') },
      'modified-too-late',
    ],
    ['keys with spaces, + and unicode', { include: ['a b+c*'] }, { key: 'logs/a b+cé%.txt' }, undefined],
  ];
  it.each(cases)('judges %s', (_name, settings, object, verdict) => {
    const filter = createObjectFilter({ ...base, ...settings });
    expect(filter({ bucket: 'src', ...object })).toBe(verdict);
  });

  it('processes the whole bucket when the prefix is empty', () => {
    const filter = createObjectFilter({ ...base, prefix: '' });
    expect(filter({ bucket: 'src', key: 'anything/at/all' })).toBeUndefined();
  });
});

describe('source.ignoreOlderThan', () => {
  const day = 86_400_000;
  const start = Date.parse('2026-12-04T12:00:00Z');
  const object = (iso: string) => ({ bucket: 'src', key: 'logs/a', lastModified: at(iso) });

  it.each([
    ['older than the bound', '2026-11-04T11:59:59Z', 'ignored-older'],
    ['exactly at the bound', '2026-11-04T12:00:00Z', undefined],
    ['newer than the bound', '2026-12-01T00:00:00Z', undefined],
  ] as const)('with 30d, counted back from the given start: an object %s', (_name, modified, verdict) => {
    const filter = createObjectFilter({ ...base, ignoreOlderThanMs: 30 * day }, { now: () => start });
    expect(filter(object(modified))).toBe(verdict);
  });

  it('lets the later bound win when modifiedAfter is set too', () => {
    const later = createObjectFilter(
      { ...base, ignoreOlderThanMs: 30 * day, modifiedAfter: '2026-11-20T00:00:00Z' },
      { now: () => start },
    );
    expect(later(object('2026-11-10T00:00:00Z'))).toBe('modified-too-early');
    const earlier = createObjectFilter(
      { ...base, ignoreOlderThanMs: 30 * day, modifiedAfter: '2026-01-01T00:00:00Z' },
      { now: () => start },
    );
    expect(earlier(object('2026-10-01T00:00:00Z'))).toBe('ignored-older');
    expect(earlier(object('2026-11-10T00:00:00Z'))).toBeUndefined();
  });

  it('judges each object against the clock it is given: fixed for a batch run, moving for live', () => {
    let clock = start;
    const moving = createObjectFilter({ ...base, ignoreOlderThanMs: day }, { now: () => clock });
    expect(moving(object('2026-12-04T00:00:00Z'))).toBeUndefined();
    clock += day;
    expect(moving(object('2026-12-04T00:00:00Z'))).toBe('ignored-older');
  });

  it('keeps an object whose time is unknown (the listing or event gave none)', () => {
    const filter = createObjectFilter({ ...base, ignoreOlderThanMs: 1 }, { now: () => start });
    expect(filter({ bucket: 'src', key: 'logs/a' })).toBeUndefined();
  });
});
