/**
 * Where collected records go. A sink receives one object's records in batches and must have made
 * them durable (written and flushed, or acknowledged by the endpoint) when `write` resolves, since
 * the object is marked done right after its last batch.
 */
export interface TaggedRecord {
  bucket: string;
  key: string;
  /** 1-based line number (lines, ndjson) or position in the array (json-array). */
  line: number;
  /** The record: a string (lines) or the parsed JSON value. */
  record: unknown;
}

/** Identifies a batch so that a receiver can drop a redelivered one. */
export interface BatchIdentity {
  bucket: string;
  key: string;
  /** ETag or version of the object. */
  version: string;
  /** 0-based index of the batch within the object. */
  index: number;
}

export interface RecordSink {
  readonly name: string;
  write(records: TaggedRecord[], batch: BatchIdentity, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Records as NDJSON text, one per line. */
export function toNdjson(records: TaggedRecord[]): string {
  let text = '';
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}
