import { describe, expect, it } from 'vitest';
import { buildTopicPolicy } from '../../../../src/onboarding/policies/topic-policy.js';
import {
  evaluateResourcePolicy,
  type PolicyRequest,
} from '../../../../src/onboarding/verify/evaluate-resource-policy.js';

const TOPIC = 'arn:aws:sns:us-east-1:222222222222:BucketBridgeS3EventTopic';
const VENDOR_QUEUE = 'arn:aws:sqs:us-east-1:111111111111:bucketbridge-acme';
const request: PolicyRequest = {
  action: 'sns:Subscribe',
  resource: TOPIC,
  principalAccount: '111111111111',
  context: { 'sns:Protocol': 'sqs', 'sns:Endpoint': VENDOR_QUEUE, 'aws:PrincipalAccount': '111111111111' },
};

const allow = (extra: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'S', Effect: 'Allow', Action: 'sns:Subscribe', Resource: TOPIC, ...extra }],
});

describe('evaluating a topic policy for the vendor subscribing its queue', () => {
  it('allows by the statement of the generated topic policy', () => {
    const policy = buildTopicPolicy({
      connectionName: 'acme',
      partition: 'aws',
      accountId: '222222222222',
      vendorAccountId: '111111111111',
      source: { bucket: 'src', prefix: '', policyPrefix: '' },
      live: { mode: 'sns', topicName: 'BucketBridgeS3EventTopic', topicArn: TOPIC },
    } as Parameters<typeof buildTopicPolicy>[0]);
    expect(evaluateResourcePolicy(policy, request)).toEqual({
      decision: 'allowed',
      statement: 'BucketBridgeAcmeVendorSubscribe',
      unevaluated: [],
    });
  });

  it.each([
    ['the account root ARN', { Principal: { AWS: 'arn:aws:iam::111111111111:root' } }, 'allowed'],
    ['the bare account ID', { Principal: { AWS: '111111111111' } }, 'allowed'],
    [
      'a role of the vendor account',
      { Principal: { AWS: ['arn:aws:iam::111111111111:role/worker'] } },
      'allowed',
    ],
    ['everyone', { Principal: '*' }, 'allowed'],
    ['another account only', { Principal: { AWS: 'arn:aws:iam::333333333333:root' } }, 'implicit-deny'],
    ['a service only', { Principal: { Service: 's3.amazonaws.com' } }, 'implicit-deny'],
  ])('a statement naming %s: %s', (_, principal, decision) => {
    expect(evaluateResourcePolicy(allow(principal), request).decision).toBe(decision);
  });

  it.each([
    ['SNS:Subscribe in upper case', 'SNS:Subscribe', 'allowed'],
    ['sns:*', 'sns:*', 'allowed'],
    ['sns:Sub*', 'sns:Sub*', 'allowed'],
    ['sns:Publish only', 'sns:Publish', 'implicit-deny'],
    ['a list without Subscribe', ['sns:Publish', 'sns:GetTopicAttributes'], 'implicit-deny'],
  ])('an action of %s', (_, action, decision) => {
    expect(
      evaluateResourcePolicy(allow({ Principal: { AWS: '111111111111' }, Action: action }), request).decision,
    ).toBe(decision);
  });

  it.each([
    ['a protocol of sqs', { StringEquals: { 'sns:Protocol': 'sqs' } }, 'allowed'],
    ['a protocol of email', { StringEquals: { 'sns:Protocol': 'email' } }, 'implicit-deny'],
    [
      'endpoints of the vendor account',
      { StringLike: { 'sns:Endpoint': 'arn:aws:sqs:*:111111111111:*' } },
      'allowed',
    ],
    [
      'endpoints of another account',
      { ArnLike: { 'sns:Endpoint': 'arn:aws:sqs:*:333333333333:*' } },
      'implicit-deny',
    ],
    ['a negated protocol', { StringNotEquals: { 'sns:Protocol': 'email' } }, 'allowed'],
    ['IfExists on a key the request lacks', { StringEqualsIfExists: { 'aws:SourceOwner': 'x' } }, 'allowed'],
    [
      'a negated operator on a key the request lacks, then a failing one',
      { StringNotEquals: { 'aws:SourceOwner': 'x' }, StringEquals: { 'sns:Protocol': 'email' } },
      'implicit-deny',
    ],
  ])('a condition on %s', (_, condition, decision) => {
    expect(
      evaluateResourcePolicy(allow({ Principal: { AWS: '111111111111' }, Condition: condition }), request)
        .decision,
    ).toBe(decision);
  });

  it('reports a condition on a key it cannot know, and does not apply that statement', () => {
    expect(
      evaluateResourcePolicy(
        allow({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-123' } } }),
        request,
      ),
    ).toEqual({ decision: 'implicit-deny', unevaluated: ['S: StringEquals on aws:PrincipalOrgID'] });
  });

  it('a Deny for the vendor wins over an Allow', () => {
    const policy = {
      Statement: [
        { Sid: 'Yes', Effect: 'Allow', Principal: '*', Action: 'sns:Subscribe', Resource: TOPIC },
        { Sid: 'No', Effect: 'Deny', Principal: { AWS: '111111111111' }, Action: 'sns:*', Resource: '*' },
      ],
    };
    expect(evaluateResourcePolicy(policy, request)).toEqual({
      decision: 'denied',
      statement: 'No',
      unevaluated: [],
    });
  });

  it('a policy with no statement, or none at all, allows nothing', () => {
    expect(evaluateResourcePolicy({}, request).decision).toBe('implicit-deny');
    expect(evaluateResourcePolicy(null, request).decision).toBe('implicit-deny');
  });
});
