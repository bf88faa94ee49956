/**
 * Per-file fixtures for the sandbox's own suites: one sandbox (or moto server) and one scratch
 * folder for a test file, made before its tests and removed after them, so each file says what it
 * needs in one line instead of repeating the beforeAll/afterAll pair.
 *
 * ```ts
 * const sandbox = useTestSandbox();
 * const workDir = useTempDir('bb-s3-clients-');
 * it('…', async () => { new S3Client(sandbox.sdkConfig('customer')); join(workDir(), 'x'); });
 * ```
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { SandboxOptions } from '../../sandbox/server.js';
import { type MotoServer, type StartMotoOptions, startMoto } from './moto.js';
import { startTestSandbox, type TestSandbox } from './sandbox.js';

/**
 * Stands for a value made in `beforeAll`: every property reads through to it, and reading one
 * before the hook ran fails with `what` named rather than with `undefined`.
 */
function lateBound<T extends object>(what: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const value = current();
      if (value === undefined) throw new Error(`${what} is not started yet: use it inside a test or hook`);
      const member = Reflect.get(value, key) as unknown;
      return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(value) : member;
    },
  });
}

/**
 * Starts a sandbox before the file's tests and closes it after them. The result reads through to
 * the running sandbox, so tests use it as the `TestSandbox` itself. `options` may be a function
 * when they depend on something the file sets up first.
 */
export function useTestSandbox(options: SandboxOptions | (() => SandboxOptions) = {}): TestSandbox {
  let running: TestSandbox | undefined;
  beforeAll(async () => {
    running = await startTestSandbox(typeof options === 'function' ? options() : options);
  });
  afterAll(() => running?.close());
  return lateBound('the sandbox', () => running);
}

/** Starts moto's server before the file's tests and stops it after them (see `useTestSandbox`). */
export function useMoto(options: StartMotoOptions = {}): MotoServer {
  let running: MotoServer | undefined;
  beforeAll(async () => {
    running = await startMoto(options);
  });
  afterAll(() => running?.stop());
  return lateBound('moto', () => running);
}

/**
 * A scratch folder `<tmp>/<prefix>XXXXXX` made before the file's tests and removed, with all it
 * holds, after them. Returns the folder's path (valid inside tests and hooks).
 */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined)
      throw new Error(`the scratch folder ${prefix}… is not made yet: use it inside a test or hook`);
    return dir;
  };
}
