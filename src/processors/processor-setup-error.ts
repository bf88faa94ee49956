/**
 * A processor cannot be set up as configured (a program not found, a module that does not export a
 * processor). Nothing would succeed, so the run does not start. Exit code 2, like other
 * configuration problems; the message names the setting and how to fix it.
 */
export class ProcessorSetupError extends Error {
  override readonly name = 'ProcessorSetupError';
  readonly exitCode = 2;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
