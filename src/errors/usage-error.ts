import { UserFacingError } from './user-facing-error.js';

/** Bad command-line usage: a missing flag, an unknown connection name: invalid input (exit 2). */
export class UsageError extends UserFacingError {
  override readonly name = 'UsageError';
  readonly kind = 'invalid-input';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
