/**
 * Servers a test file starts before its tests and stops after them: the sandbox (the same
 * `useTestSandbox` as `./sandbox.ts`, re-exported for the suites that import it from here) and
 * moto's server as a cross-check.
 */
import { useBeforeAll } from './late-bound.js';
import { type MotoServer, type StartMotoOptions, startMoto } from './moto.js';

export { useTestSandbox } from './sandbox.js';

/** Starts moto's server before the file's tests and stops it after them (see `useTestSandbox`). */
export function useMoto(options: StartMotoOptions = {}): MotoServer {
  return useBeforeAll(
    'moto',
    () => startMoto(options),
    (moto) => moto.stop(),
  );
}
