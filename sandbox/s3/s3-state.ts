/**
 * The S3 service's state: buckets, their objects in listing order, multipart uploads in progress,
 * and the event sequencer. Bodies live in the BlobStore; this holds only metadata, which
 * `snapshot()`/`restore()` turn into JSON for the sandbox's `--state` directory.
 */

import type { ChecksumAlgorithm } from '../core/checksums.js';
import type { PolicyDocument } from '../core/types.js';
import type { BlobStore, Segment } from './blob-store.js';
import type { NotificationRule } from './notification-config.js';
import { SortedKeyMap } from './sorted-keys.js';

export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

export interface ServerSideEncryption {
  algorithm: string;
  kmsKeyId?: string;
  bucketKeyEnabled?: boolean;
}

export type RetentionMode = 'GOVERNANCE' | 'COMPLIANCE';

/** An object version's Object Lock retention: it may not be deleted before `retainUntilMs`. */
export interface Retention {
  mode: RetentionMode;
  retainUntilMs: number;
}

/** A bucket's Object Lock configuration: enabled for good, with an optional default retention. */
export interface ObjectLockConfig {
  defaultRetention?: { mode: RetentionMode; days?: number; years?: number };
}

/** What an object (or an upload that will become one) carries besides its body. */
export interface ObjectAttributes {
  contentType: string;
  /** Content-Encoding, Content-Disposition, Content-Language, Cache-Control, Expires, by lower-case name. */
  contentHeaders: Record<string, string>;
  /** User metadata by lower-case name without the `x-amz-meta-` prefix. */
  userMetadata: Record<string, string>;
  storageClass: string;
  sse: ServerSideEncryption;
  /** The canned ACL (`private` unless one was set). */
  acl: string;
  /** Object tags (`x-amz-tagging`, PutObjectTagging). */
  tags: Record<string, string>;
  /** Object Lock retention (request headers, PutObjectRetention, or the bucket's default at commit). */
  retention?: Retention;
  /** Object Lock legal hold (ON while true). */
  legalHold?: boolean;
}

export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface ObjectRecord extends ObjectAttributes {
  key: string;
  size: number;
  /** Quoted, as in the ETag header. */
  etag: string;
  lastModifiedMs: number;
  checksum?: StoredChecksum;
  ownerAccountId: string;
  segments: Segment[];
  /** Sizes of the parts of a multipart object, in order (for `partNumber` reads). */
  partSizes?: number[];
  /** The parts' checksums (base64, the upload's algorithm), when every part had one (GetObjectAttributes). */
  partChecksums?: string[];
  /** Set once the bucket has had versioning enabled: a generated ID, or `null` while suspended. */
  versionId?: string;
}

/** A delete marker of a versioned bucket. */
export interface DeleteMarker {
  key: string;
  versionId: string;
  lastModifiedMs: number;
  ownerAccountId: string;
}

/** A version that is not the key's current object: an older object version, or a delete marker. */
export type PastVersion = { kind: 'object'; object: ObjectRecord } | { kind: 'marker'; marker: DeleteMarker };

export interface PartRecord {
  partNumber: number;
  etag: string;
  size: number;
  lastModifiedMs: number;
  segment: Segment;
  checksum?: string;
}

export interface MultipartUpload {
  uploadId: string;
  key: string;
  initiatedMs: number;
  initiatorArn: string;
  initiatorAccountId: string;
  attributes: ObjectAttributes;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: 'COMPOSITE' | 'FULL_OBJECT';
  parts: Map<number, PartRecord>;
}

/** What a completed multipart upload became, kept so that a retried Complete gets the same answer. */
export interface CompletedUpload {
  key: string;
  etag: string;
  versionId?: string;
  checksum?: StoredChecksum;
}

/** How many completed uploads are remembered (the oldest are forgotten first). */
const REMEMBERED_COMPLETIONS = 10_000;

export interface BucketRecord {
  name: string;
  region: string;
  ownerAccountId: string;
  createdMs: number;
  policy?: { text: string; document: PolicyDocument };
  /** Default encryption (PutBucketEncryption); unset means SSE-S3. */
  encryption?: ServerSideEncryption;
  /** Undefined once the ownership controls were deleted (ACLs then behave as ObjectWriter). */
  ownership?: ObjectOwnership;
  acl: string;
  notifications: NotificationRule[];
  tags?: Record<string, string>;
  objects: SortedKeyMap<ObjectRecord>;
  uploads: Map<string, MultipartUpload>;
  /** Set when the bucket was created with Object Lock or had it enabled; never removed. */
  objectLock?: ObjectLockConfig;
  /** Unset until PutBucketVersioning; never returns to unset. */
  versioning?: 'Enabled' | 'Suspended';
  /**
   * Per key, the versions other than the current object, newest first. When a key's newest version
   * is a delete marker the key is absent from `objects` and the marker heads this list.
   */
  history: Map<string, PastVersion[]>;
}

type SnapshotPast = { kind: 'object'; object: SnapshotObject } | { kind: 'marker'; marker: DeleteMarker };

interface BucketSnapshot extends Omit<BucketRecord, 'objects' | 'uploads' | 'history'> {
  objects: SnapshotObject[];
  history?: Array<[string, SnapshotPast[]]>;
  uploads: Array<
    Omit<MultipartUpload, 'parts'> & { parts: Array<Omit<PartRecord, 'segment'> & { segment: unknown }> }
  >;
}
type SnapshotObject = Omit<ObjectRecord, 'segments'> & { segments: unknown[] };

export interface S3Snapshot {
  version: 1;
  sequencer: string;
  buckets: BucketSnapshot[];
}

function encodeSegment(segment: Segment): unknown {
  return segment.kind === 'memory' ? { kind: 'memory', base64: segment.data.toString('base64') } : segment;
}

function encodeObject(object: ObjectRecord): SnapshotObject {
  return { ...object, segments: object.segments.map(encodeSegment) };
}

function decodeSegment(value: unknown): Segment {
  const raw = value as { kind: string; base64?: string; file?: string; size?: number };
  if (raw.kind === 'memory') return { kind: 'memory', data: Buffer.from(raw.base64 ?? '', 'base64') };
  return { kind: 'file', file: String(raw.file), size: Number(raw.size) };
}

export class S3State {
  readonly buckets = new Map<string, BucketRecord>();
  private sequencer: bigint;
  /** Recently completed uploads by `bucket/uploadId` (memory only: a retry follows its request closely). */
  private readonly completions = new Map<string, CompletedUpload>();

  constructor(
    readonly store: BlobStore,
    nowMs: number,
  ) {
    // Starting from the clock keeps sequencers increasing across restarts without state too.
    this.sequencer = BigInt(nowMs) * 1_000_000n;
  }

  /** The next event sequencer: upper-case hex, increasing for every event of every key. */
  nextSequencer(): string {
    this.sequencer += 1n;
    return this.sequencer.toString(16).toUpperCase().padStart(18, '0');
  }

  rememberCompletion(bucket: string, uploadId: string, completed: CompletedUpload): void {
    this.completions.set(`${bucket}/${uploadId}`, completed);
    if (this.completions.size > REMEMBERED_COMPLETIONS)
      this.completions.delete(this.completions.keys().next().value!);
  }

  completion(bucket: string, uploadId: string): CompletedUpload | undefined {
    return this.completions.get(`${bucket}/${uploadId}`);
  }

  snapshot(): S3Snapshot {
    return {
      version: 1,
      sequencer: this.sequencer.toString(),
      buckets: [...this.buckets.values()].map((bucket) => ({
        ...bucket,
        objects: [...bucket.objects.valuesInOrder()].map(encodeObject),
        history: [...bucket.history.entries()].map(([key, versions]): [string, SnapshotPast[]] => [
          key,
          versions.map((v) => (v.kind === 'object' ? { kind: 'object', object: encodeObject(v.object) } : v)),
        ]),
        uploads: [...bucket.uploads.values()].map((u) => ({
          ...u,
          parts: [...u.parts.values()].map((p) => ({ ...p, segment: encodeSegment(p.segment) })),
        })),
      })),
    };
  }

  restore(data: unknown): void {
    const snapshot = data as S3Snapshot;
    // Refusing beats silently starting empty: the objects' files would then be swept away.
    if (snapshot?.version !== 1)
      throw new Error(
        `The saved S3 state has format version ${String(snapshot?.version)}; this sandbox reads version 1. Start with another --state directory or remove its s3 state.`,
      );
    this.buckets.clear();
    const referenced = new Set<string>();
    const note = (segment: Segment): Segment => {
      if (segment.kind === 'file') referenced.add(segment.file);
      return segment;
    };
    const restored = BigInt(snapshot.sequencer);
    if (restored > this.sequencer) this.sequencer = restored;
    for (const saved of snapshot.buckets) {
      const decodeObject = (o: SnapshotObject): ObjectRecord => ({
        ...o,
        segments: o.segments.map((s) => note(decodeSegment(s))),
      });
      const objects = new SortedKeyMap<ObjectRecord>();
      for (const o of saved.objects) objects.set(o.key, decodeObject(o));
      const history = new Map<string, PastVersion[]>();
      for (const [key, versions] of saved.history ?? []) {
        history.set(
          key,
          versions.map(
            (v): PastVersion =>
              v.kind === 'object' ? { kind: 'object', object: decodeObject(v.object) } : v,
          ),
        );
      }
      const uploads = new Map<string, MultipartUpload>();
      for (const u of saved.uploads) {
        const parts = new Map<number, PartRecord>();
        for (const p of u.parts) parts.set(p.partNumber, { ...p, segment: note(decodeSegment(p.segment)) });
        uploads.set(u.uploadId, { ...u, parts });
      }
      this.buckets.set(saved.name, { ...saved, objects, uploads, history });
    }
    if (this.store.persistent) this.store.sweep(referenced);
  }
}
