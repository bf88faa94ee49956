// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is CloudFormation's Fn::Sub syntax.
import { describe, expect, it } from 'vitest';
import { parseTemplate, parseTemplateText } from '../../../../sandbox/cloudformation/template-parser.js';

describe('YAML short forms become their long forms', () => {
  it.each<[string, string, unknown]>([
    ['!Ref', 'A: !Ref Bucket', { A: { Ref: 'Bucket' } }],
    ['!GetAtt dotted', 'A: !GetAtt Role.Arn', { A: { 'Fn::GetAtt': ['Role', 'Arn'] } }],
    ['!GetAtt list', 'A: !GetAtt [Role, Arn]', { A: { 'Fn::GetAtt': ['Role', 'Arn'] } }],
    [
      '!Sub string',
      'A: !Sub "arn:${AWS::Partition}:s3:::${B}"',
      { A: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${B}' } },
    ],
    [
      '!Sub with variables',
      'A: !Sub\n  - "${X}"\n  - X: !Ref Y',
      { A: { 'Fn::Sub': ['${X}', { X: { Ref: 'Y' } }] } },
    ],
    [
      '!Join nested',
      'A: !Join ["", [!Ref X, !GetAtt R.Arn]]',
      { A: { 'Fn::Join': ['', [{ Ref: 'X' }, { 'Fn::GetAtt': ['R', 'Arn'] }]] } },
    ],
    [
      '!If / !Equals / !Not / !Condition',
      'A: !If [C, !Not [!Equals [a, b]], !Condition D]',
      { A: { 'Fn::If': ['C', { 'Fn::Not': [{ 'Fn::Equals': ['a', 'b'] }] }, { Condition: 'D' }] } },
    ],
    [
      '!Select / !Split',
      'A: !Select [0, !Split [",", "a,b"]]',
      { A: { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] } },
    ],
    [
      '!And / !Or',
      'A: !And [!Or [!Condition X, !Condition Y], !Condition Z]',
      { A: { 'Fn::And': [{ 'Fn::Or': [{ Condition: 'X' }, { Condition: 'Y' }] }, { Condition: 'Z' }] } },
    ],
    [
      '!ImportValue / !Base64 / !GetAZs',
      'A: [!ImportValue N, !Base64 t, !GetAZs ""]',
      { A: [{ 'Fn::ImportValue': 'N' }, { 'Fn::Base64': 't' }, { 'Fn::GetAZs': '' }] },
    ],
  ])('%s', (_name, yaml, expected) => {
    expect(parseTemplateText(yaml)).toEqual(expected);
  });

  it('reads JSON templates', () => {
    expect(parseTemplateText('{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}')).toEqual({
      Resources: { T: { Type: 'AWS::SNS::Topic' } },
    });
  });
});

describe('malformed templates get CloudFormation\'s "Template format error"', () => {
  it.each<[string, string, string]>([
    ['broken JSON', '{"Resources": ', 'Template format error: JSON not well-formed.'],
    ['broken YAML', 'Resources: [unclosed', 'Template format error: YAML not well-formed.'],
    [
      'no resources',
      'Parameters: {}',
      'Template format error: At least one Resources member must be defined.',
    ],
    [
      'a resource without a Type',
      'Resources:\n  T:\n    Properties: {}',
      'Template format error: [/Resources/T] Every Resources object must contain a Type member.',
    ],
    [
      'a non-alphanumeric logical id',
      'Resources:\n  my-topic:\n    Type: AWS::SNS::Topic',
      'Template format error: Resource name my-topic is non alphanumeric.',
    ],
    [
      'a transform',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  T:\n    Type: AWS::SNS::Topic',
      'Template format error: Transform is not supported by the bucketbridge sandbox; deploy the processed template',
    ],
    [
      'rules',
      'Rules: {}\nResources:\n  T:\n    Type: AWS::SNS::Topic',
      'Template format error: Rules are not supported by the bucketbridge sandbox; remove the Rules section',
    ],
    [
      'an unknown section',
      'Resources:\n  T:\n    Type: AWS::SNS::Topic\nExtra: 1',
      'Template format error: Invalid template property or properties [Extra]',
    ],
    [
      'a wrong format version',
      'AWSTemplateFormatVersion: "2011-01-01"\nResources:\n  T:\n    Type: AWS::SNS::Topic',
      'Template format error: Unsupported template version 2011-01-01',
    ],
    [
      'an output without Value',
      'Resources:\n  T:\n    Type: AWS::SNS::Topic\nOutputs:\n  O:\n    Description: x',
      'Template format error: [/Outputs/O] Every Outputs member must contain a Value object',
    ],
  ])('%s', (_name, body, message) => {
    expect(() => parseTemplate(body)).toThrow(message);
  });
});
