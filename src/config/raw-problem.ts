/** A configuration problem before it is placed in a file (see `ConfigProblem` for the placed form). */
export interface RawProblem {
  /** Key path of the offending value, e.g. `['connections', 0, 'assumeRoleArn', 1]`. */
  path: (string | number)[];
  /** What the key must hold, in plain words. */
  expected: string;
  /** What the file holds there, described briefly (never a secret). */
  found?: string;
  /** How to fix it, e.g. "did you mean `externalId`?". */
  hint?: string;
  /** Point at the key (unknown or forbidden keys) rather than the value. Default: the value. */
  at?: 'key' | 'value';
}
