/**
 * `gzip`, `brotli`, `deflate`: the object compressed with Node's zlib, streaming. The output key
 * gains the format's extension (`.gz`, `.br`, `.zz`) and the matching content type.
 */

import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type BrotliOptions,
  constants,
  createBrotliCompress,
  createDeflate,
  createGzip,
  type ZlibOptions,
} from 'node:zlib';
import type { Processor } from './processor.js';

export type CompressionFormat = 'gzip' | 'brotli' | 'deflate';

export interface CompressProcessorOptions {
  format: CompressionFormat;
  /** gzip/deflate 1..9, brotli 0..11. Default: zlib's default (6 for gzip/deflate, 11 for brotli). */
  level?: number;
}

const FORMATS: Record<CompressionFormat, { extension: string; contentType: string }> = {
  gzip: { extension: '.gz', contentType: 'application/gzip' },
  brotli: { extension: '.br', contentType: 'application/x-brotli' },
  deflate: { extension: '.zz', contentType: 'application/zlib' },
};

/**
 * Input and output each buffer up to this many bytes (1 MiB) before pushing back, so that a
 * download's 64 KiB socket reads do not pause the source on every chunk (Node's default is 16 KiB).
 */
const COMPRESSOR_HIGH_WATER_MARK_BYTES = 1024 * 1024;
/** zlib's output buffer: 64 KiB (default 16 KiB), a quarter as many allocations for the garbage collector. */
const COMPRESSOR_CHUNK_BYTES = 64 * 1024;

/** zlib's option types omit the stream options its constructors pass on to Transform. */
interface StreamTuning {
  highWaterMark: number;
}

function compressor(format: CompressionFormat, level: number | undefined): Transform {
  const highWaterMark = COMPRESSOR_HIGH_WATER_MARK_BYTES;
  const chunkSize = COMPRESSOR_CHUNK_BYTES;
  const zlibOptions: ZlibOptions & StreamTuning = {
    highWaterMark,
    chunkSize,
    ...(level === undefined ? {} : { level }),
  };
  switch (format) {
    case 'gzip':
      return createGzip(zlibOptions);
    case 'deflate':
      return createDeflate(zlibOptions);
    case 'brotli': {
      const brotliOptions: BrotliOptions & StreamTuning = {
        highWaterMark,
        chunkSize,
        ...(level === undefined ? {} : { params: { [constants.BROTLI_PARAM_QUALITY]: level } }),
      };
      return createBrotliCompress(brotliOptions);
    }
  }
}

export function createCompressProcessor(options: CompressProcessorOptions): Processor {
  const { format, level } = options;
  if (level !== undefined && format !== 'brotli' && (level < 1 || level > 9)) {
    throw new RangeError(`processor.level: ${format} takes a level from 1 to 9, got ${level}`);
  }
  const { extension, contentType } = FORMATS[format];
  return {
    name: format,
    async process(input, context) {
      const opened = await input.open();
      const compress = compressor(format, level);
      const piping = pipeline(opened.body, compress, { signal: context.signal });
      // The upload consumes the compressor; a read or compression error fails both.
      let written: Awaited<ReturnType<typeof context.writeOutput>>;
      try {
        [written] = await Promise.all([
          context.writeOutput({ key: context.outputKey + extension, body: compress, contentType }),
          piping,
        ]);
      } catch (error) {
        opened.body.destroy();
        compress.destroy();
        await piping.catch(() => undefined);
        throw error;
      }
      return { details: { ratio: opened.contentLength > 0 ? written.bytes / opened.contentLength : 1 } };
    },
  };
}
