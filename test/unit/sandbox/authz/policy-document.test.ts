import { describe, expect, it } from 'vitest';
import { type PolicyKind, parsePolicyDocument } from '../../../../sandbox/authz/policy-document.js';

const statement = (fields: Record<string, unknown>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', ...fields }],
  });

describe('resource policies (bucket, topic, queue)', () => {
  it.each<[string, string, string]>([
    ['a statement without a principal', statement({ Resource: '*' }), 'Missing required field Principal'],
    [
      'a service principal that is not a service',
      statement({ Principal: { Service: 's3' }, Resource: '*' }),
      'Invalid principal in policy: "Service":"s3"',
    ],
    [
      'an account principal that is not 12 digits',
      statement({ Principal: { AWS: '11111' }, Resource: '*' }),
      'Invalid principal in policy: "AWS":"11111"',
    ],
    [
      'an unknown principal type',
      statement({ Principal: { Group: 'admins' }, Resource: '*' }),
      'Syntax errors in policy.',
    ],
    [
      'a statement without a resource',
      statement({ Principal: '*' }),
      'Policy statement must contain resources.',
    ],
    [
      'both Action and NotAction',
      statement({ Principal: '*', Resource: '*', NotAction: 's3:*' }),
      'Syntax errors in policy.',
    ],
    [
      'an unknown statement field',
      statement({ Principal: '*', Resource: '*', Effects: 'Allow' }),
      'Syntax errors in policy.',
    ],
    ['invalid JSON', '{"Statement": [', 'This policy contains invalid Json'],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parsePolicyDocument(text, 'resource')).toThrow(message);
  });

  it.each<[string, Record<string, unknown>]>([
    [
      'a service principal with source conditions',
      {
        Principal: { Service: 's3.amazonaws.com' },
        Resource: '*',
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::src' } },
      },
    ],
    ['everyone', { Principal: '*', Resource: 'arn:aws:sqs:us-east-1:222222222222:q' }],
    [
      'accounts, roles and sessions',
      {
        Principal: {
          AWS: [
            '111111111111',
            'arn:aws:iam::111111111111:root',
            'arn:aws:iam::111111111111:role/a/b',
            'arn:aws:sts::111111111111:assumed-role/b/s',
          ],
        },
        Resource: '*',
      },
    ],
    [
      'a principal of another partition',
      { Principal: { AWS: 'arn:aws-cn:iam::111111111111:root' }, Resource: '*' },
    ],
    ['NotPrincipal', { NotPrincipal: { AWS: '111111111111' }, Resource: '*' }],
  ])('accepts %s and returns the parsed document', (_name, fields) => {
    const text = statement(fields);
    expect(parsePolicyDocument(text, 'resource')).toEqual(JSON.parse(text));
  });

  it('asks whether a named principal exists only when told how', () => {
    const text = statement({ Principal: { AWS: 'arn:aws:iam::111111111111:role/ghost' }, Resource: '*' });
    expect(() => parsePolicyDocument(text, 'resource')).not.toThrow();
    const kinds: PolicyKind[] = ['resource', 'trust'];
    for (const kind of kinds) {
      const doc =
        kind === 'trust'
          ? JSON.stringify({
              Statement: [
                {
                  Effect: 'Allow',
                  Action: 'sts:AssumeRole',
                  Principal: { AWS: 'arn:aws:iam::111111111111:role/ghost' },
                },
              ],
            })
          : text;
      expect(() => parsePolicyDocument(doc, kind, { principalExists: () => false })).toThrow(
        'Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:role/ghost"',
      );
    }
  });
});
