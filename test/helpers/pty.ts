/**
 * Runs the CLI in a pseudo-terminal (node-pty) so interactive prompts can be driven like a person
 * would: wait for a prompt's text, then type. Every wait is bounded; a timeout fails with the
 * screen output so far.
 */
import pty from 'node-pty';
import { BIN } from './run-cli.js';

// CSI sequences (cursor moves, erases, colours) and the few other escapes prompts emit.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[()][0-9A-B]|\u001b[=>78]/g;

export const KEYS = { enter: '\r', backspace: '\u007f', down: '\u001b[B', ctrlC: '\u0003' } as const;

export interface PtySession {
  /**
   * Resolves when `text` appears in the output after everything matched so far (so a redraw of an
   * earlier prompt never satisfies a later wait).
   */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Types into the terminal. */
  write(data: string): void;
  /** Resolves with the exit code when the process ends (bounded by `timeoutMs`). */
  exit(timeoutMs?: number): Promise<number>;
  /** Everything printed so far, without escape sequences. */
  output(): string;
  /** Kills the process if it still runs. */
  kill(): void;
}

export function spawnCliInPty(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): PtySession {
  const term = pty.spawn(process.execPath, [BIN, ...args], {
    name: 'xterm',
    // Wide enough that no prompt or error message wraps (wrapping would split awaited text).
    cols: 400,
    rows: 50,
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env } as Record<string, string>,
  });
  let raw = '';
  let cursor = 0;
  let exitCode: number | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  term.onData((data) => {
    raw += data;
    notify();
  });
  term.onExit(({ exitCode: code }) => {
    exitCode = code;
    notify();
  });
  const clean = () => raw.replace(ANSI, '');

  /** Resolves with `check()` once it returns a value; rejects when it throws or time runs out. */
  const until = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        listeners.delete(attempt);
        clearTimeout(timer);
        settle();
      };
      const attempt = () => {
        try {
          const value = check();
          if (value !== undefined) finish(() => resolve(value));
        } catch (error) {
          finish(() => reject(error));
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(attempt);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output so far:\n${clean()}`));
      }, timeoutMs);
      listeners.add(attempt);
      attempt();
    });

  const find = (rest: string, text: string | RegExp): { index: number; length: number } => {
    if (typeof text === 'string') return { index: rest.indexOf(text), length: text.length };
    const match = text.exec(rest);
    return match ? { index: match.index, length: match[0].length } : { index: -1, length: 0 };
  };

  return {
    async waitFor(text, timeoutMs = 15_000) {
      await until(
        () => {
          const screen = clean();
          const match = find(screen.slice(cursor), text);
          if (match.index >= 0) {
            cursor += match.index + match.length;
            return true;
          }
          if (exitCode !== undefined) {
            throw new Error(
              `the process exited (${exitCode}) before printing ${String(text)}; output:\n${screen}`,
            );
          }
          return undefined;
        },
        timeoutMs,
        JSON.stringify(String(text)),
      );
    },
    write(data) {
      term.write(data);
    },
    exit(timeoutMs = 15_000) {
      return until(() => exitCode, timeoutMs, 'the process to exit');
    },
    output: clean,
    kill() {
      if (exitCode === undefined) term.kill();
    },
  };
}
