import type { FailureKind } from './failure-kind.js';

/**
 * The kind of an error that can reach the command line: one of the failure kinds, or
 * `invalid-input` when what the person gave the command (its flags, the configuration file, a
 * processor's settings) is wrong, so nothing was started. The one top-level handler turns the kind
 * into the exit code (`src/cli/report-error.ts`).
 */
export type CommandErrorKind = FailureKind | 'invalid-input';

/**
 * An error whose message is written for the person running the command: the CLI prints the message
 * alone, never a stack, and exits with the code of its kind. Anything else that reaches the top is
 * a bug and is reported as one.
 */
export abstract class UserFacingError extends Error {
  abstract readonly kind: CommandErrorKind;
}

/** Whether an error was written for the person running the command (see {@link UserFacingError}). */
export function isUserFacingError(error: unknown): error is UserFacingError {
  return error instanceof UserFacingError;
}
