/** Table-driven tests for the S3 service's small parsers and orderings. */
import { describe, expect, it } from 'vitest';
import { bucketNameProblem } from '../../../../sandbox/s3/buckets.js';
import { listPage } from '../../../../sandbox/s3/listing.js';
import { parseRange } from '../../../../sandbox/s3/object-reads.js';
import { parseCopySource } from '../../../../sandbox/s3/object-writes.js';
import type { ObjectRecord } from '../../../../sandbox/s3/s3-state.js';
import { child, children, parseXml, text } from '../../../../sandbox/s3/s3-xml.js';
import { compareUtf8, SortedKeyMap } from '../../../../sandbox/s3/sorted-keys.js';
import { eventKeyEncode, listingEncoder } from '../../../../sandbox/s3/url-encoding.js';

describe('parseRange', () => {
  it.each([
    ['bytes=0-4', 10, { start: 0, end: 4 }],
    ['bytes=5-', 10, { start: 5, end: 9 }],
    ['bytes=-3', 10, { start: 7, end: 9 }],
    ['bytes=-30', 10, { start: 0, end: 9 }],
    ['bytes=8-100', 10, { start: 8, end: 9 }],
    ['bytes=10-', 10, 'unsatisfiable'],
    ['bytes=-0', 10, 'unsatisfiable'],
    ['bytes=0-0', 0, 'unsatisfiable'],
    ['bytes=5-2', 10, undefined],
    ['bytes=0-1,4-5', 10, undefined],
    ['items=0-1', 10, undefined],
    [undefined, 10, undefined],
  ])('%s of %i bytes is %j', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe('eventKeyEncode (keys in event notifications)', () => {
  it.each([
    ['a b.txt', 'a+b.txt'],
    ['a+b.txt', 'a%2Bb.txt'],
    ['100%.csv', '100%25.csv'],
    ['한글/x.txt', '%ED%95%9C%EA%B8%80/x.txt'],
    ["it's (1)!~*.txt", 'it%27s+%281%29%21%7E*.txt'],
    ['a=b&c', 'a%3Db%26c'],
  ])('%s is %s', (key, encoded) => {
    expect(eventKeyEncode(key)).toBe(encoded);
  });
});

describe('listingEncoder (encoding-type=url)', () => {
  it.each([
    ['a b.txt', 'a%20b.txt'],
    ['a+b.txt', 'a%2Bb.txt'],
    ['line\nbreak', 'line%0Abreak'],
    ['한글/x.txt', '%ED%95%9C%EA%B8%80/x.txt'],
    ["it's (1)!~*.txt", 'it%27s%20%281%29%21~%2A.txt'],
  ])('%s is %s', (key, encoded) => {
    expect(listingEncoder('url')?.(key)).toBe(encoded);
  });

  it('encodes nothing without encoding-type and refuses other encodings', () => {
    expect(listingEncoder(null)).toBeUndefined();
    expect(() => listingEncoder('base64')).toThrow('Invalid Encoding Method specified in Request');
  });
});

describe('bucketNameProblem', () => {
  it.each([
    ['my-bucket.data', undefined],
    ['abc', undefined],
    ['ab', 'must be 3 to 63 characters long'],
    ['a'.repeat(64), 'must be 3 to 63 characters long'],
    [
      'My-Bucket',
      'may contain only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit',
    ],
    [
      'bucket-',
      'may contain only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit',
    ],
    ['a..b', 'must not contain two adjacent periods'],
    ['10.0.0.1', 'must not be formatted as an IP address'],
    ['sthree-data', 'uses a reserved prefix or suffix'],
    ['data-s3alias', 'uses a reserved prefix or suffix'],
  ])('%s: %s', (name, problem) => {
    expect(bucketNameProblem(name)).toBe(problem);
  });
});

describe('parseCopySource', () => {
  it.each([
    ['bucket/key', { bucket: 'bucket', key: 'key' }],
    ['/bucket/dir/a%20b%2Bc.txt', { bucket: 'bucket', key: 'dir/a b+c.txt' }],
    ['bucket/k?versionId=abc', { bucket: 'bucket', key: 'k', versionId: 'abc' }],
    ['bucket/%E2%9C%93', { bucket: 'bucket', key: '✓' }],
  ])('%s names %j', (header, expected) => {
    expect(parseCopySource(header)).toEqual(expected);
  });

  it.each([['bucket'], ['bucket/'], ['/key-only']])('%s is refused with the bucket/key hint', (header) => {
    expect(() => parseCopySource(header)).toThrow(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    );
  });
});

describe('UTF-8 key order', () => {
  it('orders keys by their UTF-8 bytes, including characters above the BMP', () => {
    const keys = ['z', 'a', '\uFF5E', '😀', 'é', 'A', 'a/b', 'a0'];
    const expected = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...keys].sort(compareUtf8)).toEqual(expected);
  });
});

function mapOf(keys: string[]): SortedKeyMap<ObjectRecord> {
  const map = new SortedKeyMap<ObjectRecord>();
  for (const key of keys) map.set(key, { key } as ObjectRecord);
  return map;
}

describe('listPage', () => {
  const keys = ['a/1', 'a/2', 'b', 'c/x/1', 'c/y', 'd'];

  it('walks every key in order when there is no delimiter', () => {
    const page = listPage(mapOf(keys), { prefix: '', delimiter: '', marker: '', maxKeys: 1000 });
    expect(page.contents.map((o) => o.key)).toEqual(keys);
    expect(page.truncated).toBe(false);
  });

  it('rolls keys up at the delimiter after the prefix and resumes after a common prefix', () => {
    const map = mapOf(keys);
    const first = listPage(map, { prefix: '', delimiter: '/', marker: '', maxKeys: 2 });
    expect(first.commonPrefixes).toEqual(['a/']);
    expect(first.contents.map((o) => o.key)).toEqual(['b']);
    expect(first.truncated).toBe(true);
    const second = listPage(map, { prefix: '', delimiter: '/', marker: first.last!, maxKeys: 2 });
    expect(second.commonPrefixes).toEqual(['c/']);
    expect(second.contents.map((o) => o.key)).toEqual(['d']);
    expect(second.truncated).toBe(false);
    const nested = listPage(map, { prefix: 'c/', delimiter: '/', marker: '', maxKeys: 10 });
    expect(nested.commonPrefixes).toEqual(['c/x/']);
    expect(nested.contents.map((o) => o.key)).toEqual(['c/y']);
  });

  it('max-keys 0 returns an empty, untruncated page', () => {
    expect(listPage(mapOf(keys), { prefix: '', delimiter: '', marker: '', maxKeys: 0 })).toEqual({
      contents: [],
      commonPrefixes: [],
      truncated: false,
    });
  });

  it('keeps 100,000 keys sorted as they are inserted in any order and pages from the middle', () => {
    const map = new SortedKeyMap<ObjectRecord>();
    const all = Array.from(
      { length: 100_000 },
      (_, i) => `k/${String((i * 7919) % 100_000).padStart(6, '0')}`,
    );
    for (const key of all) map.set(key, { key } as ObjectRecord);
    const page = listPage(map, { prefix: 'k/', delimiter: '', marker: 'k/050000', maxKeys: 3 });
    expect(page.contents.map((o) => o.key)).toEqual(['k/050001', 'k/050002', 'k/050003']);
    map.delete('k/050002');
    expect(
      listPage(map, { prefix: 'k/', delimiter: '', marker: 'k/050000', maxKeys: 2 }).contents.map(
        (o) => o.key,
      ),
    ).toEqual(['k/050001', 'k/050003']);
  });
});

describe('parseXml', () => {
  it('decodes named and numeric character references (Go writes &#34; and &#xA;) and keeps whitespace', () => {
    const parsed = parseXml(
      '<Delete><Object><Key> &#34;a&#34;&#xA;&amp;&#39;b&lt; </Key></Object><Quiet>true</Quiet></Delete>',
    );
    expect(text(children(child(parsed, 'Delete'), 'Object')[0], 'Key')).toBe(' "a"\n&\'b< ');
  });
});
