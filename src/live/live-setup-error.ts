import { UserFacingError } from '../errors/user-facing-error.js';

/**
 * Setting up a live connection's queue failed (creating or adopting the vendor's queue, its
 * policy, the subscription to the customer's topic). Misconfiguration until someone fixes it: the
 * message names the connection, the step, the resource and AWS's answer; `live` exits 1.
 */
export class LiveSetupError extends UserFacingError {
  override readonly name = 'LiveSetupError';
  readonly kind = 'misconfiguration';
  constructor(
    readonly connection: string,
    readonly step: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot set up live connection "${connection}": ${step}: ${detail}`, options);
  }
}
