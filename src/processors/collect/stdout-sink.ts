import type { Writable } from 'node:stream';
import { type RecordSink, toNdjson } from './record-sink.js';

/** Writes records as NDJSON to stdout (or another stream), waiting for it to drain. */
export function createStdoutSink(out: Writable = process.stdout): RecordSink {
  return {
    name: 'stdout',
    async write(records) {
      if (!out.write(toNdjson(records))) {
        await new Promise<void>((resolve, reject) => {
          out.once('drain', resolve);
          out.once('error', reject);
        });
      }
    },
    async close() {},
  };
}
