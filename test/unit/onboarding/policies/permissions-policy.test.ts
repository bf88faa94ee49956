// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is CloudFormation, Terraform or IAM syntax, not a JavaScript template.
import { describe, expect, it } from 'vitest';
import {
  buildPermissionsPolicy,
  listPrefixCondition,
} from '../../../../src/onboarding/policies/permissions-policy.js';
import type { PolicyStatement } from '../../../../src/onboarding/policies/policy-document.js';
import { toPolicyJson } from '../../../../src/onboarding/policies/policy-document.js';
import { CUSTOMER_ACCOUNT, makeContext } from '../../../fixtures/onboarding.js';

const bySid = (statements: PolicyStatement[]) => Object.fromEntries(statements.map((s) => [s.Sid, s]));

describe('the permissions policy of a batch connection', () => {
  it('grants exactly list+read on the source prefix, write on the destination prefix and the bucket locations', () => {
    expect(buildPermissionsPolicy(makeContext())).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ListSourcePrefix',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::acme-source',
          Condition: { StringLike: { 's3:prefix': ['videos/in/', 'videos/in/*'] } },
        },
        {
          Sid: 'ReadSourceObjects',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::acme-source/videos/in/*',
        },
        {
          Sid: 'WriteDestinationObjects',
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::acme-destination/videos/out/*',
        },
        {
          Sid: 'CleanUpVerifyProbes',
          Effect: 'Allow',
          Action: 's3:DeleteObject',
          Resource: 'arn:aws:s3:::acme-destination/videos/out/.bucketbridge-verify/*',
        },
        {
          Sid: 'LocateBuckets',
          Effect: 'Allow',
          Action: 's3:GetBucketLocation',
          Resource: ['arn:aws:s3:::acme-source', 'arn:aws:s3:::acme-destination'],
        },
        {
          Sid: 'CheckSourceEncryption',
          Effect: 'Allow',
          Action: 's3:GetEncryptionConfiguration',
          Resource: 'arn:aws:s3:::acme-source',
        },
      ],
    });
  });

  it('is the same text every time it is built (stable Sids and key order)', () => {
    expect(toPolicyJson(buildPermissionsPolicy(makeContext()))).toBe(
      toPolicyJson(buildPermissionsPolicy(makeContext())),
    );
  });

  it('names one bucket once when source and destination are the same bucket', () => {
    const policy = buildPermissionsPolicy(
      makeContext({ destination: { bucket: 'acme-source', prefix: 'out/' } }),
    );
    expect(bySid(policy.Statement).LocateBuckets?.Resource).toBe('arn:aws:s3:::acme-source');
  });
});

describe('the s3:prefix condition of the source listing', () => {
  it.each([
    [
      'a prefix with a trailing slash',
      'videos/in/',
      { StringLike: { 's3:prefix': ['videos/in/', 'videos/in/*'] } },
    ],
    [
      'a prefix without a trailing slash',
      'incoming',
      { StringLike: { 's3:prefix': ['incoming', 'incoming*'] } },
    ],
    [
      'a prefix with IAM wildcard characters',
      'a*b?/$x/',
      { StringLike: { 's3:prefix': ['a${*}b${?}/${$}x/', 'a${*}b${?}/${$}x/*'] } },
    ],
    ['the empty prefix (whole bucket): no condition', '', undefined],
  ])('%s', (_, prefix, condition) => {
    const context = makeContext({ source: { bucket: 'acme-source', prefix } });
    expect(listPrefixCondition(context.source.policyPrefix)).toEqual(condition);
    expect(bySid(buildPermissionsPolicy(context).Statement).ListSourcePrefix?.Condition).toEqual(condition);
  });

  it('the empty prefix grants reading the whole bucket', () => {
    const context = makeContext({ source: { bucket: 'acme-source', prefix: '' } });
    expect(bySid(buildPermissionsPolicy(context).Statement).ReadSourceObjects?.Resource).toBe(
      'arn:aws:s3:::acme-source/*',
    );
  });
});

describe('optional statements appear only when the connection asks for them', () => {
  const sourceKey = `arn:aws:kms:eu-central-1:${CUSTOMER_ACCOUNT}:key/src`;
  const destinationKey = `arn:aws:kms:eu-central-1:${CUSTOMER_ACCOUNT}:key/dst`;
  it.each([
    ['nothing optional', {}, []],
    [
      'a destination ACL',
      {
        destination: { bucket: 'acme-destination', prefix: 'videos/out/', acl: 'bucket-owner-full-control' },
      },
      [
        {
          Sid: 'SetDestinationObjectAcl',
          Effect: 'Allow',
          Action: 's3:PutObjectAcl',
          Resource: 'arn:aws:s3:::acme-destination/videos/out/*',
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
        },
      ],
    ],
    [
      'allowListAllBuckets',
      { onboarding: { allowListAllBuckets: true } },
      [{ Sid: 'ListAllBuckets', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
    ],
    [
      'a live connection through SNS',
      { workflow: 'live' },
      [
        {
          Sid: 'CheckSourceNotification',
          Effect: 'Allow',
          Action: 's3:GetBucketNotification',
          Resource: 'arn:aws:s3:::acme-source',
        },
        {
          Sid: 'CheckEventTopic',
          Effect: 'Allow',
          Action: 'sns:GetTopicAttributes',
          Resource: `arn:aws:sns:eu-central-1:${CUSTOMER_ACCOUNT}:BucketBridgeS3EventTopic`,
        },
      ],
    ],
    [
      'a live connection through the customer queue',
      {
        workflow: 'live',
        live: { mode: 'sqs', queueUrl: `https://sqs.eu-west-1.amazonaws.com/${CUSTOMER_ACCOUNT}/events` },
      },
      [
        {
          Sid: 'CheckSourceNotification',
          Effect: 'Allow',
          Action: 's3:GetBucketNotification',
          Resource: 'arn:aws:s3:::acme-source',
        },
        {
          Sid: 'ConsumeEventQueue',
          Effect: 'Allow',
          Action: [
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:GetQueueUrl',
            'sqs:ReceiveMessage',
          ],
          Resource: `arn:aws:sqs:eu-west-1:${CUSTOMER_ACCOUNT}:events`,
        },
      ],
    ],
    [
      'KMS keys on both sides',
      {
        source: { bucket: 'acme-source', prefix: 'videos/in/', kmsKeyArn: sourceKey },
        destination: { bucket: 'acme-destination', prefix: 'videos/out/', kmsKeyArn: destinationKey },
      },
      [
        { Sid: 'DecryptSourceObjects', Effect: 'Allow', Action: 'kms:Decrypt', Resource: sourceKey },
        {
          Sid: 'EncryptDestinationObjects',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: destinationKey,
        },
      ],
    ],
  ])('%s', (_, overrides, extra) => {
    const statements = buildPermissionsPolicy(makeContext(overrides)).Statement;
    const base = [
      'ListSourcePrefix',
      'ReadSourceObjects',
      'WriteDestinationObjects',
      'CleanUpVerifyProbes',
      'LocateBuckets',
      'CheckSourceEncryption',
    ];
    const beyond = statements.filter(
      (s) => !base.includes(s.Sid ?? '') || s.Sid === 'SetDestinationObjectAcl',
    );
    expect(beyond).toEqual(extra);
  });
});

describe('least privilege holds for every shape of connection', () => {
  const shapes = [
    {},
    { workflow: 'live' },
    {
      workflow: 'live',
      live: { mode: 'sqs', queueUrl: `https://sqs.us-east-1.amazonaws.com/${CUSTOMER_ACCOUNT}/q` },
    },
    { onboarding: { allowListAllBuckets: true } },
    {
      destination: {
        bucket: 'acme-destination',
        prefix: '',
        acl: 'private',
        kmsKeyArn: 'arn:aws:kms:us-east-1:222222222222:key/k',
      },
    },
  ];
  const statements = shapes.flatMap((shape) => buildPermissionsPolicy(makeContext(shape)).Statement);
  const actions = statements.flatMap((s) => [s.Action ?? []].flat());
  it('never grants a wildcard action', () => {
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });
  it("never grants a delete (the queue message delete of sqs mode and verify's probe folder aside)", () => {
    expect(
      actions.filter((a) => /:Delete/.test(a) && a !== 'sqs:DeleteMessage' && a !== 's3:DeleteObject'),
    ).toEqual([]);
    const objectDeletes = statements.filter((s) => [s.Action].flat().includes('s3:DeleteObject'));
    expect(objectDeletes.map((s) => s.Resource)).toEqual([
      'arn:aws:s3:::acme-destination/videos/out/.bucketbridge-verify/*',
      'arn:aws:s3:::acme-destination/videos/out/.bucketbridge-verify/*',
      'arn:aws:s3:::acme-destination/videos/out/.bucketbridge-verify/*',
      'arn:aws:s3:::acme-destination/videos/out/.bucketbridge-verify/*',
      'arn:aws:s3:::acme-destination/.bucketbridge-verify/*',
    ]);
  });
  it('uses Resource "*" only for s3:ListAllMyBuckets', () => {
    const star = statements.filter((s) => [s.Resource].flat().includes('*'));
    expect(star.map((s) => s.Action)).toEqual(['s3:ListAllMyBuckets']);
  });
  it('never uses NotAction, NotResource or Deny', () => {
    expect(statements.filter((s) => s.NotAction || s.NotResource || s.Effect !== 'Allow')).toEqual([]);
  });
});
