import { describe, expect, it } from 'vitest';
import {
  mergeNotification,
  NotificationOverlapError,
  rulesOverlap,
} from '../../../../src/onboarding/apply/merge-notification.js';
import { mergeStatements } from '../../../../src/onboarding/apply/merge-statements.js';
import type { PolicyDocument } from '../../../../src/onboarding/policies/policy-document.js';

const ours: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'BucketBridgeARead', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/in/*' },
    { Sid: 'BucketBridgeAList', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' },
  ],
};
const theirs = {
  Sid: 'Analytics',
  Effect: 'Allow' as const,
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::b/reports/*',
};

describe('mergeStatements', () => {
  it('takes our document as is when the resource has no policy', () => {
    expect(mergeStatements(undefined, ours)).toEqual({
      document: ours,
      added: ['BucketBridgeARead', 'BucketBridgeAList'],
      replaced: [],
    });
  });

  it('keeps every existing statement (and the Id) and appends ours', () => {
    const existing: PolicyDocument = { Version: '2012-10-17', Id: 'mine', Statement: [theirs] };
    const merged = mergeStatements(existing, ours);
    expect(merged.document).toEqual({
      Version: '2012-10-17',
      Id: 'mine',
      Statement: [theirs, ...ours.Statement],
    });
    expect(existing.Statement).toEqual([theirs]);
  });

  it('replaces an older copy of our statement in place and reports it', () => {
    const older = { ...ours.Statement[0]!, Resource: 'arn:aws:s3:::b/old/*' };
    const merged = mergeStatements({ Version: '2012-10-17', Statement: [older, theirs] }, ours);
    expect(merged.document.Statement).toEqual([ours.Statement[0], theirs, ours.Statement[1]]);
    expect(merged).toMatchObject({ added: ['BucketBridgeAList'], replaced: ['BucketBridgeARead'] });
  });

  it('changes nothing the second time, whatever the key order AWS returns', () => {
    const once = mergeStatements({ Version: '2012-10-17', Statement: [theirs] }, ours).document;
    const reordered = JSON.parse(JSON.stringify(once), (_, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as PolicyDocument;
    expect(mergeStatements(reordered, ours)).toMatchObject({ added: [], replaced: [] });
  });
});

const topic = 'arn:aws:sns:us-east-1:222222222222:t';
const queue = 'arn:aws:sqs:us-east-1:222222222222:q';
const prefixRule = (value: string) => ({ Key: { FilterRules: [{ Name: 'prefix' as const, Value: value }] } });
const our = {
  TopicConfigurations: [
    {
      Id: 'bucketbridge-acme',
      TopicArn: topic,
      Events: ['s3:ObjectCreated:*'],
      Filter: prefixRule('videos/in/'),
    },
  ],
};

describe('rulesOverlap follows S3', () => {
  it.each([
    [
      'same event, no filters',
      { Events: ['s3:ObjectCreated:*'] },
      { Events: ['s3:ObjectCreated:Put'] },
      true,
    ],
    [
      'different event families',
      { Events: ['s3:ObjectCreated:*'] },
      { Events: ['s3:ObjectRemoved:*'] },
      false,
    ],
    [
      'disjoint prefixes',
      { Events: ['s3:ObjectCreated:*'], Filter: prefixRule('a/') },
      { Events: ['s3:ObjectCreated:*'], Filter: prefixRule('b/') },
      false,
    ],
    [
      'nested prefixes',
      { Events: ['s3:ObjectCreated:*'], Filter: prefixRule('a/') },
      { Events: ['s3:ObjectCreated:*'], Filter: prefixRule('a/b/') },
      true,
    ],
    [
      'disjoint suffixes',
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'Suffix', Value: '.mp4' }] } },
      },
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.jpg' }] } },
      },
      false,
    ],
  ])('%s: %s', (_, a, b, overlap) => {
    expect(rulesOverlap(a, b)).toBe(overlap);
    expect(rulesOverlap(b, a)).toBe(overlap);
  });
});

describe('mergeNotification', () => {
  it('keeps rules of every kind and adds ours', () => {
    const existing = {
      QueueConfigurations: [{ Id: 'deletes', QueueArn: queue, Events: ['s3:ObjectRemoved:*'] }],
      LambdaFunctionConfigurations: [
        {
          Id: 'thumbs',
          LambdaFunctionArn: 'arn:aws:lambda:us-east-1:222222222222:function:f',
          Events: ['s3:ObjectCreated:*'],
          Filter: prefixRule('img/'),
        },
      ],
      EventBridgeConfiguration: {},
    };
    expect(mergeNotification('b', existing, our)).toEqual({
      configuration: { ...existing, ...our },
      changed: true,
    });
  });

  it('replaces our own older rule and reports no change when it is already there (filter-name case aside)', () => {
    const older = {
      TopicConfigurations: [{ ...our.TopicConfigurations[0]!, Events: ['s3:ObjectCreated:Put'] }],
    };
    expect(mergeNotification('b', older, our)).toEqual({ configuration: our, changed: true });
    const asAwsReturnsIt = {
      TopicConfigurations: [
        {
          ...our.TopicConfigurations[0]!,
          Filter: { Key: { FilterRules: [{ Name: 'Prefix' as never, Value: 'videos/in/' }] } },
        },
      ],
    };
    expect(mergeNotification('b', asAwsReturnsIt, our)).toEqual({ configuration: our, changed: false });
  });

  it('refuses a rule of someone else that overlaps ours, naming it', () => {
    const existing = {
      QueueConfigurations: [{ Id: 'everything', QueueArn: queue, Events: ['s3:ObjectCreated:*'] }],
    };
    expect(() => mergeNotification('b', existing, our)).toThrow(NotificationOverlapError);
    expect(() => mergeNotification('b', existing, our)).toThrow(
      `the notification on bucket b already has rule "everything" (s3:ObjectCreated:* for keys with any prefix to ${queue}) that overlaps ours (s3:ObjectCreated:* for keys starting with "videos/in/" to ${topic})`,
    );
  });
});
