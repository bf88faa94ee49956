/**
 * `collect`: splits each object into log records (see record-reader.ts), tags each with its bucket,
 * key and line, and ships them to a sink: stdout, a file, an HTTP endpoint, or the destination
 * bucket as `<output key>.ndjson.gz`. An object counts as done only once all its records are durable
 * in the sink.
 */
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Processor, ProcessorContext, ProcessorInput } from '../processor.js';
import { createFileSink } from './file-sink.js';
import { createHttpSink } from './http-sink.js';
import { type RecordFormat, readRecords } from './record-reader.js';
import type { RecordSink, TaggedRecord } from './record-sink.js';
import { createStdoutSink } from './stdout-sink.js';

export type CollectSinkSettings =
  | { type: 'stdout' }
  | { type: 'file'; path: string }
  | { type: 'http'; url: string; batchSize?: number; headers?: Record<string, string> }
  | { type: 'destination' };

export interface CollectProcessorOptions {
  format: RecordFormat;
  /** For json-array: the field holding the array (CloudTrail: `Records`). */
  recordsField?: string;
  sink: CollectSinkSettings;
  /** For tests: a sink to use instead of the one `sink` describes. */
  sinkOverride?: RecordSink;
}

/** Records per sink write for sinks without their own batch size. */
const DEFAULT_BATCH_SIZE = 500;

async function* taggedRecords(
  input: ProcessorInput,
  options: CollectProcessorOptions,
): AsyncGenerator<TaggedRecord> {
  const opened = await input.open();
  const records = readRecords(opened.body, {
    format: options.format,
    ...(options.recordsField === undefined ? {} : { recordsField: options.recordsField }),
    source: `s3://${input.bucket}/${input.key}`,
  });
  try {
    for await (const { line, record } of records)
      yield { bucket: input.bucket, key: input.key, line, record };
  } finally {
    opened.body.destroy();
  }
}

async function toDestination(
  input: ProcessorInput,
  context: ProcessorContext,
  options: CollectProcessorOptions,
) {
  const ndjson = new PassThrough();
  const gzip = createGzip();
  let count = 0;
  const feeding = (async () => {
    for await (const tagged of taggedRecords(input, options)) {
      count++;
      if (!ndjson.write(`${JSON.stringify(tagged)}\n`)) await new Promise((r) => ndjson.once('drain', r));
    }
    ndjson.end();
  })();
  feeding.catch((error: unknown) => ndjson.destroy(error as Error));
  const compressing = pipeline(ndjson, gzip);
  await Promise.all([
    context.writeOutput({
      key: `${context.outputKey}.ndjson.gz`,
      body: gzip,
      contentType: 'application/gzip',
    }),
    feeding,
    compressing,
  ]);
  return count;
}

export function createCollectProcessor(options: CollectProcessorOptions): Processor {
  const { sink: settings } = options;
  let sink: RecordSink | undefined = options.sinkOverride;
  if (sink === undefined && settings.type !== 'destination') {
    sink =
      settings.type === 'stdout'
        ? createStdoutSink()
        : settings.type === 'file'
          ? createFileSink(settings.path)
          : createHttpSink({ url: settings.url, ...(settings.headers ? { headers: settings.headers } : {}) });
  }
  const batchSize =
    settings.type === 'http' ? (settings.batchSize ?? DEFAULT_BATCH_SIZE) : DEFAULT_BATCH_SIZE;
  return {
    name: 'collect',
    async process(input, context) {
      if (sink === undefined) {
        const records = await toDestination(input, context, options);
        return { details: { records } };
      }
      const version = input.etag ?? '';
      let batch: TaggedRecord[] = [];
      let index = 0;
      let records = 0;
      for await (const tagged of taggedRecords(input, options)) {
        batch.push(tagged);
        records++;
        if (batch.length >= batchSize) {
          await sink.write(
            batch,
            { bucket: input.bucket, key: input.key, version, index: index++ },
            context.signal,
          );
          batch = [];
        }
      }
      if (batch.length > 0) {
        await sink.write(
          batch,
          { bucket: input.bucket, key: input.key, version, index: index++ },
          context.signal,
        );
      }
      return { details: { records } };
    },
    async close() {
      await sink?.close();
    },
  };
}
