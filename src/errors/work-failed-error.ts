import type { FailureKind } from './failure-kind.js';
import { UserFacingError } from './user-facing-error.js';

/**
 * The requested work ran but did not succeed (an object failed, a check failed, the run stopped).
 * The details were already reported; the CLI only turns this into the exit code of its kind,
 * which is `permanent` unless the caller knows better (a run stopped by a misconfiguration).
 */
export class WorkFailedError extends UserFacingError {
  override readonly name = 'WorkFailedError';
  readonly kind: FailureKind;
  constructor(message: string, options?: ErrorOptions & { kind?: FailureKind }) {
    super(message, options);
    this.kind = options?.kind ?? 'permanent';
  }
}
