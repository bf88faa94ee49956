/**
 * Starts the sandbox as a child process (it shares no code with the product: src/ never imports
 * sandbox/) and reads the one JSON line it prints once it is ready.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WorkFailedError } from '../errors/index.js';

/** dist/src/demo/ → dist/sandbox/main.js */
const SANDBOX_ENTRY = fileURLToPath(new URL('../../sandbox/main.js', import.meta.url));

export interface SandboxAccountKeys {
  name: string;
  id: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SandboxChild {
  endpoint: string;
  region: string;
  accounts: SandboxAccountKeys[];
  account(name: string): SandboxAccountKeys;
  /** Stops the sandbox (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

export interface StartSandboxChildOptions {
  /** Keep the sandbox's state in this folder (default: memory only). */
  stateDir?: string;
  /** Give up when the sandbox has not printed its line after this long. Default 30000. */
  readyTimeoutMs?: number;
}

export async function startSandboxChild(options: StartSandboxChildOptions = {}): Promise<SandboxChild> {
  if (!existsSync(SANDBOX_ENTRY)) {
    throw new WorkFailedError(
      `the sandbox is not built: ${SANDBOX_ENTRY} is missing; run "npm run build" first`,
    );
  }
  const args = [SANDBOX_ENTRY, '--port', '0'];
  if (options.stateDir) args.push('--state', options.stateDir);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const line = await firstLine(child, options.readyTimeoutMs ?? 30_000).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new WorkFailedError(`the sandbox did not start: ${(error as Error).message}\n${stderr}`);
  });
  const ready = JSON.parse(line) as { endpoint: string; region: string; accounts: SandboxAccountKeys[] };
  let stopping: Promise<void> | undefined;
  return {
    ...ready,
    account(name) {
      const found = ready.accounts.find((a) => a.name === name);
      if (!found) throw new Error(`the sandbox has no account named ${name}`);
      return found;
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill('SIGTERM');
      });
      return stopping;
    },
  };
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms`)), timeoutMs);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`it exited with code ${code}`));
    });
  });
}
