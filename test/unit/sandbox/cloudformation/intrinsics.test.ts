// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is CloudFormation's Fn::Sub syntax.
import { describe, expect, it } from 'vitest';
import {
  NO_VALUE,
  type ResolutionEnvironment,
  referencedResources,
  resolveValue,
} from '../../../../sandbox/cloudformation/intrinsics.js';
import type { TemplateValue } from '../../../../sandbox/cloudformation/template-parser.js';

function environment(): ResolutionEnvironment {
  return {
    refs: {
      Bucket: 'acme-source',
      Prefix: 'in/',
      Empty: '',
      Principals: ['arn:aws:iam::111111111111:role/a', 'arn:aws:iam::111111111111:role/b'],
      'AWS::Region': 'eu-central-1',
      'AWS::AccountId': '222222222222',
      'AWS::Partition': 'aws',
    },
    resources: {
      Role: {
        ref: 'BucketBridgeAccessRole',
        attributes: { Arn: 'arn:aws:iam::222222222222:role/BucketBridgeAccessRole', RoleId: 'AROAEXAMPLE' },
      },
      Topic: {
        ref: 'arn:aws:sns:eu-central-1:222222222222:events',
        attributes: { TopicArn: 'arn:aws:sns:eu-central-1:222222222222:events', TopicName: 'events' },
      },
    },
    conditions: { HasPrefix: true, Never: false },
    exports: { SharedBucket: 'shared-bucket' },
    region: 'eu-central-1',
    mappings: { Regions: { 'eu-central-1': { Short: 'euc1', Zones: ['a', 'b'] } } },
  };
}

describe('intrinsic functions resolve as CloudFormation resolves them', () => {
  it.each<[string, TemplateValue, unknown]>([
    ['Ref to a parameter', { Ref: 'Bucket' }, 'acme-source'],
    [
      'Ref to a list parameter',
      { Ref: 'Principals' },
      ['arn:aws:iam::111111111111:role/a', 'arn:aws:iam::111111111111:role/b'],
    ],
    ['Ref to a pseudo parameter', { Ref: 'AWS::Region' }, 'eu-central-1'],
    ['Ref to a resource gives its physical id', { Ref: 'Role' }, 'BucketBridgeAccessRole'],
    [
      'Fn::GetAtt as a list',
      { 'Fn::GetAtt': ['Role', 'Arn'] },
      'arn:aws:iam::222222222222:role/BucketBridgeAccessRole',
    ],
    ['Fn::GetAtt as a dotted string', { 'Fn::GetAtt': 'Topic.TopicName' }, 'events'],
    [
      'Fn::Sub with parameters and pseudo parameters',
      { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/${Prefix}*' },
      'arn:aws:s3:::acme-source/in/*',
    ],
    [
      'Fn::Sub with a resource attribute',
      { 'Fn::Sub': '${Role.Arn}/x' },
      'arn:aws:iam::222222222222:role/BucketBridgeAccessRole/x',
    ],
    [
      'Fn::Sub keeps ${!Literal} as ${Literal}',
      { 'Fn::Sub': '${!aws:username}-${Bucket}' },
      '${aws:username}-acme-source',
    ],
    [
      'Fn::Sub with its own variables',
      { 'Fn::Sub': ['${Name}-${AWS::Region}', { Name: { Ref: 'Bucket' } }] },
      'acme-source-eu-central-1',
    ],
    ['Fn::Join', { 'Fn::Join': [':', ['a', { Ref: 'Bucket' }, 'c']] }, 'a:acme-source:c'],
    [
      'Fn::Join of a list parameter',
      { 'Fn::Join': [',', { Ref: 'Principals' }] },
      'arn:aws:iam::111111111111:role/a,arn:aws:iam::111111111111:role/b',
    ],
    ['Fn::Select', { 'Fn::Select': ['1', { Ref: 'Principals' }] }, 'arn:aws:iam::111111111111:role/b'],
    ['Fn::Split', { 'Fn::Split': ['/', 'a/b/c'] }, ['a', 'b', 'c']],
    ['Fn::Base64', { 'Fn::Base64': 'hi' }, 'aGk='],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Short'] }, 'euc1'],
    ['Fn::FindInMap of a list', { 'Fn::FindInMap': ['Regions', 'eu-central-1', 'Zones'] }, ['a', 'b']],
    ['Fn::GetAZs', { 'Fn::GetAZs': '' }, ['eu-central-1a', 'eu-central-1b', 'eu-central-1c']],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'SharedBucket' }, 'shared-bucket'],
    ['Fn::Equals (true)', { 'Fn::Equals': [{ Ref: 'Prefix' }, 'in/'] }, true],
    ['Fn::Equals (false)', { 'Fn::Equals': [{ Ref: 'Empty' }, 'x'] }, false],
    ['Fn::Not', { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Empty' }, ''] }] }, false],
    ['Fn::And', { 'Fn::And': [{ Condition: 'HasPrefix' }, { 'Fn::Equals': ['a', 'a'] }] }, true],
    ['Fn::Or', { 'Fn::Or': [{ Condition: 'Never' }, { Condition: 'HasPrefix' }] }, true],
    ['Fn::If on a true condition', { 'Fn::If': ['HasPrefix', 'yes', 'no'] }, 'yes'],
    ['Fn::If on a false condition', { 'Fn::If': ['Never', 'yes', 'no'] }, 'no'],
    [
      'AWS::NoValue removes an object member',
      { A: 'a', B: { 'Fn::If': ['Never', 'b', { Ref: 'AWS::NoValue' }] } },
      { A: 'a' },
    ],
    ['AWS::NoValue removes a list item', ['a', { Ref: 'AWS::NoValue' }, 'c'], ['a', 'c']],
    [
      'plain values stay as they are',
      { Version: '2012-10-17', Count: 3, On: true },
      { Version: '2012-10-17', Count: 3, On: true },
    ],
  ])('%s', (_name, value, expected) => {
    expect(resolveValue(value, environment())).toEqual(expected);
  });

  it('gives NO_VALUE for a top-level Ref to AWS::NoValue', () => {
    expect(resolveValue({ Ref: 'AWS::NoValue' }, environment())).toBe(NO_VALUE);
  });

  it.each<[string, TemplateValue, string]>([
    [
      'a Ref to nothing',
      { Ref: 'Missing' },
      'Template error: Unresolved resource dependencies [Missing] in the Resources block of the template',
    ],
    [
      'an attribute a resource does not have',
      { 'Fn::GetAtt': ['Role', 'Nope'] },
      'Template error: resource Role does not support attribute type Nope in Fn::GetAtt',
    ],
    [
      'a list parameter inside Fn::Sub',
      { 'Fn::Sub': '${Principals}' },
      'Template error: Fn::Sub variable Principals must resolve to a string',
    ],
    [
      'an index past the end',
      { 'Fn::Select': ['5', ['a']] },
      'Template error: Fn::Select cannot select nonexistent value at index 5',
    ],
    [
      'an unknown condition',
      { 'Fn::If': ['Unknown', 'a', 'b'] },
      'Template error: Unresolved condition dependency Unknown',
    ],
    [
      'a missing mapping entry',
      { 'Fn::FindInMap': ['Regions', 'us-east-1', 'Short'] },
      'Template error: Unable to get mapping for Regions::us-east-1::Short',
    ],
    ['a missing export', { 'Fn::ImportValue': 'Nope' }, 'No export named Nope found.'],
    ['Fn::Join without a list', { 'Fn::Join': [','] }, 'Template error: Fn::Join needs a list of 2 elements'],
  ])('refuses %s', (_name, value, message) => {
    expect(() => resolveValue(value, environment())).toThrow(message);
  });
});

describe('the resources a value depends on', () => {
  const ids = new Set(['Role', 'Topic', 'Queue']);
  it.each<[string, TemplateValue, string[]]>([
    ['Ref', { Ref: 'Topic' }, ['Topic']],
    ['Ref to a parameter is no dependency', { Ref: 'Bucket' }, []],
    [
      'GetAtt list and dotted forms',
      [{ 'Fn::GetAtt': ['Role', 'Arn'] }, { 'Fn::GetAtt': 'Queue.Arn' }],
      ['Role', 'Queue'],
    ],
    ['Fn::Sub names and attributes', { 'Fn::Sub': '${Topic}/${Role.Arn}/${!Queue}' }, ['Topic', 'Role']],
    ['Fn::Sub local variables shadow resources', { 'Fn::Sub': ['${Topic}', { Topic: 'x' }] }, []],
    ['nested in policies', { Statement: [{ Resource: { Ref: 'Topic' } }] }, ['Topic']],
  ])('%s', (_name, value, expected) => {
    expect([...referencedResources(value, ids)]).toEqual(expected);
  });
});
