import { UserFacingError } from '../errors/user-facing-error.js';

/**
 * A processor cannot be set up as configured (a program not found, a module that does not export a
 * processor). Nothing would succeed, so the run does not start. Invalid input (exit 2), like
 * other configuration problems; the message names the setting and how to fix it.
 */
export class ProcessorSetupError extends UserFacingError {
  override readonly name = 'ProcessorSetupError';
  readonly kind = 'invalid-input';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
