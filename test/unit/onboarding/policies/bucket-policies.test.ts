import { describe, expect, it } from 'vitest';
import { buildDestinationBucketPolicy } from '../../../../src/onboarding/policies/destination-bucket-policy.js';
import { buildSourceBucketPolicy } from '../../../../src/onboarding/policies/source-bucket-policy.js';
import { CUSTOMER_ACCOUNT, makeContext } from '../../../fixtures/onboarding.js';

const role = { AWS: `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/BucketBridgeAccessRole` };

describe('the source bucket policy', () => {
  it('lets only the role list and read the prefix and locate the bucket, with Sids naming the connection', () => {
    expect(buildSourceBucketPolicy(makeContext())).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'BucketBridgeAcmeVideosListSourcePrefix',
          Effect: 'Allow',
          Principal: role,
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::acme-source',
          Condition: { StringLike: { 's3:prefix': ['videos/in/', 'videos/in/*'] } },
        },
        {
          Sid: 'BucketBridgeAcmeVideosLocateSourceBucket',
          Effect: 'Allow',
          Principal: role,
          Action: 's3:GetBucketLocation',
          Resource: 'arn:aws:s3:::acme-source',
        },
        {
          Sid: 'BucketBridgeAcmeVideosReadSourceObjects',
          Effect: 'Allow',
          Principal: role,
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::acme-source/videos/in/*',
        },
      ],
    });
  });

  it('names a custom role and drops the prefix condition for the whole bucket', () => {
    const policy = buildSourceBucketPolicy(
      makeContext({ source: { bucket: 'acme-source', prefix: '' }, onboarding: { roleName: 'VendorX' } }),
    );
    expect(policy.Statement[0]).toEqual({
      Sid: 'BucketBridgeAcmeVideosListSourcePrefix',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/VendorX` },
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::acme-source',
    });
  });

  it.each([
    ['acme-videos', 'BucketBridgeAcmeVideos'],
    ['acme_videos.2', 'BucketBridgeAcmeVideos2'],
    ['ACME', 'BucketBridgeACME'],
  ])('a connection named %s gets Sids starting %s (IAM allows only letters and digits)', (name, prefix) => {
    const sids = buildSourceBucketPolicy(makeContext({ name })).Statement.map((s) => s.Sid);
    for (const sid of sids) expect(sid).toMatch(new RegExp(`^${prefix}[A-Za-z]+$`));
  });
});

describe('the destination bucket policy', () => {
  it("lets only the role write under the prefix, delete verify's probes and locate the bucket", () => {
    expect(buildDestinationBucketPolicy(makeContext())).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'BucketBridgeAcmeVideosWriteDestinationObjects',
          Effect: 'Allow',
          Principal: role,
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::acme-destination/videos/out/*',
        },
        {
          Sid: 'BucketBridgeAcmeVideosCleanUpVerifyProbes',
          Effect: 'Allow',
          Principal: role,
          Action: 's3:DeleteObject',
          Resource: 'arn:aws:s3:::acme-destination/videos/out/.bucketbridge-verify/*',
        },
        {
          Sid: 'BucketBridgeAcmeVideosLocateDestinationBucket',
          Effect: 'Allow',
          Principal: role,
          Action: 's3:GetBucketLocation',
          Resource: 'arn:aws:s3:::acme-destination',
        },
      ],
    });
  });

  it('adds the ACL statement, limited to the configured ACL, only when an ACL is configured', () => {
    const policy = buildDestinationBucketPolicy(
      makeContext({
        destination: { bucket: 'acme-destination', prefix: 'videos/out/', acl: 'bucket-owner-read' },
      }),
    );
    expect(policy.Statement[2]).toEqual({
      Sid: 'BucketBridgeAcmeVideosSetDestinationObjectAcl',
      Effect: 'Allow',
      Principal: role,
      Action: 's3:PutObjectAcl',
      Resource: 'arn:aws:s3:::acme-destination/videos/out/*',
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-read' } },
    });
  });
});
