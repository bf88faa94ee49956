/**
 * `exec`: pipes the object through a program (stdin to stdout, no shell). A non-zero exit or the
 * timeout fails the object with the tail of the program's stderr; the output is then not written.
 */
import type { Processor } from './processor.js';
import { runCommand } from './run-command.js';

export interface ExecProcessorOptions {
  command: string;
  args: string[];
  /** Kill the program after this many milliseconds. */
  timeoutMs: number;
  /** Appended to the output key, e.g. `.txt`. Default: none. */
  outputSuffix?: string;
}

export function createExecProcessor(options: ExecProcessorOptions): Processor {
  return {
    name: 'exec',
    async process(input, context) {
      const opened = await input.open();
      // Stops the program when the upload fails first, so nothing keeps running behind a failed object.
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      context.signal.addEventListener('abort', onAbort, { once: true });
      const running = runCommand({
        command: options.command,
        args: options.args,
        input: opened.body,
        timeoutMs: options.timeoutMs,
        signal: stop.signal,
        label: 'exec',
      });
      try {
        const [written] = await Promise.all([
          context.writeOutput({
            key: context.outputKey + (options.outputSuffix ?? ''),
            body: running.stdout,
            ...(opened.contentType === undefined ? {} : { contentType: opened.contentType }),
          }),
          running.finished,
        ]);
        return { details: { outputBytes: written.bytes } };
      } catch (error) {
        // The upload failed (or the program did, and the upload saw it): stop both, report the first cause.
        stop.abort();
        opened.body.destroy();
        await running.finished.catch(() => undefined);
        throw error;
      } finally {
        context.signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
