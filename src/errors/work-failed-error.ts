/**
 * The requested work ran but did not succeed (an object failed, a check failed). The details
 * were already reported; the CLI only turns this into exit code 1.
 */
export class WorkFailedError extends Error {
  override readonly name = 'WorkFailedError';
  readonly exitCode = 1;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
