import { describe, expect, it } from 'vitest';
import { createObjectFilter } from '../../../src/core/object-filter.js';
import { planEvents, sourceObjectOf } from '../../../src/live/plan-events.js';
import type { ObjectEvent } from '../../../src/sources/s3-event-parser.js';

const filter = createObjectFilter({
  bucket: 'src',
  prefix: 'in/',
  include: [],
  exclude: ['*.tmp'],
  maxSizeBytes: 100,
});

function event(key: string, overrides: Partial<ObjectEvent> = {}): ObjectEvent {
  return {
    bucket: 'src',
    key,
    kind: 'created',
    eventName: 'ObjectCreated:Put',
    eventTime: '2026-11-23T18:00:00.000Z',
    sizeBytes: 10,
    eTag: 'e1',
    sequencer: '01',
    ...overrides,
  };
}

const summary = (events: ObjectEvent[]) =>
  planEvents(events, { bucket: 'src', filter }).map((plan) =>
    plan.action === 'process'
      ? `process ${plan.event.key} ${plan.event.eTag}`
      : `ignore ${plan.event.key} ${plan.reason}`,
  );

describe('planning the events of one message', () => {
  it.each([
    ['one created object', [event('in/a')], ['process in/a e1']],
    ['an excluded glob', [event('in/a.tmp')], ['ignore in/a.tmp filter:excluded']],
    ['a folder marker', [event('in/dir/')], ['ignore in/dir/ filter:folder-marker']],
    ['an object too large', [event('in/big', { sizeBytes: 101 })], ['ignore in/big filter:too-large']],
    [
      'two records of one key, newer last',
      [event('in/a', { sequencer: '0F', eTag: 'old' }), event('in/a', { sequencer: '10', eTag: 'new' })],
      ['ignore in/a coalesced', 'process in/a new'],
    ],
    [
      'two records of one key, newer first (sequencers of different lengths)',
      [event('in/a', { sequencer: '0100', eTag: 'new' }), event('in/a', { sequencer: 'FF', eTag: 'old' })],
      ['ignore in/a coalesced', 'process in/a new'],
    ],
    [
      'a creation then a removal of one key',
      [event('in/a', { sequencer: '01' }), event('in/a', { sequencer: '02', kind: 'removed' })],
      ['ignore in/a coalesced', 'ignore in/a removed'],
    ],
    ['different keys', [event('in/a'), event('in/b')], ['process in/a e1', 'process in/b e1']],
  ])('%s', (_what, events, expected) => {
    expect(summary(events)).toEqual(expected);
  });
});

describe('the pipeline view of an event', () => {
  it('keeps the ETag unquoted, size, sequencer and event time, and leaves out the version ID', () => {
    expect(sourceObjectOf(event('in/a', { eTag: '"abc"', versionId: 'v1' }))).toEqual({
      bucket: 'src',
      key: 'in/a',
      etag: 'abc',
      size: 10,
      sequencer: '01',
      lastModified: new Date('2026-11-23T18:00:00.000Z'),
    });
  });
});
