export { ConfigError, type ConfigProblem, formatConfigProblem } from './config-error.js';
export type { FailureKind, ObjectFailureKind } from './failure-kind.js';
export { UsageError } from './usage-error.js';
export { type CommandErrorKind, isUserFacingError, UserFacingError } from './user-facing-error.js';
export { WorkFailedError } from './work-failed-error.js';
