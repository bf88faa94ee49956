/**
 * Runs a program for a processor: no shell, stdin fed from a stream, stdout as a stream that
 * ends only once the program has exited successfully (so an upload of it never completes for a
 * failed run), a timeout, and the tail of stderr in the error when it fails.
 */
import { spawn } from 'node:child_process';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { ProcessorError } from './processor-error.js';

/** Bytes of stderr kept for the error message. */
export const STDERR_TAIL_BYTES = 2048;

export interface RunCommandOptions {
  command: string;
  args: string[];
  /** Fed to the program's stdin, then stdin is closed. Default: stdin closed at once. */
  input?: Readable;
  /** Kill the program (SIGKILL) after this many milliseconds. */
  timeoutMs: number;
  signal: AbortSignal;
  /** Names the program in messages, e.g. `exec` or `ffmpeg`. */
  label: string;
}

export interface RunningCommand {
  /** The program's stdout; errors instead of ending when the program fails. */
  stdout: Readable;
  /** Resolves when the program exited with 0; rejects with ProcessorError otherwise. */
  finished: Promise<void>;
}

/** Keeps the last `limit` bytes of a stream. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all
      .subarray(Math.max(0, all.length - this.limit))
      .toString('utf8')
      .trim();
  }
}

export function runCommand(options: RunCommandOptions): RunningCommand {
  const { command, args, label } = options;
  // Its own process group, so a kill reaches what the program started too: a shell's
  // grandchild holding stdout open would otherwise keep the object waiting after the kill.
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, detached: true });
  const stderr = new Tail(STDERR_TAIL_BYTES);
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let killedFor: string | undefined;
  const kill = (why: string) => {
    killedFor ??= why;
    killProcessGroup(child.pid, () => child.kill('SIGKILL'));
  };
  const timer = setTimeout(() => kill(`timed out after ${formatMs(options.timeoutMs)}`), options.timeoutMs);
  const onAbort = () => kill('stopped');
  options.signal.addEventListener('abort', onAbort, { once: true });

  const finished = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? 'not found (check the path or install it)' : error.message;
      reject(new ProcessorError(`${label}: could not run ${command}: ${why}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      if (code === 0 && killedFor === undefined) {
        resolve();
        return;
      }
      const how =
        killedFor !== undefined
          ? `was killed: ${killedFor}`
          : code !== null
            ? `exited with code ${code}`
            : `was killed by ${signal}`;
      const tail = stderr.text();
      reject(new ProcessorError(`${label}: ${command} ${how}${tail === '' ? '' : `; stderr: ${tail}`}`));
    });
  });
  // Rejections are observed through `stdout` or by the caller awaiting `finished`.
  finished.catch(() => undefined);

  // The program may exit without reading all of its input (`head`): a broken pipe is not a
  // failure by itself, the exit status decides.
  child.stdin.on('error', () => undefined);
  if (options.input) {
    options.input.on('error', (error) => kill(`its input failed: ${error.message}`));
    options.input.pipe(child.stdin);
  } else {
    child.stdin.end();
  }

  const stdout = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      finished.then(
        () => callback(),
        (error: unknown) => callback(error as Error),
      );
    },
  });
  child.stdout.pipe(stdout);
  return { stdout, finished };
}

/** SIGKILL to the whole group led by `pid`; `fallback` when there is no group to signal. */
function killProcessGroup(pid: number | undefined, fallback: () => void): void {
  if (pid === undefined) {
    fallback();
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is gone already (ESRCH) or is not ours to signal: the child itself is all left.
    fallback();
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
