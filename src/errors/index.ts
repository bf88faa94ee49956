export { ConfigError, type ConfigProblem, formatConfigProblem } from './config-error.js';
export type { FailureKind, ObjectFailureKind } from './failure-kind.js';
export { UsageError } from './usage-error.js';
export { WorkFailedError } from './work-failed-error.js';

/** Errors that carry their own exit code and a message written for the user. */
export function isUserFacingError(error: unknown): error is Error & { exitCode: number } {
  return error instanceof Error && typeof (error as { exitCode?: unknown }).exitCode === 'number';
}
