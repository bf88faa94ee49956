import { describe, expect, it } from 'vitest';
import { processingRegionFor } from '../../../../src/onboarding/verify/bucket-regions-check.js';
import { probeKey } from '../../../../src/onboarding/verify/destination-write-check.js';
import { coverageGaps } from '../../../../src/onboarding/verify/notification-check.js';

const rule = (events: string[], prefix = '', suffix = '') => ({
  Events: events,
  Filter: {
    Key: {
      FilterRules: [
        { Name: 'Prefix', Value: prefix },
        { Name: 'Suffix', Value: suffix },
      ],
    },
  },
});

describe('whether a notification rule covers a connection (prefix in/, suffix .mp4)', () => {
  it.each([
    ['ObjectCreated:* for exactly the prefix and suffix', rule(['s3:ObjectCreated:*'], 'in/', '.mp4'), []],
    ['ObjectCreated:* for the whole bucket', rule(['s3:ObjectCreated:*']), []],
    ['a shorter prefix and suffix', rule(['s3:ObjectCreated:*'], 'i', '4'), []],
    [
      'the four ObjectCreated events listed one by one',
      rule([
        's3:ObjectCreated:Put',
        's3:ObjectCreated:Post',
        's3:ObjectCreated:Copy',
        's3:ObjectCreated:CompleteMultipartUpload',
      ]),
      [],
    ],
    [
      'Put only',
      rule(['s3:ObjectCreated:Put']),
      [
        'it does not send s3:ObjectCreated:Post, s3:ObjectCreated:Copy, s3:ObjectCreated:CompleteMultipartUpload',
      ],
    ],
    [
      'a longer prefix',
      rule(['s3:ObjectCreated:*'], 'in/videos/'),
      [`its prefix "in/videos/" does not cover the connection's prefix "in/"`],
    ],
    [
      'another suffix',
      rule(['s3:ObjectCreated:*'], '', '.mov'),
      [`its suffix ".mov" does not cover the connection's suffix ".mp4"`],
    ],
  ])('%s', (_, given, gaps) => {
    expect(coverageGaps(given, 'in/', '.mp4')).toEqual(gaps);
  });

  it('a suffix on the rule does not cover a connection without one', () => {
    expect(coverageGaps(rule(['s3:ObjectCreated:*'], '', '.mp4'), '', '')).toEqual([
      'its suffix ".mp4" does not cover every key of the connection',
    ]);
  });
});

describe('where a bucket is processed', () => {
  it.each([
    ['eu-central-1', ['us-east-1', 'eu-central-1'], { region: 'eu-central-1', local: true }],
    ['eu-central-1', ['us-east-1'], { region: 'us-east-1', local: false }],
    ['us-east-1', ['us-east-1'], { region: 'us-east-1', local: true }],
  ])('a bucket in %s with processing.regions %j', (bucketRegion, regions, expected) => {
    expect(processingRegionFor(bucketRegion, { regions, defaultRegion: 'us-east-1' })).toEqual(expected);
  });
});

describe('the probe object key', () => {
  it('sits in a folder the customer can spot, named by the UTC time without colons', () => {
    expect(probeKey('out/', new Date('2026-11-23T19:35:00.123Z'))).toBe(
      'out/.bucketbridge-verify/2026-11-23T19-35-00-123Z-probe.txt',
    );
    expect(probeKey('', new Date('2026-11-23T19:35:00.000Z'))).toBe(
      '.bucketbridge-verify/2026-11-23T19-35-00-000Z-probe.txt',
    );
  });
});
