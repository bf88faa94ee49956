/**
 * An example processor module: copies text objects with e-mail addresses masked, line by line,
 * streaming (memory does not grow with the object's size).
 *
 * Configuration:
 *   processor:
 *     type: module
 *     path: ./examples/processors/redact-emails.mjs
 *     options: { mask: "[email]" }
 *
 * The default export is a factory: it receives `options` from the configuration and returns a
 * Processor. See docs/processors.md for the interface.
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;

/** @type {import('../../src/processors/processor.js').ProcessorFactory} */
export default function createRedactEmails(options) {
  const mask = typeof options.mask === 'string' ? options.mask : '[redacted]';
  return {
    name: 'redact-emails',
    async process(input, context) {
      const opened = await input.open();
      let pending = '';
      const redact = new Transform({
        transform(chunk, _encoding, callback) {
          // Only complete lines are rewritten, so an address split across two chunks is still found.
          const text = pending + chunk.toString('utf8');
          const end = text.lastIndexOf('\n') + 1;
          pending = text.slice(end);
          callback(null, text.slice(0, end).replace(EMAIL, mask));
        },
        flush(callback) {
          callback(null, pending.replace(EMAIL, mask));
        },
      });
      const [written] = await Promise.all([
        context.writeOutput({ body: redact, contentType: opened.contentType ?? 'text/plain' }),
        pipeline(opened.body, redact),
      ]);
      return { details: { bytesWritten: written.bytes } };
    },
  };
}
