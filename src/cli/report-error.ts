import { isUserFacingError } from '../errors/index.js';

/** Exit code for an error that reached the top: its own for user-facing errors, else 1. */
export function exitCodeFor(error: unknown): number {
  return isUserFacingError(error) ? error.exitCode : 1;
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
