/**
 * IAM's wildcard matching: `*` matches any run of characters (including none, and including `/`
 * and `:`), `?` matches exactly one character. Everything else is literal: a policy's `.` or `+`
 * means itself, which is why this is not built on regular expressions.
 */
export function matchWildcard(
  pattern: string,
  value: string,
  options: { ignoreCase?: boolean } = {},
): boolean {
  const p = options.ignoreCase ? pattern.toLowerCase() : pattern;
  const v = options.ignoreCase ? value.toLowerCase() : value;
  // Most policy entries are literal: compare them without the matcher.
  if (!p.includes('*') && !p.includes('?')) return p === v;
  let pi = 0;
  let vi = 0;
  // Where the last `*` was seen and which value position it is currently absorbing up to: on a
  // mismatch we let that star swallow one more character and retry (linear in practice).
  let starPi = -1;
  let starVi = 0;
  while (vi < v.length) {
    const pc = p[pi];
    if (pc === '*') {
      starPi = pi;
      starVi = vi;
      pi += 1;
    } else if (pc !== undefined && (pc === '?' || pc === v[vi])) {
      pi += 1;
      vi += 1;
    } else if (starPi >= 0) {
      pi = starPi + 1;
      starVi += 1;
      vi = starVi;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi += 1;
  return pi === p.length;
}

/** Normalises a policy element that may be one string or a list of them. */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
