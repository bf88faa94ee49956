/**
 * One object to process, as a batch listing or a live event describes it. Both workflows feed
 * these into the same pipeline.
 *
 * Versioned buckets: an object is identified by its ETag, never by a version ID. A listing
 * (ListObjectsV2) gives no version IDs, so keying the ledger by ETag in both workflows is what makes
 * backfill-then-follow free of duplicates; every read and copy is conditioned on the ETag
 * (If-Match), so exactly the content that was listed or announced is processed, and a newer
 * write to the key fails the read with 412 instead of being processed in its place.
 */
export interface SourceObject {
  bucket: string;
  /** The object key, decoded (as S3 stores it, not URL-encoded). */
  key: string;
  /** The ETag without quotes, when known. */
  etag?: string;
  /** Size in bytes, when known. */
  size?: number;
  lastModified?: Date;
  /** S3 event sequencer (live events): orders writes to the same key. */
  sequencer?: string;
}

/** The ledger's version of an object: its ETag, on versioned buckets too. */
export function ledgerVersionOf(object: SourceObject): string | undefined {
  return object.etag;
}

/** ETags arrive quoted from S3 (`"abc"`); the ledger and metadata use them bare. */
export function unquoteEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/^"(.*)"$/, '$1');
}
