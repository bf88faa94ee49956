/**
 * Splits an object into log records, streaming: gzip (multi-member too: Node's gunzip reads every
 * member) or plain, then lines, NDJSON, or a JSON array (top level, or under a field such as
 * CloudTrail's `Records`). Only the current record is held in memory.
 */
import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import StreamJson from 'stream-json';
import Pick from 'stream-json/filters/Pick.js';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import { ProcessorError } from '../processor-error.js';

export type RecordFormat = 'lines' | 'ndjson' | 'json-array';

/** One record with its 1-based position: the line number (lines, ndjson) or the array index + 1. */
export interface SourceRecord {
  line: number;
  record: unknown;
}

export interface ReadRecordsOptions {
  format: RecordFormat;
  /** For json-array: the top-level field holding the array. Default: the document is the array. */
  recordsField?: string;
  /** Names the object in errors, e.g. `s3://bucket/key`. */
  source: string;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The body, decompressed when it starts with the gzip magic bytes. Sniffing the content itself
 * beats trusting Content-Encoding or the extension, which log writers often get wrong.
 */
export async function decompressIfGzip(body: Readable): Promise<Readable> {
  const iterator = body[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  const first: Buffer[] = [];
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    first.push(chunk);
    head = Buffer.concat([head, chunk]);
  }
  const rest = new PassThrough();
  (async () => {
    for (const chunk of first) if (!rest.write(chunk)) await new Promise((r) => rest.once('drain', r));
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (!rest.write(next.value)) await new Promise((r) => rest.once('drain', r));
    }
    rest.end();
  })().catch((error: unknown) => rest.destroy(error as Error));
  if (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) {
    const gunzip = createGunzip();
    rest.on('error', (error) => gunzip.destroy(error));
    return rest.pipe(gunzip);
  }
  return rest;
}

async function* lines(body: Readable): AsyncGenerator<{ line: number; text: string }> {
  const reader = createInterface({ input: body, crlfDelay: Number.POSITIVE_INFINITY });
  // readline swallows input errors; surface them.
  const failed = new Promise<never>((_, reject) => body.once('error', reject));
  failed.catch(() => undefined);
  let line = 0;
  try {
    for await (const text of reader) {
      line++;
      yield { line, text };
    }
  } finally {
    reader.close();
  }
  if (body.errored) throw body.errored;
}

async function* jsonArray(body: Readable, options: ReadRecordsOptions): AsyncGenerator<SourceRecord> {
  const stages: NodeJS.ReadWriteStream[] = [StreamJson.parser()];
  if (options.recordsField !== undefined) stages.push(Pick.pick({ filter: options.recordsField }));
  const streamer = StreamArray.streamArray();
  let stream: NodeJS.ReadableStream = body;
  for (const stage of [...stages, streamer]) {
    const source = stream as Readable;
    source.on('error', (error) => (stage as unknown as Readable).destroy(error));
    stream = source.pipe(stage);
  }
  try {
    for await (const item of streamer as unknown as AsyncIterable<{ key: number; value: unknown }>) {
      yield { line: item.key + 1, record: item.value };
    }
  } catch (error) {
    if (error instanceof ProcessorError) throw error;
    const where =
      options.recordsField === undefined
        ? 'a JSON array'
        : `a JSON object with a "${options.recordsField}" array`;
    throw new ProcessorError(`${options.source} is not ${where}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The records of an object, in order. Throws ProcessorError for content that does not parse. */
export async function* readRecords(
  body: Readable,
  options: ReadRecordsOptions,
): AsyncGenerator<SourceRecord> {
  const content = await decompressIfGzip(body);
  if (options.format === 'json-array') {
    yield* jsonArray(content, options);
    return;
  }
  for await (const { line, text } of lines(content)) {
    // A blank line is not a record (line numbers still count it, so they match the file).
    if (text.trim() === '') continue;
    if (options.format === 'lines') {
      yield { line, record: text };
      continue;
    }
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      throw new ProcessorError(`Line ${line} of ${options.source} is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    yield { line, record };
  }
}
