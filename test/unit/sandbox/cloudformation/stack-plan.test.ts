// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is CloudFormation's Fn::Sub syntax.
import { describe, expect, it } from 'vitest';
import {
  checkCapabilities,
  creationOrder,
  stackEnvironment,
  validateTemplate,
} from '../../../../sandbox/cloudformation/stack-plan.js';
import { parseTemplate } from '../../../../sandbox/cloudformation/template-parser.js';

const STACK = {
  stackName: 's',
  stackId: 'arn:aws:cloudformation:us-east-1:222222222222:stack/s/1',
  accountId: '222222222222',
  region: 'us-east-1',
};

function orderOf(body: string): string[] {
  const template = parseTemplate(body);
  validateTemplate(template);
  return creationOrder(template, stackEnvironment(template, {}, STACK, {}));
}

describe('resources are created after what they refer to', () => {
  it.each<[string, string, string[]]>([
    [
      'Ref and GetAtt',
      'Resources:\n  Policy:\n    Type: AWS::SNS::TopicPolicy\n    Properties: {Topics: [!Ref Topic], PolicyDocument: {Id: !GetAtt Role.Arn}}\n  Role:\n    Type: AWS::IAM::Role\n  Topic:\n    Type: AWS::SNS::Topic',
      ['Role', 'Topic', 'Policy'],
    ],
    [
      'DependsOn',
      'Resources:\n  A:\n    Type: AWS::SNS::Topic\n    DependsOn: [B]\n  B:\n    Type: AWS::SNS::Topic',
      ['B', 'A'],
    ],
    [
      'Fn::Sub',
      'Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Sub "${B.TopicName}-x"}\n  B:\n    Type: AWS::SNS::Topic',
      ['B', 'A'],
    ],
    [
      'a resource whose condition is false is left out',
      'Conditions:\n  No: !Equals [a, b]\nResources:\n  A:\n    Type: AWS::SNS::Topic\n    Condition: No\n  B:\n    Type: AWS::SNS::Topic',
      ['B'],
    ],
  ])('%s', (_name, body, expected) => {
    expect(orderOf(body)).toEqual(expected);
  });

  it('refuses circular dependencies', () => {
    expect(() =>
      orderOf(
        'Resources:\n  A:\n    Type: AWS::SNS::Topic\n    DependsOn: B\n  B:\n    Type: AWS::SNS::Topic\n    DependsOn: A',
      ),
    ).toThrow('Template format error: Circular dependency between resources: [A, B]');
  });
});

describe('template checks before anything is created', () => {
  it.each<[string, string, string]>([
    [
      'an unsupported resource type',
      'Resources:\n  B:\n    Type: AWS::S3::Bucket',
      'Template format error: Unrecognized resource types: [AWS::S3::Bucket]',
    ],
    [
      'a Ref to nothing',
      'Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Ref Nope}',
      'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
    ],
    [
      'a DependsOn to nothing',
      'Resources:\n  T:\n    Type: AWS::SNS::Topic\n    DependsOn: Gone',
      'Template format error: Unresolved resource dependencies [Gone] in the Resources block of the template',
    ],
    [
      'an Fn::Sub name that is nothing',
      'Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Sub "${Nope}"}',
      'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
    ],
    [
      'an intrinsic function the sandbox lacks',
      'Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Cidr [a, 1, 2]}',
      'Template format error: Fn::Cidr is not supported by the bucketbridge sandbox',
    ],
  ])('refuse %s', (_name, body, message) => {
    expect(() => validateTemplate(parseTemplate(body))).toThrow(message);
  });
});

describe('capabilities', () => {
  const named = parseTemplate('Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: {RoleName: x}');
  const unnamed = parseTemplate('Resources:\n  R:\n    Type: AWS::IAM::Role');
  const topic = parseTemplate('Resources:\n  T:\n    Type: AWS::SNS::Topic');
  it.each<[string, ReturnType<typeof parseTemplate>, string[], string | undefined]>([
    ['a named role without capabilities', named, [], 'Requires capabilities : [CAPABILITY_NAMED_IAM]'],
    [
      'a named role with only CAPABILITY_IAM',
      named,
      ['CAPABILITY_IAM'],
      'Requires capabilities : [CAPABILITY_NAMED_IAM]',
    ],
    ['a named role with CAPABILITY_NAMED_IAM', named, ['CAPABILITY_NAMED_IAM'], undefined],
    ['an unnamed role without capabilities', unnamed, [], 'Requires capabilities : [CAPABILITY_IAM]'],
    ['an unnamed role with CAPABILITY_NAMED_IAM', unnamed, ['CAPABILITY_NAMED_IAM'], undefined],
    ['no IAM resources', topic, [], undefined],
  ])('%s', (_name, template, capabilities, message) => {
    if (message) expect(() => checkCapabilities(template, capabilities)).toThrow(message);
    else expect(() => checkCapabilities(template, capabilities)).not.toThrow();
  });
});
