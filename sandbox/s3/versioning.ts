/**
 * Bucket versioning: Put/GetBucketVersioning, how writes and deletes keep older versions and create
 * delete markers once versioning is on (Enabled: a new version ID each time; Suspended: the `null`
 * version is replaced), reading and deleting specific versions, and ListObjectVersions.
 */
import { randomBytes } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import type { Segment } from './blob-store.js';
import { ownerConfiguredBucket } from './bucket-policy.js';
import { ownerNodes } from './buckets.js';
import { authorize, authorizedBucket, findBucket, type S3Call } from './s3-access.js';
import type { BucketRecord, DeleteMarker, ObjectRecord, PastVersion } from './s3-state.js';
import { child, isoTime, parseXml, text, type XmlNode, xmlResponse } from './s3-xml.js';
import { compareUtf8 } from './sorted-keys.js';
import { listingEncoder } from './url-encoding.js';

/** S3-style version IDs: 32 URL-safe characters. */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url');
}

/** The version ID S3 reports for an object: objects written before versioning are the `null` version. */
export function versionIdOf(object: { versionId?: string }): string {
  return object.versionId ?? 'null';
}

function idOf(entry: PastVersion): string {
  return entry.kind === 'object' ? versionIdOf(entry.object) : entry.marker.versionId;
}

function isNullVersion(entry: PastVersion): boolean {
  return idOf(entry) === 'null';
}

/** Removes the `null` version from a key's history (it is replaced), returning the segments to free. */
function dropNullVersion(history: PastVersion[]): Segment[] {
  const index = history.findIndex(isNullVersion);
  if (index < 0) return [];
  const [removed] = history.splice(index, 1);
  return removed?.kind === 'object' ? removed.object.segments : [];
}

function setHistory(bucket: BucketRecord, key: string, history: PastVersion[]): void {
  if (history.length > 0) bucket.history.set(key, history);
  else bucket.history.delete(key);
}

/**
 * Gives `record` its version ID and files the object it replaces: kept as an older version, or
 * freed when versioning is off or both are the `null` version. Returns the segments to free.
 */
export function archiveOnWrite(
  bucket: BucketRecord,
  previous: ObjectRecord | undefined,
  record: ObjectRecord,
): Segment[] {
  if (!bucket.versioning) return previous?.segments ?? [];
  record.versionId = bucket.versioning === 'Enabled' ? newVersionId() : 'null';
  const history = bucket.history.get(record.key) ?? [];
  const freed = record.versionId === 'null' ? dropNullVersion(history) : [];
  if (previous) {
    if (record.versionId === 'null' && versionIdOf(previous) === 'null') freed.push(...previous.segments);
    else history.unshift({ kind: 'object', object: { ...previous, versionId: versionIdOf(previous) } });
  }
  setHistory(bucket, record.key, history);
  return freed;
}

/** DeleteObject without a version ID on a versioned bucket: the current object becomes history under a new delete marker. */
export function addDeleteMarker(
  bucket: BucketRecord,
  key: string,
  ownerAccountId: string,
  nowMs: number,
): { marker: DeleteMarker; freed: Segment[] } {
  const marker: DeleteMarker = {
    key,
    versionId: bucket.versioning === 'Enabled' ? newVersionId() : 'null',
    lastModifiedMs: nowMs,
    ownerAccountId,
  };
  const history = bucket.history.get(key) ?? [];
  const freed = marker.versionId === 'null' ? dropNullVersion(history) : [];
  const current = bucket.objects.get(key);
  if (current) {
    bucket.objects.delete(key);
    if (marker.versionId === 'null' && versionIdOf(current) === 'null') freed.push(...current.segments);
    else history.unshift({ kind: 'object', object: { ...current, versionId: versionIdOf(current) } });
  }
  history.unshift({ kind: 'marker', marker });
  setHistory(bucket, key, history);
  return { marker, freed };
}

/** A specific version of a key: the current object or an entry of its history. */
export function findVersion(bucket: BucketRecord, key: string, versionId: string): PastVersion | undefined {
  const current = bucket.objects.get(key);
  if (current && versionIdOf(current) === versionId) return { kind: 'object', object: current };
  return bucket.history.get(key)?.find((v) => idOf(v) === versionId);
}

/** The delete marker that hides a key, when its newest version is one. */
export function latestDeleteMarker(bucket: BucketRecord, key: string): DeleteMarker | undefined {
  if (bucket.objects.has(key)) return undefined;
  const head = bucket.history.get(key)?.[0];
  return head?.kind === 'marker' ? head.marker : undefined;
}

/**
 * Permanently deletes one version. When it was the newest, the next one becomes current (or the key
 * stays hidden behind a delete marker). Returns the deleted version and the segments to free.
 */
export function deleteVersion(
  bucket: BucketRecord,
  key: string,
  versionId: string,
): { deleted?: PastVersion; freed: Segment[] } {
  const history = bucket.history.get(key) ?? [];
  const current = bucket.objects.get(key);
  let deleted: PastVersion | undefined;
  if (current && versionIdOf(current) === versionId) {
    bucket.objects.delete(key);
    deleted = { kind: 'object', object: current };
  } else {
    const index = history.findIndex((v) => idOf(v) === versionId);
    if (index < 0) return { freed: [] };
    deleted = history.splice(index, 1)[0]!;
  }
  if (!bucket.objects.has(key) && history[0]?.kind === 'object') {
    const promoted = history.shift() as { kind: 'object'; object: ObjectRecord };
    bucket.objects.set(key, promoted.object);
  }
  setHistory(bucket, key, history);
  return { deleted, freed: deleted.kind === 'object' ? deleted.object.segments : [] };
}

export async function putBucketVersioning(call: S3Call): Promise<ServiceResponse> {
  const bucket = ownerConfiguredBucket(call, 's3:PutBucketVersioning');
  const status = text(child(parseXml(await call.request.readBody()), 'VersioningConfiguration'), 'Status');
  if (status !== 'Enabled' && status !== 'Suspended')
    throw new AwsError(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
    );
  if (bucket.objectLock && status !== 'Enabled')
    throw new AwsError(
      'InvalidBucketState',
      'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
      409,
    );
  bucket.versioning = status;
  return { status: 200 };
}

export function getBucketVersioning(call: S3Call): ServiceResponse {
  const bucket = authorizedBucket(call, 's3:GetBucketVersioning');
  return xmlResponse('VersioningConfiguration', [['Status', bucket.versioning]]);
}

/** Every key with any version, in listing order (current objects and keys hidden by delete markers). */
function versionedKeys(bucket: BucketRecord, prefix: string): string[] {
  const keys = new Set<string>();
  for (let i = bucket.objects.lowerBound(prefix); ; i++) {
    const key = bucket.objects.keyAt(i);
    if (key === undefined || !key.startsWith(prefix)) break;
    keys.add(key);
  }
  for (const key of bucket.history.keys()) if (key.startsWith(prefix)) keys.add(key);
  return [...keys].sort(compareUtf8);
}

function versionsOf(bucket: BucketRecord, key: string): PastVersion[] {
  const current = bucket.objects.get(key);
  return [
    ...(current ? [{ kind: 'object', object: current } as PastVersion] : []),
    ...(bucket.history.get(key) ?? []),
  ];
}

export function listObjectVersions(call: S3Call): ServiceResponse {
  const { env, request, bucketName: name } = call;
  const bucket = findBucket(env, request, name);
  const params = request.url.searchParams;
  const prefix = params.get('prefix') ?? '';
  authorize(env, request, bucket, 's3:ListBucketVersions', undefined, { 's3:prefix': prefix });
  const delimiter = params.get('delimiter') ?? '';
  const keyMarker = params.get('key-marker') ?? '';
  const versionIdMarker = params.get('version-id-marker') ?? '';
  const maxKeys = Math.min(Number(params.get('max-keys') ?? '1000') || 1000, 1000);
  const encoder = listingEncoder(params.get('encoding-type'));
  const encode = encoder ?? ((s: string) => s);
  const entries: XmlNode[] = [];
  const prefixes: string[] = [];
  let count = 0;
  let truncated = false;
  let next: { key: string; versionId: string } | undefined;
  outer: for (const key of versionedKeys(bucket, prefix)) {
    if (keyMarker && compareUtf8(key, keyMarker) < 0) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const commonPrefix = key.slice(0, cut + delimiter.length);
      if (prefixes.at(-1) === commonPrefix || (keyMarker && compareUtf8(commonPrefix, keyMarker) <= 0))
        continue;
      if (count === maxKeys) {
        truncated = true;
        break;
      }
      prefixes.push(commonPrefix);
      count++;
      next = { key: commonPrefix, versionId: '' };
      continue;
    }
    const versions = versionsOf(bucket, key);
    let startIndex = 0;
    if (key === keyMarker) {
      // A key marker alone resumes after the key; with a version marker, after that version.
      const at = versionIdMarker ? versions.findIndex((v) => idOf(v) === versionIdMarker) : -1;
      startIndex = at < 0 ? versions.length : at + 1;
    }
    for (let index = startIndex; index < versions.length; index++) {
      const version = versions[index]!;
      const versionId = idOf(version);
      if (count === maxKeys) {
        truncated = true;
        break outer;
      }
      count++;
      next = { key, versionId };
      const common: XmlNode[] = [
        ['Key', encode(key)],
        ['VersionId', versionId],
        ['IsLatest', index === 0],
      ];
      if (version.kind === 'marker')
        entries.push([
          'DeleteMarker',
          [
            ...common,
            ['LastModified', isoTime(version.marker.lastModifiedMs)],
            ['Owner', ownerNodes(env, version.marker.ownerAccountId)],
          ],
        ]);
      else
        entries.push([
          'Version',
          [
            ...common,
            ['LastModified', isoTime(version.object.lastModifiedMs)],
            ['ETag', version.object.etag],
            ['Size', version.object.size],
            ['Owner', ownerNodes(env, version.object.ownerAccountId)],
            ['StorageClass', version.object.storageClass],
          ],
        ]);
    }
  }
  return xmlResponse('ListVersionsResult', [
    ['Name', bucket.name],
    ['Prefix', encode(prefix)],
    ['KeyMarker', encode(keyMarker)],
    ['VersionIdMarker', versionIdMarker],
    ['NextKeyMarker', truncated && next ? encode(next.key) : undefined],
    ['NextVersionIdMarker', truncated && next?.versionId ? next.versionId : undefined],
    ['MaxKeys', maxKeys],
    ['Delimiter', delimiter ? encode(delimiter) : undefined],
    ['EncodingType', encoder ? 'url' : undefined],
    ['IsTruncated', truncated],
    ...entries,
    ...prefixes.map((p): XmlNode => ['CommonPrefixes', [['Prefix', encode(p)]]]),
  ]);
}
