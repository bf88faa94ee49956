/** Bad command-line usage: a missing flag, an unknown connection name. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
