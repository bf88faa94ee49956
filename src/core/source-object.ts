/**
 * One object to process, as a batch listing or a live event describes it. Both workflows feed
 * these into the same pipeline.
 */
export interface SourceObject {
  bucket: string;
  /** The object key, decoded (as S3 stores it, not URL-encoded). */
  key: string;
  /** The version ID on a versioned bucket, when known (events carry it; listings do not). */
  versionId?: string;
  /** The ETag without quotes, when known. */
  etag?: string;
  /** Size in bytes, when known. */
  size?: number;
  lastModified?: Date;
  /** S3 event sequencer (live events): orders writes to the same key. */
  sequencer?: string;
}

/** The ledger's version of an object: its version ID, else its ETag. */
export function ledgerVersionOf(object: SourceObject): string | undefined {
  return object.versionId ?? object.etag;
}

/** ETags arrive quoted from S3 (`"abc"`); the ledger and metadata use them bare. */
export function unquoteEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/^"(.*)"$/, '$1');
}
