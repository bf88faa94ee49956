/**
 * The pipeline's side of ProcessorInput: reads exactly the listed version of a source object, as a
 * stream, as a temporary file, or through a presigned URL, and counts the bytes read.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { OpenedObject, ProcessorInput, ProcessorObject } from '../processors/processor.js';
import { ByteCounter } from './output-writer.js';

/**
 * Temporary space of one attempt at one object: created on first use, removed (with everything in
 * it) by `dispose`, which the pipeline calls whether the attempt succeeded or failed.
 */
export class AttemptScratch {
  private dir: Promise<string> | undefined;
  /** `root` undefined: the OS temporary folder, looked up only when a processor asks for a path. */
  constructor(private readonly root?: string) {}

  path(): Promise<string> {
    this.dir ??= mkdtemp(join(this.root ?? tmpdir(), 'bucketbridge-'));
    return this.dir;
  }

  async dispose(): Promise<void> {
    if (this.dir === undefined) return;
    const dir = await this.dir.catch(() => undefined);
    this.dir = undefined;
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}

export interface ObjectReaderOptions {
  s3: S3Client;
  object: ProcessorObject;
  scratch: AttemptScratch;
  signal: AbortSignal;
  /** Receives the byte count of everything read (for bytes-in figures). */
  onBytes: (bytes: number) => void;
  /** Receives the Content-Type the first time the object is opened. */
  onOpened?: (opened: Omit<OpenedObject, 'body'>) => void;
}

/** Builds the ProcessorInput of one attempt. */
export function createProcessorInput(options: ObjectReaderOptions): ProcessorInput {
  const { s3, object, scratch, signal } = options;
  const getInput = {
    Bucket: object.bucket,
    Key: object.key,
    // Exactly the version that was claimed in the ledger: a newer one fails with 412 instead.
    IfMatch: object.etag,
  };
  const open = async (): Promise<OpenedObject> => {
    const response = await s3.send(new GetObjectCommand(getInput), { abortSignal: signal });
    const counter = new ByteCounter();
    const body = response.Body as Readable;
    body.on('error', (error) => counter.destroy(error));
    counter.on('end', () => options.onBytes(counter.bytes));
    body.pipe(counter);
    const opened: Omit<OpenedObject, 'body'> = {
      contentLength: response.ContentLength ?? 0,
      metadata: response.Metadata ?? {},
    };
    if (response.ContentType !== undefined) opened.contentType = response.ContentType;
    if (response.ContentEncoding !== undefined) opened.contentEncoding = response.ContentEncoding;
    options.onOpened?.(opened);
    return { ...opened, body: counter };
  };
  let localFile: Promise<string> | undefined;
  return {
    ...object,
    open,
    localFile() {
      localFile ??= (async () => {
        const dir = await scratch.path();
        const name =
          object.relativeKey
            .split('/')
            .pop()
            ?.replace(/[^\w.-]/g, '_') || 'object';
        const path = join(dir, `input-${name}`);
        const { body } = await open();
        await pipeline(body, createWriteStream(path), { signal });
        return path;
      })();
      return localFile;
    },
    presignedUrl(expiresInSec = 3600) {
      return getSignedUrl(s3, new GetObjectCommand(getInput), { expiresIn: expiresInSec });
    },
  };
}
