import { describe, expect, it } from 'vitest';
import { lintPolicy } from '../../../../src/onboarding/lint/lint-policy.js';
import type { LintOptions } from '../../../../src/onboarding/lint/lint-types.js';
import type { PolicyStatement } from '../../../../src/onboarding/policies/policy-document.js';

/** The rule ids a single statement gets, with their levels. */
function findingsOf(statement: Record<string, unknown>, options: LintOptions = {}): string[] {
  const findings = lintPolicy(
    'p.json',
    { Version: '2012-10-17', Statement: [statement as unknown as PolicyStatement] },
    options,
  );
  return findings.map((f) => `${f.level} ${f.rule}`);
}

const BUCKET = 'arn:aws:s3:::b';
const OBJECTS = 'arn:aws:s3:::b/in/*';
const ROLE = { AWS: 'arn:aws:iam::111111111111:role/r' };

describe('each rule fires on what it is about and on nothing else', () => {
  it.each([
    // wildcard-action
    ['"s3:*"', { Effect: 'Allow', Action: 's3:*', Resource: OBJECTS }, ['error wildcard-action']],
    ['"s3:Get*"', { Effect: 'Allow', Action: 's3:Get*', Resource: OBJECTS }, ['error wildcard-action']],
    [
      '"*" on "*"',
      { Effect: 'Allow', Action: '*', Resource: '*' },
      ['error wildcard-action', 'error resource-star'],
    ],
    ['a wildcard in a Deny', { Effect: 'Deny', Action: 's3:*', Resource: '*' }, []],
    // resource-star
    ['GetObject on "*"', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, ['error resource-star']],
    [
      'ListAllMyBuckets on "*"',
      { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
      ['warning list-all-buckets'],
    ],
    ['GetCallerIdentity on "*"', { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }, []],
    [
      'a key-policy statement: in a key policy "*" is the key itself',
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::222222222222:role/r' },
        Action: 'kms:Decrypt',
        Resource: '*',
      },
      [],
    ],
    [
      'kms:Decrypt on "*" in an identity policy',
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
      ['error resource-star'],
    ],
    [
      'a resource policy mixing KMS and S3 actions on "*"',
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::2:root' },
        Action: ['kms:Decrypt', 's3:GetObject'],
        Resource: '*',
      },
      ['error resource-star'],
    ],
    // principal-star
    [
      'Principal "*"',
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS },
      ['error principal-star'],
    ],
    [
      'Principal {AWS: "*"}',
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: OBJECTS },
      ['error principal-star'],
    ],
    [
      'Principal "*" limited by aws:SourceAccount (any case)',
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'sns:Publish',
        Resource: 'arn:aws:sns:us-east-1:1:t',
        Condition: { StringEquals: { 'AWS:SourceAccount': '222222222222' } },
      },
      [],
    ],
    [
      'Principal "*" with an IfExists condition (does not restrict)',
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: OBJECTS,
        Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-1' } },
      },
      ['error principal-star'],
    ],
    [
      'Principal "*" with a condition value "*" (does not restrict)',
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: OBJECTS,
        Condition: { StringLike: { 'aws:PrincipalArn': '*' } },
      },
      ['error principal-star'],
    ],
    // trust-without-external-id
    [
      'a trust without external ID',
      { Effect: 'Allow', Principal: ROLE, Action: 'sts:AssumeRole' },
      ['error trust-without-external-id'],
    ],
    [
      'a trust through sts:*',
      { Effect: 'Allow', Principal: ROLE, Action: 'sts:*' },
      ['error trust-without-external-id', 'error wildcard-action'],
    ],
    [
      'a trust with the external ID',
      {
        Effect: 'Allow',
        Principal: ROLE,
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } },
      },
      [],
    ],
    [
      'a trust whose external ID check is IfExists',
      {
        Effect: 'Allow',
        Principal: ROLE,
        Action: 'sts:AssumeRole',
        Condition: { StringEqualsIfExists: { 'sts:ExternalId': 'x-1' } },
      },
      ['error trust-without-external-id'],
    ],
    [
      'a service trust (no external ID needed)',
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      [],
    ],
    // not-action-with-allow
    [
      'NotAction with Allow',
      { Effect: 'Allow', NotAction: 's3:DeleteObject', Resource: OBJECTS },
      ['error not-action-with-allow'],
    ],
    [
      'NotResource with Allow',
      { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' },
      ['error not-action-with-allow'],
    ],
    ['NotAction with Deny', { Effect: 'Deny', NotAction: 's3:GetObject', Resource: OBJECTS }, []],
    // delete-permission
    [
      'DeleteObject',
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:DeleteObject'], Resource: OBJECTS },
      ['error delete-permission'],
    ],
    [
      "DeleteObject on verify's probe folder only",
      {
        Effect: 'Allow',
        Action: 's3:DeleteObject',
        Resource: 'arn:aws:s3:::dst/out/.bucketbridge-verify/*',
      },
      [],
    ],
    [
      'DeleteObject on the probe folder and elsewhere',
      {
        Effect: 'Allow',
        Action: 's3:DeleteObject',
        Resource: ['arn:aws:s3:::dst/out/.bucketbridge-verify/*', 'arn:aws:s3:::dst/out/*'],
      },
      ['error delete-permission'],
    ],
    [
      'DeleteBucket on the probe folder',
      { Effect: 'Allow', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::dst/out/.bucketbridge-verify/*' },
      ['error delete-permission'],
    ],
    [
      'sqs:DeleteQueue',
      { Effect: 'Allow', Action: 'sqs:DeleteQueue', Resource: 'arn:aws:sqs:us-east-1:1:q' },
      ['error delete-permission'],
    ],
    [
      'sqs:DeleteMessage (needed by live)',
      { Effect: 'Allow', Action: 'sqs:DeleteMessage', Resource: 'arn:aws:sqs:us-east-1:1:q' },
      [],
    ],
    // permissions-management
    [
      'PutBucketPolicy',
      { Effect: 'Allow', Action: 's3:PutBucketPolicy', Resource: BUCKET },
      ['error permissions-management'],
    ],
    // acl-permission
    [
      'PutObjectAcl',
      { Effect: 'Allow', Action: 's3:PutObjectAcl', Resource: OBJECTS },
      ['warning acl-permission'],
    ],
    // list-without-prefix
    [
      'ListBucket without a prefix condition',
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET },
      ['warning list-without-prefix'],
    ],
    [
      'ListBucket limited to a prefix',
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: BUCKET,
        Condition: { StringLike: { 's3:prefix': ['in/', 'in/*'] } },
      },
      [],
    ],
    // clean
    ['GetObject under a prefix', { Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECTS }, []],
  ])('%s', (_, statement, expected) => {
    expect(findingsOf(statement)).toEqual(expected);
  });

  it('ACL permissions are an error when the buckets have ACLs disabled', () => {
    expect(
      findingsOf({ Effect: 'Allow', Action: 's3:PutObjectAcl', Resource: OBJECTS }, { aclsDisabled: true }),
    ).toEqual(['error acl-permission']);
  });
});

describe('a finding', () => {
  it('names the file, the statement index and Sid, the level, why it matters and the fix', () => {
    const findings = lintPolicy('trust.json', {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Ok', Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECTS },
        { Sid: 'Vendor', Effect: 'Allow', Principal: ROLE, Action: 'sts:AssumeRole' },
      ],
    });
    expect(findings).toEqual([
      {
        file: 'trust.json',
        statementIndex: 1,
        sid: 'Vendor',
        rule: 'trust-without-external-id',
        level: 'error',
        message:
          'lets arn:aws:iam::111111111111:role/r assume the role without an external ID (no sts:ExternalId condition)',
        why: "a vendor serving many customers can be tricked into using your role for someone else's job (the confused deputy): anyone who learns the role ARN can give it to the vendor as theirs",
        fix: 'add "Condition": {"StringEquals": {"sts:ExternalId": "<the external ID the vendor gave you>"}}',
      },
    ]);
  });

  it.each([
    [undefined, 'has no "Version" (IAM then assumes 2008-10-17)'],
    ['2008-10-17', 'has "Version": "2008-10-17"'],
  ])('an old or missing Version (%s) is a document-level warning', (version, message) => {
    const document = { ...(version ? { Version: version } : {}), Statement: [] } as never;
    expect(lintPolicy('p.json', document)).toMatchObject([
      { rule: 'policy-version', level: 'warning', message },
    ]);
  });
});
