import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's own launcher, as a user runs it after `npm ci`. */
export const BIN = fileURLToPath(new URL('../../bin/bucketbridge', import.meta.url));

/**
 * An environment with no region, endpoint or configuration path from the machine running the
 * tests, so that a CLI run sees only what its test gives it.
 */
export const CLEAN_ENV = {
  AWS_REGION: '',
  AWS_DEFAULT_REGION: '',
  AWS_ENDPOINT_URL: '',
  BUCKETBRIDGE_ENDPOINT: '',
  BUCKETBRIDGE_CONFIG: '',
};

export interface CliResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Kill the process after this many milliseconds (a hung CLI fails the test rather than the run). */
  timeoutMs?: number;
  /** Told of the process once started (a test that kills it, or reads its pid). */
  onSpawn?: (child: ChildProcess) => void;
}

/**
 * A line of a child's stderr that is a Node.js process warning, e.g.
 * `(node:42) MaxListenersExceededWarning: ...` or `(node:42) [DEP0040] DeprecationWarning: ...`.
 */
export const PROCESS_WARNING = /^\(node:\d+\) (?:\[[A-Z0-9_]+\] )?\w*Warning: .*$/m;

/**
 * Runs the built CLI as a separate process, with no TTY, and collects its output. A process
 * warning on its stderr rejects, as one in the test worker fails the test (fail-on-warning.ts).
 */
export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const warning = PROCESS_WARNING.exec(stderr);
      if (warning)
        reject(new Error(`bucketbridge ${args.join(' ')} printed a process warning: ${warning[0]}`));
      else resolve({ exitCode, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
