/**
 * Runs the compiled sandbox (dist/sandbox/main.js, next to this file's dist/src tree) with the
 * terminal inherited, forwards SIGINT/SIGTERM to it, and ends with its exit status.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError, WorkFailedError } from '../../errors/index.js';

/** dist/src/cli/commands/ → dist/sandbox/main.js */
export const SANDBOX_ENTRY = fileURLToPath(new URL('../../../sandbox/main.js', import.meta.url));

export async function runSandboxProcess(args: string[]): Promise<void> {
  if (!existsSync(SANDBOX_ENTRY)) {
    throw new WorkFailedError(
      `the sandbox is not built: ${SANDBOX_ENTRY} is missing; run "npm run build" first`,
    );
  }
  const child = spawn(process.execPath, [SANDBOX_ENTRY, ...args], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onTerm = forward('SIGTERM');
  const onInt = forward('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  }).finally(() => {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  });
  // The sandbox printed its own message; only its status is passed on (2 = bad flags).
  if (code === 2) throw new UsageError('');
  if (code !== 0) throw new WorkFailedError('');
}
