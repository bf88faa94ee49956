/**
 * `gzip`, `brotli`, `deflate`: the object compressed with Node's zlib, streaming. The output key
 * gains the format's extension (`.gz`, `.br`, `.zz`) and the matching content type.
 */

import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createBrotliCompress, createDeflate, createGzip } from 'node:zlib';
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

function compressor(format: CompressionFormat, level: number | undefined): Transform {
  switch (format) {
    case 'gzip':
      return createGzip(level === undefined ? {} : { level });
    case 'deflate':
      return createDeflate(level === undefined ? {} : { level });
    case 'brotli':
      return createBrotliCompress(
        level === undefined ? {} : { params: { [constants.BROTLI_PARAM_QUALITY]: level } },
      );
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
