import { describe, expect, it } from 'vitest';
import { type ConditionContext, evaluateConditions } from '../../../../sandbox/authz/condition-evaluator.js';
import type { PolicyStatement } from '../../../../sandbox/core/types.js';

type Condition = NonNullable<PolicyStatement['Condition']>;

const topic = 'arn:aws:sns:us-east-1:111111111111:events';

describe('condition operators', () => {
  const cases: Array<[string, Condition, ConditionContext, boolean]> = [
    [
      'StringEquals matches the exact value',
      { StringEquals: { 'sts:ExternalId': 'abc' } },
      { 'sts:ExternalId': 'abc' },
      true,
    ],
    [
      'StringEquals is case-sensitive',
      { StringEquals: { 'sts:ExternalId': 'abc' } },
      { 'sts:ExternalId': 'ABC' },
      false,
    ],
    ['StringEquals fails on a missing key', { StringEquals: { 'sts:ExternalId': 'abc' } }, {}, false],
    [
      'condition key names are case-insensitive',
      { StringEquals: { 'STS:externalid': 'abc' } },
      { 'sts:ExternalId': 'abc' },
      true,
    ],
    [
      'values listed for one key are alternatives',
      { StringEquals: { 's3:prefix': ['a/', 'b/'] } },
      { 's3:prefix': 'b/' },
      true,
    ],
    [
      'StringNotEquals holds for another value',
      { StringNotEquals: { 's3:x-amz-acl': 'public-read' } },
      { 's3:x-amz-acl': 'private' },
      true,
    ],
    [
      'StringNotEquals fails when any listed value matches',
      { StringNotEquals: { 's3:x-amz-acl': ['a', 'public-read'] } },
      { 's3:x-amz-acl': 'public-read' },
      false,
    ],
    [
      'StringNotEquals holds on a missing key',
      { StringNotEquals: { 's3:x-amz-acl': 'public-read' } },
      {},
      true,
    ],
    [
      'StringEqualsIgnoreCase ignores case',
      { StringEqualsIgnoreCase: { 's3:prefix': 'Logs/' } },
      { 's3:prefix': 'logs/' },
      true,
    ],
    [
      'StringLike takes wildcards',
      { StringLike: { 's3:prefix': ['home/*'] } },
      { 's3:prefix': 'home/alice/' },
      true,
    ],
    [
      'StringLike without a match fails',
      { StringLike: { 's3:prefix': 'home/*' } },
      { 's3:prefix': 'etc/' },
      false,
    ],
    [
      'StringNotLike holds when no pattern matches',
      { StringNotLike: { 's3:prefix': 'secret*' } },
      { 's3:prefix': 'public/' },
      true,
    ],
    [
      'StringNotLike fails when a pattern matches',
      { StringNotLike: { 's3:prefix': 'secret*' } },
      { 's3:prefix': 'secret/' },
      false,
    ],
    [
      'ArnEquals matches the exact ARN',
      { ArnEquals: { 'aws:SourceArn': topic } },
      { 'aws:SourceArn': topic },
      true,
    ],
    [
      'ArnLike matches with wildcards per part',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:111111111111:*' } },
      { 'aws:SourceArn': topic },
      true,
    ],
    [
      'ArnLike wildcards do not cross into another account',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:222222222222:*' } },
      { 'aws:SourceArn': topic },
      false,
    ],
    [
      'ArnLike fails on a value that is not an ARN',
      { ArnLike: { 'aws:SourceArn': '*' } },
      { 'aws:SourceArn': 'bucket' },
      false,
    ],
    [
      'ArnNotEquals holds for another ARN',
      { ArnNotEquals: { 'aws:SourceArn': topic } },
      { 'aws:SourceArn': `${topic}-2` },
      true,
    ],
    [
      'ArnNotLike fails for a matching ARN',
      { ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } },
      { 'aws:SourceArn': topic },
      false,
    ],
    [
      'Bool false matches an HTTP request',
      { Bool: { 'aws:SecureTransport': 'false' } },
      { 'aws:SecureTransport': false },
      true,
    ],
    [
      'Bool true does not match an HTTP request',
      { Bool: { 'aws:SecureTransport': true } },
      { 'aws:SecureTransport': false },
      false,
    ],
    ['Null true holds when the key is absent', { Null: { 'sts:ExternalId': 'true' } }, {}, true],
    [
      'Null true fails when the key is present',
      { Null: { 'sts:ExternalId': 'true' } },
      { 'sts:ExternalId': 'x' },
      false,
    ],
    [
      'Null false holds when the key is present',
      { Null: { 'sts:ExternalId': 'false' } },
      { 'sts:ExternalId': 'x' },
      true,
    ],
    [
      'IfExists holds when the key is absent',
      { StringEqualsIfExists: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      {},
      true,
    ],
    [
      'IfExists still compares a present key',
      { StringEqualsIfExists: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      { 's3:x-amz-acl': 'private' },
      false,
    ],
    [
      'ArnLikeIfExists compares a present key',
      { ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:s3:::src' } },
      { 'aws:SourceArn': 'arn:aws:s3:::src' },
      true,
    ],
    [
      'NumericLessThan compares numbers',
      { NumericLessThan: { 's3:max-keys': '10' } },
      { 's3:max-keys': '9' },
      true,
    ],
    [
      'NumericLessThan is not a string comparison',
      { NumericLessThan: { 's3:max-keys': '10' } },
      { 's3:max-keys': '100' },
      false,
    ],
    ['NumericGreaterThanEquals includes the bound', { NumericGreaterThanEquals: { n: '5' } }, { n: 5 }, true],
    [
      'DateLessThan compares instants',
      { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
      { 'aws:CurrentTime': '2026-11-23T18:00:00.000Z' },
      true,
    ],
    ['several keys must all hold', { StringEquals: { a: '1', b: '2' } }, { a: '1', b: '3' }, false],
    [
      'several operators must all hold',
      { StringEquals: { a: '1' }, StringLike: { b: '2*' } },
      { a: '1', b: '21' },
      true,
    ],
    [
      'IpAddress matches an address in the block',
      { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      { 'aws:SourceIp': '10.1.2.3' },
      true,
    ],
    [
      'IpAddress refuses an address outside the block',
      { IpAddress: { 'aws:SourceIp': ['192.168.0.0/16'] } },
      { 'aws:SourceIp': '10.1.2.3' },
      false,
    ],
    [
      'IpAddress takes IPv6 blocks',
      { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } },
      { 'aws:SourceIp': '2001:db8::1' },
      true,
    ],
    [
      'NotIpAddress holds outside the block',
      { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      { 'aws:SourceIp': '127.0.0.1' },
      true,
    ],
    ['IpAddress fails on a missing key', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, {}, false],
    ['an unknown operator never holds', { StringFuzzy: { a: '1' } } as Condition, { a: '1' }, false],
  ];
  it.each(cases)('%s', (_name, condition, context, expected) => {
    expect(evaluateConditions(condition, context)).toBe(expected);
  });

  it('an absent condition block always holds', () => {
    expect(evaluateConditions(undefined, {})).toBe(true);
  });
});

describe('set operators on multi-valued keys', () => {
  const cases: Array<[string, Condition, ConditionContext, boolean]> = [
    [
      'ForAnyValue holds when one value matches',
      { 'ForAnyValue:StringEquals': { tags: ['a', 'z'] } },
      { tags: ['x', 'a'] },
      true,
    ],
    [
      'ForAnyValue fails when none matches',
      { 'ForAnyValue:StringEquals': { tags: ['a'] } },
      { tags: ['x', 'y'] },
      false,
    ],
    ['ForAnyValue fails on a missing key', { 'ForAnyValue:StringEquals': { tags: ['a'] } }, {}, false],
    [
      'ForAllValues holds when every value is listed',
      { 'ForAllValues:StringEquals': { tags: ['a', 'b', 'c'] } },
      { tags: ['a', 'b'] },
      true,
    ],
    [
      'ForAllValues fails when one value is not listed',
      { 'ForAllValues:StringEquals': { tags: ['a', 'b'] } },
      { tags: ['a', 'x'] },
      false,
    ],
    ['ForAllValues holds on a missing key', { 'ForAllValues:StringEquals': { tags: ['a'] } }, {}, true],
    [
      'ForAllValues with StringLike matches patterns',
      { 'ForAllValues:StringLike': { tags: ['team-*'] } },
      { tags: ['team-a', 'team-b'] },
      true,
    ],
    [
      'ForAnyValue:StringNotEquals holds when one value is unlisted',
      { 'ForAnyValue:StringNotEquals': { tags: ['a'] } },
      { tags: ['a', 'b'] },
      true,
    ],
  ];
  it.each(cases)('%s', (_name, condition, context, expected) => {
    expect(evaluateConditions(condition, context)).toBe(expected);
  });
});
