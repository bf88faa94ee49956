import { UserFacingError } from './user-facing-error.js';

/** One problem found in a configuration file, located as precisely as the file allows. */
export interface ConfigProblem {
  /** The configuration file's path as the user gave it. */
  file: string;
  /** 1-based line of the offending node, when known. */
  line?: number;
  /** 1-based column, when known. */
  column?: number;
  /** Key path in dotted form, e.g. `connections[0].assumeRoleArn[1]`. Empty for the whole file. */
  path: string;
  /** What the key must hold, in plain words. */
  expected: string;
  /** What the file holds there, shown briefly. */
  found?: string;
  /** A hint such as "did you mean `externalId`?". */
  hint?: string;
}

/** The configuration is malformed or invalid: invalid input (exit 2); every problem is reported at once. */
export class ConfigError extends UserFacingError {
  override readonly name = 'ConfigError';
  readonly kind = 'invalid-input';
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[], options?: ErrorOptions) {
    super(problems.map(formatConfigProblem).join('\n'), options);
    this.problems = problems;
  }
}

export function formatConfigProblem(p: ConfigProblem): string {
  const where = [p.file, p.line, p.column].filter((part) => part !== undefined).join(':');
  const key = p.path === '' ? '' : ` ${p.path}:`;
  const found = p.found === undefined ? '' : `, found ${p.found}`;
  const hint = p.hint === undefined ? '' : ` (${p.hint})`;
  return `${where}:${key} expected ${p.expected}${found}${hint}`;
}
