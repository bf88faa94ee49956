import { describe, expect, it } from 'vitest';
import { filterPolicyMatches, parseFilterPolicy } from '../../../../sandbox/sns/filter-policy.js';
import type { SnsMessageAttribute } from '../../../../sandbox/sns/notification-envelope.js';

const attrs: Record<string, SnsMessageAttribute> = {
  event: { DataType: 'String', StringValue: 'ObjectCreated:Put' },
  size: { DataType: 'Number', StringValue: '1500' },
  tags: { DataType: 'String.Array', StringValue: '["red","blue"]' },
};

describe('filter policies on message attributes', () => {
  it.each<[string, object, boolean]>([
    ['an exact string', { event: ['ObjectCreated:Put'] }, true],
    ['another exact string', { event: ['ObjectRemoved:Delete'] }, false],
    ['a prefix', { event: [{ prefix: 'ObjectCreated' }] }, true],
    ['a suffix', { event: [{ suffix: ':Copy' }] }, false],
    ['equals-ignore-case', { event: [{ 'equals-ignore-case': 'objectcreated:put' }] }, true],
    ['anything-but a listed value', { event: [{ 'anything-but': ['ObjectCreated:Put'] }] }, false],
    ['anything-but a prefix', { event: [{ 'anything-but': { prefix: 'ObjectRemoved' } }] }, true],
    ['a numeric range that holds', { size: [{ numeric: ['>', 1000, '<=', 2000] }] }, true],
    ['a numeric range that does not', { size: [{ numeric: ['<', 1000] }] }, false],
    ['an exact number', { size: [1500] }, true],
    ['one element of a string array', { tags: ['blue'] }, true],
    ['exists true on a present key', { event: [{ exists: true }] }, true],
    ['exists false on a missing key', { missing: [{ exists: false }] }, true],
    ['a value for a missing key', { missing: ['x'] }, false],
    [
      'two keys, both matching (AND)',
      { event: [{ prefix: 'Object' }], size: [{ numeric: ['>=', 1500] }] },
      true,
    ],
    [
      'two keys, one failing (AND)',
      { event: [{ prefix: 'Object' }], size: [{ numeric: ['>', 1500] }] },
      false,
    ],
    ['two values, one matching (OR)', { event: ['nope', 'ObjectCreated:Put'] }, true],
  ])('%s', (_name, policy, expected) => {
    expect(filterPolicyMatches(policy as Record<string, unknown>, 'MessageAttributes', 'body', attrs)).toBe(
      expected,
    );
  });
});

describe('filter policies on message bodies', () => {
  const body = JSON.stringify({ detail: { bucket: 'logs', size: 10 }, source: 'aws.s3' });

  it.each<[string, object, boolean]>([
    ['a nested exact value', { detail: { bucket: ['logs'] } }, true],
    ['a nested mismatch', { detail: { bucket: ['other'] } }, false],
    [
      'a top-level and a nested key',
      { source: ['aws.s3'], detail: { size: [{ numeric: ['<', 100] }] } },
      true,
    ],
  ])('%s', (_name, policy, expected) => {
    expect(filterPolicyMatches(policy as Record<string, unknown>, 'MessageBody', body, {})).toBe(expected);
  });

  it('never matches a body that is not JSON', () => {
    expect(filterPolicyMatches({ a: ['b'] }, 'MessageBody', 'plain text', {})).toBe(false);
  });
});

describe('parsing filter policies', () => {
  it.each([
    ['not json', 'Invalid parameter: FilterPolicy: failed to parse JSON.'],
    ['[1,2]', 'Invalid parameter: FilterPolicy: Filter policy must be a JSON object'],
  ])('refuses %s', (raw, message) => {
    expect(() => parseFilterPolicy(raw)).toThrow(message);
  });
});
