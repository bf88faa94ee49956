/**
 * The processor interface: what is done to one object. Built-in processors and user modules
 * (`processor: { type: module, path }`) implement the same interface; see docs/processors.md.
 *
 * A processor receives the object (metadata and ways to read it) and a context through which it
 * writes zero or more outputs as streams. It never talks to the ledger: the pipeline claims the
 * object before and records the result after every output is durable.
 */
import type { Readable } from 'node:stream';

/** The object being processed. */
export interface ProcessorObject {
  bucket: string;
  /** The key as S3 stores it (decoded). */
  key: string;
  /** The key below the connection's source prefix. */
  relativeKey: string;
  /** ETag without quotes. */
  etag?: string;
  /** Size in bytes, when known before reading. */
  size?: number;
  lastModified?: Date;
}

/** An opened object body, with what S3 said about it. */
export interface OpenedObject {
  body: Readable;
  /** Content-Length in bytes. */
  contentLength: number;
  contentType?: string;
  contentEncoding?: string;
  /** User metadata (`x-amz-meta-*`, without the prefix). */
  metadata: Record<string, string>;
}

/** The input of a processor: the object and three ways to read it. */
export interface ProcessorInput extends ProcessorObject {
  /**
   * Opens the object as a stream (a fresh GET of exactly this version each call). Read it to the end
   * or destroy it; memory stays bounded whatever the object's size.
   */
  open(): Promise<OpenedObject>;
  /**
   * Downloads the object to a temporary file and returns its path, for tools that need to seek
   * (an MP4 whose index is at the end). The file is removed when the processor's attempt ends,
   * whether it succeeded or failed.
   */
  localFile(): Promise<string>;
  /** A presigned GET URL of this version, valid for `expiresInSec` (default 3600), for ranged reads. */
  presignedUrl(expiresInSec?: number): Promise<string>;
}

/** One output to write to the destination bucket. */
export interface OutputRequest {
  /** Destination key. Default: the key the connection's `keyTemplate` gives (`context.outputKey`). */
  key?: string;
  /** The content. Streamed; an error from this stream aborts the upload (nothing is left behind). */
  body: Readable;
  /** Content-Type. Default: the source object's when it was opened, else application/octet-stream. */
  contentType?: string;
  contentEncoding?: string;
  /** Extra user metadata. The pipeline adds the source key and ETag (bucketbridge-source-*). */
  metadata?: Record<string, string>;
  /**
   * About how many bytes `body` will have, when it is not about the source object's size (the
   * default): sizes the upload's parts so that an output above 62.5 GiB fits in S3's 10,000 parts.
   */
  expectedBytes?: number;
}

/** An output that is now durable in the destination bucket. */
export interface WrittenOutput {
  bucket: string;
  key: string;
  /** Bytes written. */
  bytes: number;
}

/** What a processor gets besides its input. */
export interface ProcessorContext {
  /** The connection's name. */
  connection: string;
  /** The destination bucket. */
  destinationBucket: string;
  /** The output key the connection's key template gives for this object (destination prefix included). */
  outputKey: string;
  /** Aborted when the run stops or the object's claim is lost: stop work and reject. */
  signal: AbortSignal;
  /** Writes one output completely (multipart above 8 MiB) or not at all; resolves once it is durable. */
  writeOutput(output: OutputRequest): Promise<WrittenOutput>;
  /**
   * Copies the input to `key` (default `outputKey`) inside S3 without downloading it, when the same
   * credentials reach both buckets; resolves undefined when a server-side copy is not possible here.
   */
  copyInput(key?: string): Promise<WrittenOutput | undefined>;
  /** A private temporary directory, removed when the attempt ends. */
  tempDir(): Promise<string>;
  /** Structured log of this object (bucket and key bound). */
  log: ProcessorLog;
}

/** The part of a logger processors use. */
export interface ProcessorLog {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** What a processor may report about an object (shown in the report and logs). */
export interface ProcessResult {
  /** Free-form figures, e.g. the video processor's saving. JSON-serialisable. */
  details?: Record<string, unknown>;
}

export interface Processor {
  /** Short name shown in logs and reports. */
  readonly name: string;
  /**
   * Processes one object. Resolve once every output is written; reject to fail the object:
   * throw ProcessorError for a failure of the processor's own (recorded, not retried), any other
   * error is classified (throttling and network errors are retried).
   */
  process(input: ProcessorInput, context: ProcessorContext): Promise<ProcessResult | undefined>;
  /** Releases what the processor holds across objects (open files, HTTP agents). Called once at the end. */
  close?(): Promise<void>;
}

/** What a user module's default export is: a factory given the `options` of its configuration. */
export type ProcessorFactory = (
  options: Record<string, unknown>,
  environment: ProcessorEnvironment,
) => Processor | Promise<Processor>;

/** What a processor factory may use besides its options. */
export interface ProcessorEnvironment {
  /** Directory of the configuration file (relative paths in options are relative to it). */
  configDir: string;
  log: ProcessorLog;
}
