import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MakeDirectoryError, makeDirectory } from '../../fs/make-directory.js';
import { ProcessorSetupError } from '../processor-setup-error.js';
import { type RecordSink, toNdjson } from './record-sink.js';

/**
 * Appends records as NDJSON to a local file. Batches are written whole, one at a time (objects
 * processed concurrently never interleave within a line), and fsynced before `write` resolves.
 */
export function createFileSink(path: string): RecordSink {
  // The folder is made at setup, so a path that cannot be written stops the run before it starts.
  try {
    makeDirectory(dirname(path));
  } catch (error) {
    if (!(error instanceof MakeDirectoryError)) throw error;
    throw new ProcessorSetupError(`processor.sink.path: ${error.message}`, { cause: error });
  }
  let handle: ReturnType<typeof open> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const file = () => {
    handle ??= open(path, 'a');
    return handle;
  };
  return {
    name: 'file',
    write(records) {
      const task = queue.then(async () => {
        const fh = await file();
        await fh.appendFile(toNdjson(records), 'utf8');
        await fh.datasync();
      });
      queue = task.catch(() => undefined);
      return task;
    },
    async close() {
      await queue;
      if (handle) await (await handle).close();
    },
  };
}
