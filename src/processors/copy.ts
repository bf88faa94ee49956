/**
 * `copy`: the object unchanged. Inside S3 (CopyObject, UploadPartCopy above 5 GiB) when the same
 * credentials reach both buckets, else streamed through this process.
 */
import type { Processor } from './processor.js';

export function createCopyProcessor(): Processor {
  return {
    name: 'copy',
    async process(input, context) {
      if (await context.copyInput()) return undefined;
      const opened = await input.open();
      await context.writeOutput({
        body: opened.body,
        ...(opened.contentType === undefined ? {} : { contentType: opened.contentType }),
        ...(opened.contentEncoding === undefined ? {} : { contentEncoding: opened.contentEncoding }),
        metadata: opened.metadata,
      });
      return undefined;
    },
  };
}
