/**
 * Bucket versioning through the AWS SDK v3: versions kept on overwrite, delete markers, reading and
 * deleting specific versions, ListObjectVersions, suspended versioning's `null` version, and the
 * version IDs carried by event notifications.
 */
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../helpers/sandbox.js';
import { queueForBucketEvents, sandboxClient, useS3Sandbox } from '../../helpers/sandbox-clients.js';
import { failure } from './s3-conformance.js';

const { sandbox, s3 } = useS3Sandbox();

async function versionedBucket(status: 'Enabled' | 'Suspended' = 'Enabled'): Promise<string> {
  const Bucket = uniqueName('versioned');
  await s3.send(new CreateBucketCommand({ Bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: status } }));
  return Bucket;
}

async function read(Bucket: string, Key: string, VersionId?: string): Promise<string> {
  const got = await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }));
  return (await got.Body?.transformToString()) ?? '';
}

describe('versioning enabled', () => {
  it('reports its status, and a bucket never versioned reports none', async () => {
    const Bucket = await versionedBucket();
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
    const plain = uniqueName('plain');
    await s3.send(new CreateBucketCommand({ Bucket: plain }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: plain }))).Status).toBeUndefined();
  });

  it('an overwrite keeps the older version readable by its version ID', async () => {
    const Bucket = await versionedBucket();
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'doc', Body: 'one' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket, Key: 'doc', Body: 'two' }));
    expect(v1.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(v2.VersionId).not.toBe(v1.VersionId);
    expect(await read(Bucket, 'doc')).toBe('two');
    expect(await read(Bucket, 'doc', v1.VersionId)).toBe('one');
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'doc' }));
    expect(head.VersionId).toBe(v2.VersionId);
  });

  it('a delete adds a delete marker: the key disappears from listings but its versions remain', async () => {
    const Bucket = await versionedBucket();
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'gone', Body: 'kept' }));
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'gone' }));
    expect(deleted.DeleteMarker).toBe(true);
    expect(deleted.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount).toBe(0);
    const missing = await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'gone' })));
    expect(missing.name).toBe('NoSuchKey');
    expect(missing.$response?.headers['x-amz-delete-marker']).toBe('true');
    expect(await read(Bucket, 'gone', v1.VersionId)).toBe('kept');
    const onMarker = await failure(
      s3.send(new GetObjectCommand({ Bucket, Key: 'gone', VersionId: deleted.VersionId })),
    );
    expect(onMarker.$metadata.httpStatusCode).toBe(405);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    expect(versions.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([
      ['gone', deleted.VersionId, true],
    ]);
    expect(versions.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest, v.Size])).toEqual([
      ['gone', v1.VersionId, false, 4],
    ]);
    const notEmpty = await failure(s3.send(new DeleteBucketCommand({ Bucket })));
    expect(notEmpty.name).toBe('BucketNotEmpty');
  });

  it('deleting the delete marker by version ID restores the object; deleting every version empties the bucket', async () => {
    const Bucket = await versionedBucket();
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'back' }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: marker.VersionId }));
    expect(await read(Bucket, 'k')).toBe('back');
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'k', VersionId: v1.VersionId }] } }),
    );
    expect(result.Deleted?.map((d) => [d.Key, d.VersionId])).toEqual([['k', v1.VersionId]]);
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket }))).Versions ?? []).toEqual([]);
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });

  it('CopyObject copies a named older version and reports both version IDs', async () => {
    const Bucket = await versionedBucket();
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'src', Body: 'first' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'src', Body: 'second' }));
    const copied = await s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'restored',
        CopySource: `${Bucket}/src?versionId=${v1.VersionId}`,
      }),
    );
    expect(copied.CopySourceVersionId).toBe(v1.VersionId);
    expect(copied.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await read(Bucket, 'restored')).toBe('first');
  });

  it('ListObjectVersions pages with key and version-id markers', async () => {
    const Bucket = await versionedBucket();
    const ids: string[] = [];
    for (const body of ['a', 'b', 'c'])
      ids.unshift((await s3.send(new PutObjectCommand({ Bucket, Key: 'p', Body: body }))).VersionId!);
    const first = await s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 2 }));
    expect(first.Versions?.map((v) => v.VersionId)).toEqual(ids.slice(0, 2));
    expect(first.IsTruncated).toBe(true);
    const rest = await s3.send(
      new ListObjectVersionsCommand({
        Bucket,
        KeyMarker: first.NextKeyMarker,
        VersionIdMarker: first.NextVersionIdMarker,
      }),
    );
    expect(rest.Versions?.map((v) => v.VersionId)).toEqual(ids.slice(2));
    expect(rest.IsTruncated).toBe(false);
  });
});

describe('versioning suspended', () => {
  it('writes replace the null version while older versions stay', async () => {
    const Bucket = await versionedBucket('Enabled');
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'versioned' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } }),
    );
    const n1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'null one' }));
    const n2 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'null two' }));
    expect([n1.VersionId, n2.VersionId]).toEqual(['null', 'null']);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    expect(versions.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      ['null', true],
      [v1.VersionId, false],
    ]);
    expect(await read(Bucket, 'k', 'null')).toBe('null two');
  });
});

describe('event notifications on a versioned bucket', () => {
  it('carry the version ID, and a delete is ObjectRemoved:DeleteMarkerCreated with the marker’s ID', async () => {
    const Bucket = await versionedBucket();
    const sqs = sandboxClient(sandbox, SQSClient);
    const { url: QueueUrl, arn } = await queueForBucketEvents(sqs, Bucket, { namePrefix: 'vevents' });
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket,
        NotificationConfiguration: {
          QueueConfigurations: [{ QueueArn: arn, Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] }],
        },
      }),
    );
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'v', Body: 'x' }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'v' }));
    const records: Array<{ eventName: string; s3: { object: Record<string, unknown> } }> = [];
    for (let attempt = 0; attempt < 5 && records.length < 2; attempt++) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          WaitTimeSeconds: 2,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 300,
        }),
      );
      for (const message of received.Messages ?? []) {
        const body = JSON.parse(message.Body!);
        if (body.Records) records.push(body.Records[0]);
      }
    }
    expect(records.map((r) => [r.eventName, r.s3.object.versionId])).toEqual([
      ['ObjectCreated:Put', put.VersionId],
      ['ObjectRemoved:DeleteMarkerCreated', marker.VersionId],
    ]);
    expect(Object.keys(records[0]!.s3.object)).toEqual(['key', 'size', 'eTag', 'versionId', 'sequencer']);
  });
});
