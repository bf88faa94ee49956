import { type CommandErrorKind, isUserFacingError } from '../errors/index.js';

/**
 * The exit code of each kind of error: 2 when the command was given invalid input (flags, the
 * configuration file, a processor's settings) and started nothing; 1 when the work it started did
 * not succeed, whatever the reason (the details were reported as they happened).
 */
export const EXIT_CODE_BY_KIND: Readonly<Record<CommandErrorKind, 1 | 2>> = {
  'invalid-input': 2,
  misconfiguration: 1,
  permanent: 1,
  transient: 1,
};

/** Exit code for an error that reached the top: its kind's for user-facing errors, else 1 (a bug). */
export function exitCodeFor(error: unknown): number {
  return isUserFacingError(error) ? EXIT_CODE_BY_KIND[error.kind] : 1;
}

/**
 * Prints an error for a person: the message alone for errors written for users, and for anything
 * else a request to report it as a bug (the stack only with BUCKETBRIDGE_DEBUG=1).
 */
export function reportError(error: unknown): void {
  if (isUserFacingError(error)) {
    if (error.message !== '') process.stderr.write(`bucketbridge: ${error.message}\n`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`bucketbridge: unexpected error: ${message}\nThis is a bug, please report it.\n`);
  if (process.env.BUCKETBRIDGE_DEBUG && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
}
