import { GetBucketLocationCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnectionAccess, normaliseLocation } from '../../../src/aws/connection-access.js';
import { BucketRegionError, CredentialsError } from '../../../src/aws/errors.js';
import type { Connection } from '../../../src/config/resolved-config.js';
import { AssumeRoleCommand, awsError, connection, countingVendor, fakeSts, VENDOR } from './sts-fakes.js';

const config = { aws: { region: 'us-east-1', maxAttempts: 2 } };

function fullConnection(overrides: Partial<Connection> = {}): Connection {
  return {
    ...connection(),
    accountId: '222222222222',
    source: { bucket: 'acme-src', prefix: '', include: [], exclude: [] },
    destination: { bucket: 'acme-dst', prefix: '', keyTemplate: '{relkey}' },
    workflow: 'batch',
    processor: { type: 'copy' },
    onboarding: {
      roleName: 'BucketBridgeAccessRole',
      topicName: 'BucketBridgeS3EventTopic',
      allowListAllBuckets: false,
    },
    concurrency: 16,
    ...overrides,
  } as Connection;
}

/** A HeadBucket failure as the SDK reports it: the response headers are on `$response`. */
function headFailure(name: string, status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(awsError(name, name, status), { $response: { statusCode: status, headers } });
}

const stubS3 = () => mockClient(S3Client);

describe('createConnectionAccess', () => {
  let s3: ReturnType<typeof stubS3>;
  let fake: ReturnType<typeof fakeSts>;
  beforeEach(() => {
    s3 = stubS3();
    fake = fakeSts();
  });
  afterEach(() => {
    s3.restore();
    fake.sts.restore();
  });

  describe('bucket regions', () => {
    it('reads the region from HeadBucket once per bucket, however often and concurrently it is asked', async () => {
      s3.on(HeadBucketCommand, { Bucket: 'acme-src' }).resolves({ BucketRegion: 'eu-central-1' });
      s3.on(HeadBucketCommand, { Bucket: 'acme-dst' }).resolves({ BucketRegion: 'us-west-2' });
      const access = createConnectionAccess({
        config,
        connection: fullConnection(),
        vendorCredentials: countingVendor(),
      });
      const regions = await Promise.all([
        access.bucketRegion('acme-src'),
        access.bucketRegion('acme-src'),
        access.bucketRegion('acme-dst'),
      ]);
      await access.bucketRegion('acme-src');
      expect(regions).toEqual(['eu-central-1', 'eu-central-1', 'us-west-2']);
      expect(
        s3.commandCalls(HeadBucketCommand).map((c) => (c.args[0].input as { Bucket?: string }).Bucket),
      ).toEqual(['acme-src', 'acme-dst']);
    });

    it('takes the region from the x-amz-bucket-region header of a redirect or a denial', async () => {
      s3.on(HeadBucketCommand, { Bucket: 'moved' })
        .rejects(headFailure('301', 301, { 'x-amz-bucket-region': 'ap-southeast-2' }))
        .on(HeadBucketCommand, { Bucket: 'denied' })
        .rejects(headFailure('Forbidden', 403, { 'x-amz-bucket-region': 'eu-west-3' }));
      const access = createConnectionAccess({
        config,
        connection: fullConnection(),
        vendorCredentials: countingVendor(),
      });
      await expect(access.bucketRegion('moved')).resolves.toBe('ap-southeast-2');
      await expect(access.bucketRegion('denied')).resolves.toBe('eu-west-3');
      expect(s3.commandCalls(GetBucketLocationCommand)).toHaveLength(0);
    });

    it('falls back to GetBucketLocation when HeadBucket gives no region', async () => {
      s3.on(HeadBucketCommand).rejects(headFailure('Forbidden', 403));
      s3.on(GetBucketLocationCommand, { Bucket: 'legacy-eu' })
        .resolves({ LocationConstraint: 'EU' })
        .on(GetBucketLocationCommand, { Bucket: 'virginia' })
        .resolves({});
      const access = createConnectionAccess({
        config,
        connection: fullConnection(),
        vendorCredentials: countingVendor(),
      });
      await expect(access.bucketRegion('legacy-eu')).resolves.toBe('eu-west-1');
      await expect(access.bucketRegion('virginia')).resolves.toBe('us-east-1');
    });

    it('reports a bucket that does not exist, and asks again next time', async () => {
      s3.on(HeadBucketCommand)
        .rejectsOnce(headFailure('NotFound', 404))
        .resolves({ BucketRegion: 'us-east-2' });
      const access = createConnectionAccess({
        config,
        connection: fullConnection(),
        vendorCredentials: countingVendor(),
      });
      const error = await access.bucketRegion('typo-bucket').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BucketRegionError);
      expect(error).toMatchObject({
        message: 'Bucket typo-bucket does not exist (HeadBucket answered 404).',
        bucket: 'typo-bucket',
        kind: 'permanent',
      });
      await expect(access.bucketRegion('typo-bucket')).resolves.toBe('us-east-2');
    });

    it('names the permissions it needs when neither request may look', async () => {
      s3.on(HeadBucketCommand).rejects(headFailure('Forbidden', 403));
      s3.on(GetBucketLocationCommand).rejects(awsError('AccessDenied', 'Access Denied'));
      const access = createConnectionAccess({
        config,
        connection: fullConnection(),
        vendorCredentials: countingVendor(),
      });
      await expect(access.bucketRegion('locked')).rejects.toMatchObject({
        name: 'BucketRegionError',
        message:
          "Cannot find the region of bucket locked: AccessDenied: Access Denied. The connection's credentials need s3:ListBucket (HeadBucket) or s3:GetBucketLocation on it.",
        kind: 'misconfiguration',
      });
    });

    it('turns a rejected key into a CredentialsError', async () => {
      s3.on(HeadBucketCommand).rejects(headFailure('InvalidAccessKeyId', 403));
      const access = createConnectionAccess({
        config,
        connection: fullConnection(),
        vendorCredentials: countingVendor(),
      });
      await expect(access.bucketRegion('acme-src')).rejects.toBeInstanceOf(CredentialsError);
    });

    it.each([
      [undefined, 'us-east-1'],
      ['', 'us-east-1'],
      ['EU', 'eu-west-1'],
      ['eu-central-1', 'eu-central-1'],
    ])('GetBucketLocation %j means %s', (constraint, region) => {
      expect(normaliseLocation(constraint)).toBe(region);
    });
  });

  describe('clients', () => {
    it("gives an S3 client signing for the bucket's region with the connection's role credentials", async () => {
      s3.on(HeadBucketCommand).resolves({ BucketRegion: 'eu-central-1' });
      const access = createConnectionAccess({
        config,
        connection: fullConnection(),
        vendorCredentials: countingVendor(),
      });
      const client = await access.s3ForBucket('acme-src');
      await expect(client.config.region()).resolves.toBe('eu-central-1');
      expect(await access.s3ForBucket('acme-src')).toBe(client);
      const signer = await client.config.credentials();
      expect(signer.accessKeyId).toBe(fake.issued[0]?.credentials.accessKeyId);
      // HeadBucket itself was asked in the configured region, with the same role.
      const head = s3.commandCalls(HeadBucketCommand)[0]?.thisValue as S3Client;
      await expect(head.config.region()).resolves.toBe('us-east-1');
    });

    it("builds other clients once per class and region, with the connection's or the vendor's identity", async () => {
      const access = createConnectionAccess({
        config,
        connection: fullConnection(),
        vendorCredentials: countingVendor(),
      });
      const sqs = access.client(SQSClient);
      expect(access.client(SQSClient)).toBe(sqs);
      expect(access.client(SQSClient, 'eu-west-1')).not.toBe(sqs);
      await expect(access.client(SQSClient, 'eu-west-1').config.region()).resolves.toBe('eu-west-1');
      expect((await sqs.config.credentials()).accessKeyId).toBe(fake.issued[0]?.credentials.accessKeyId);
      const vendorSqs = access.vendorClient(SQSClient);
      expect(vendorSqs).not.toBe(sqs);
      expect((await vendorSqs.config.credentials()).accessKeyId).toBe(VENDOR.accessKeyId);
      expect(fake.sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    });

    it('uses the vendor credentials for everything when assumeRoleFlag is false', async () => {
      const access = createConnectionAccess({
        config,
        connection: fullConnection({ assumeRoleFlag: false }),
        vendorCredentials: countingVendor(),
      });
      expect((await access.credentials()).accessKeyId).toBe(VENDOR.accessKeyId);
      expect((await access.client(SQSClient).config.credentials()).accessKeyId).toBe(VENDOR.accessKeyId);
      expect(fake.sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    });
  });
});
