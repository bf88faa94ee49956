/** How versioned writes and deletes reshape a key's versions (versioning.ts), without HTTP. */
import { describe, expect, it } from 'vitest';
import type { BucketRecord, ObjectRecord } from '../../../../sandbox/s3/s3-state.js';
import { SortedKeyMap } from '../../../../sandbox/s3/sorted-keys.js';
import {
  addDeleteMarker,
  archiveOnWrite,
  deleteVersion,
  findVersion,
  latestDeleteMarker,
} from '../../../../sandbox/s3/versioning.js';

function bucketWith(versioning?: 'Enabled' | 'Suspended'): BucketRecord {
  return {
    name: 'versions-unit',
    region: 'us-east-1',
    ownerAccountId: '222222222222',
    createdMs: 0,
    acl: 'private',
    notifications: [],
    objects: new SortedKeyMap(),
    uploads: new Map(),
    history: new Map(),
    versioning,
  };
}

function object(body: string): ObjectRecord {
  return {
    key: 'k',
    size: body.length,
    etag: `"${body}"`,
    lastModifiedMs: 0,
    contentType: 'text/plain',
    contentHeaders: {},
    userMetadata: {},
    storageClass: 'STANDARD',
    sse: { algorithm: 'AES256' },
    acl: 'private',
    tags: {},
    ownerAccountId: '222222222222',
    segments: [{ kind: 'memory', data: Buffer.from(body) }],
  };
}

function write(bucket: BucketRecord, body: string) {
  const record = object(body);
  const freed = archiveOnWrite(bucket, bucket.objects.get('k'), record);
  bucket.objects.set('k', record);
  return { record, freed };
}

function versionIds(bucket: BucketRecord): string[] {
  const current = bucket.objects.get('k');
  const past = bucket.history.get('k') ?? [];
  return [
    ...(current ? [`object:${current.versionId}`] : []),
    ...past.map((v) =>
      v.kind === 'object' ? `object:${v.object.versionId}` : `marker:${v.marker.versionId}`,
    ),
  ];
}

describe('writes', () => {
  it('without versioning replace the object and free its body', () => {
    const bucket = bucketWith();
    write(bucket, 'one');
    const { freed, record } = write(bucket, 'two');
    expect(record.versionId).toBeUndefined();
    expect(freed).toHaveLength(1);
    expect(bucket.history.size).toBe(0);
  });

  it('with versioning enabled keep every earlier version, the pre-versioning object as the null version', () => {
    const bucket = bucketWith();
    write(bucket, 'before');
    bucket.versioning = 'Enabled';
    const { record: first, freed } = write(bucket, 'one');
    const { record: second } = write(bucket, 'two');
    expect(freed).toEqual([]);
    expect(versionIds(bucket)).toEqual([
      `object:${second.versionId}`,
      `object:${first.versionId}`,
      'object:null',
    ]);
  });

  it('while suspended replace the null version and keep the enabled-era versions', () => {
    const bucket = bucketWith('Enabled');
    const { record: kept } = write(bucket, 'kept');
    bucket.versioning = 'Suspended';
    write(bucket, 'null one');
    const { freed } = write(bucket, 'null two');
    expect(freed).toHaveLength(1);
    expect(versionIds(bucket)).toEqual(['object:null', `object:${kept.versionId}`]);
  });
});

describe('deletes', () => {
  it('put a delete marker on top that hides the key; deleting the marker brings the object back', () => {
    const bucket = bucketWith('Enabled');
    const { record } = write(bucket, 'one');
    const { marker } = addDeleteMarker(bucket, 'k', '222222222222', 5);
    expect(bucket.objects.has('k')).toBe(false);
    expect(latestDeleteMarker(bucket, 'k')).toBe(marker);
    expect(findVersion(bucket, 'k', record.versionId!)?.kind).toBe('object');
    const { deleted, freed } = deleteVersion(bucket, 'k', marker.versionId);
    expect(deleted?.kind).toBe('marker');
    expect(freed).toEqual([]);
    expect(bucket.objects.get('k')).toEqual(record);
  });

  it('of the current version promote the next one; of the last version leave no trace', () => {
    const bucket = bucketWith('Enabled');
    const { record: first } = write(bucket, 'one');
    const { record: second } = write(bucket, 'two');
    expect(deleteVersion(bucket, 'k', second.versionId!).freed).toHaveLength(1);
    expect(bucket.objects.get('k')?.versionId).toBe(first.versionId);
    deleteVersion(bucket, 'k', first.versionId!);
    expect(bucket.objects.has('k')).toBe(false);
    expect(bucket.history.has('k')).toBe(false);
  });

  it('of an unknown version change nothing', () => {
    const bucket = bucketWith('Enabled');
    write(bucket, 'one');
    expect(deleteVersion(bucket, 'k', 'no-such-version')).toEqual({ freed: [] });
    expect(bucket.objects.has('k')).toBe(true);
  });

  it('while suspended add a null delete marker that replaces the null version', () => {
    const bucket = bucketWith('Suspended');
    write(bucket, 'null');
    const { marker, freed } = addDeleteMarker(bucket, 'k', '222222222222', 5);
    expect(marker.versionId).toBe('null');
    expect(freed).toHaveLength(1);
    expect(versionIds(bucket)).toEqual(['marker:null']);
  });
});
