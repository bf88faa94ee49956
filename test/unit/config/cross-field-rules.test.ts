import { describe, expect, it } from 'vitest';
import { crossFieldProblems } from '../../../src/config/cross-field-rules.js';

const ROLE_A = 'arn:aws:iam::222222222222:role/A';
const ROLE_B = 'arn:aws:iam::333333333333:role/B';
const conn = (extra: Record<string, unknown>) => ({ name: 'acme', accountId: '222222222222', ...extra });
const withConnections = (...connections: unknown[]) => ({ connections });

describe('cross-field rules', () => {
  const cases: Array<[string, unknown, unknown[]]> = [
    [
      'assumeRoleFlag true with an empty assumeRoleArn',
      withConnections(conn({ assumeRoleFlag: true, assumeRoleArn: [] })),
      [
        {
          path: ['connections', 0, 'assumeRoleArn'],
          expected: 'at least one role ARN in assumeRoleArn when assumeRoleFlag is true',
          found: 'an empty list',
          hint: "add the customer's role ARN, or set assumeRoleFlag: false to use the default AWS credential chain",
        },
      ],
    ],
    [
      'assumeRoleFlag true without assumeRoleArn points at the flag',
      withConnections(conn({ assumeRoleFlag: true })),
      [
        {
          path: ['connections', 0, 'assumeRoleFlag'],
          expected: 'at least one role ARN in assumeRoleArn when assumeRoleFlag is true',
          found: 'no assumeRoleArn key',
          hint: "add the customer's role ARN, or set assumeRoleFlag: false to use the default AWS credential chain",
          at: 'key',
        },
      ],
    ],
    ['assumeRoleFlag false with no ARNs is fine', withConnections(conn({ assumeRoleFlag: false })), []],
    [
      'two chained roles with a 2h session',
      withConnections(
        conn({ assumeRoleFlag: true, assumeRoleArn: [ROLE_A, ROLE_B], stsCredsExpirationTime: '2h' }),
      ),
      [
        {
          path: ['connections', 0, 'stsCredsExpirationTime'],
          expected: 'at most 1h when more than one role ARN is chained (2 are)',
          found: '"2h" (7200 seconds)',
          hint: 'AWS caps chained role sessions at one hour',
        },
      ],
    ],
    [
      'two chained roles with 3601 seconds',
      withConnections(conn({ assumeRoleArn: [ROLE_A, ROLE_B], stsCredsExpirationTime: 3601 })),
      [
        {
          path: ['connections', 0, 'stsCredsExpirationTime'],
          expected: 'at most 1h when more than one role ARN is chained (2 are)',
          found: '3601 (3601 seconds)',
          hint: 'AWS caps chained role sessions at one hour',
        },
      ],
    ],
    [
      'two chained roles with exactly 1h (60m) is fine',
      withConnections(conn({ assumeRoleArn: [ROLE_A, ROLE_B], stsCredsExpirationTime: '60m' })),
      [],
    ],
    [
      'one role with 12h is fine',
      withConnections(conn({ assumeRoleFlag: true, assumeRoleArn: [ROLE_A], stsCredsExpirationTime: '12h' })),
      [],
    ],
    [
      'duplicate connection names',
      withConnections(conn({}), conn({ accountId: '333333333333' })),
      [
        {
          path: ['connections', 1, 'name'],
          expected: 'a connection name not used by another connection',
          found: '"acme"',
          hint: 'connections[0] already has this name',
        },
      ],
    ],
    [
      'a video processor with crf and bitrate',
      withConnections(conn({ processor: { type: 'video', crf: 23, bitrate: '2M' } })),
      [
        {
          path: ['connections', 0, 'processor', 'bitrate'],
          expected: 'either crf or bitrate, not both',
          found: 'crf 23 and bitrate "2M"',
          hint: 'remove one of them',
          at: 'key',
        },
      ],
    ],
    [
      'a video processor with crf only is fine',
      withConnections(conn({ processor: { type: 'video', crf: 23 } })),
      [],
    ],
    [
      'live settings on a batch connection (workflow defaults to batch)',
      withConnections(conn({ live: { mode: 'sns' } })),
      [
        {
          path: ['connections', 0, 'live'],
          expected: 'live settings only with workflow: live',
          found: 'live settings with workflow "batch"',
          hint: 'set workflow: live, or remove the live block',
          at: 'key',
        },
      ],
    ],
    [
      'sqs mode without a queue URL',
      withConnections(conn({ workflow: 'live', live: { mode: 'sqs' } })),
      [
        {
          path: ['connections', 0, 'live', 'queueUrl'],
          expected: "the customer's queue URL when live.mode is sqs",
          found: 'nothing: the key is missing',
          hint: 'in sqs mode bucketbridge reads the queue the customer owns, so it must be named',
          at: 'key',
        },
      ],
    ],
    [
      'a default region outside the processing regions',
      { processing: { regions: ['eu-central-1'], defaultRegion: 'us-east-1' } },
      [
        {
          path: ['processing', 'defaultRegion'],
          expected: 'processing.defaultRegion to be one of processing.regions (eu-central-1)',
          found: '"us-east-1"',
          hint: 'add us-east-1 to processing.regions or pick one of them',
        },
      ],
    ],
    [
      'regions without us-east-1 and no defaultRegion (whose default is us-east-1)',
      { processing: { regions: ['eu-central-1'] } },
      [
        {
          path: ['processing', 'regions'],
          expected: 'processing.defaultRegion to be one of processing.regions (eu-central-1)',
          found: '"us-east-1"',
          hint: 'add us-east-1 to processing.regions or pick one of them',
        },
      ],
    ],
    [
      'a minimum size above the maximum size',
      withConnections(conn({ source: { bucket: 'b-1', minSizeBytes: 10, maxSizeBytes: 5 } })),
      [
        {
          path: ['connections', 0, 'source', 'maxSizeBytes'],
          expected: 'a size >= source.minSizeBytes (10)',
          found: '5',
        },
      ],
    ],
    [
      'modifiedAfter not before modifiedBefore',
      withConnections(
        conn({
          source: {
            bucket: 'b-1',
            modifiedAfter: '2024-02-01T00:00:00Z',
            modifiedBefore: '2024-01-01T00:00:00Z',
          },
        }),
      ),
      [
        {
          path: ['connections', 0, 'source', 'modifiedBefore'],
          expected: 'a time after source.modifiedAfter (2024-02-01T00:00:00Z)',
          found: '"2024-01-01T00:00:00Z"',
        },
      ],
    ],
    [
      'values of the wrong type are left to the schema',
      withConnections(conn({ assumeRoleArn: 'not-a-list', stsCredsExpirationTime: true })),
      [],
    ],
    ['a document that is not a mapping', ['a'], []],
  ];

  it.each(cases)('%s', (_name, raw, expected) => {
    expect(crossFieldProblems(raw)).toEqual(expected);
  });
});
