/**
 * Output keys from the connection's `destination.keyTemplate`, under the destination prefix.
 *
 * Placeholders (all computed from the source key):
 * - `{key}`: the whole source key;
 * - `{relkey}`: the key below the source prefix (the default template: outputs mirror inputs);
 * - `{dir}`: the folder part of `{relkey}` with its trailing `/` (empty at the top), so that
 *   `{dir}{stem}.mp4` works at any depth;
 * - `{name}`: the last path segment;
 * - `{stem}`: `{name}` without its last extension;
 * - `{ext}`: the last extension with its dot (`.gz`), or empty.
 */

export const KEY_TEMPLATE_PLACEHOLDERS = ['key', 'relkey', 'dir', 'name', 'stem', 'ext'] as const;
type Placeholder = (typeof KEY_TEMPLATE_PLACEHOLDERS)[number];

/** S3's limit on a key's length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/**
 * Problems of a template, in words for the configuration's error message; empty when valid.
 * For the configuration validator (`destination.keyTemplate`).
 */
export function validateKeyTemplate(template: string): string[] {
  const problems: string[] = [];
  const known = new Set<string>(KEY_TEMPLATE_PLACEHOLDERS);
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!known.has(match[1]!)) {
      problems.push(
        `unknown placeholder {${match[1]}}; use ${KEY_TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
      );
    }
  }
  if (!/\{[^{}]*\}/.test(template)) {
    problems.push('the template has no placeholder, so every object would be written to the same key');
  }
  return problems;
}

/** The values of the placeholders for one source key. */
export function keyParts(key: string, sourcePrefix: string): Record<Placeholder, string> {
  const relkey = key.startsWith(sourcePrefix) ? key.slice(sourcePrefix.length) : key;
  const slash = relkey.lastIndexOf('/');
  const dir = slash === -1 ? '' : relkey.slice(0, slash + 1);
  const name = relkey.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  // A leading dot names a hidden file (`.env`), not an extension.
  const ext = dot > 0 ? name.slice(dot) : '';
  const stem = ext === '' ? name : name.slice(0, dot);
  return { key, relkey, dir, name, stem, ext };
}

/** Thrown when a template gives a key S3 cannot store. */
export class OutputKeyError extends Error {
  override readonly name = 'OutputKeyError';
  constructor(
    message: string,
    readonly sourceKey: string,
  ) {
    super(message);
  }
}

export interface OutputKeyOptions {
  /** The connection's `destination.keyTemplate`. Default `{relkey}`. */
  template?: string;
  sourcePrefix: string;
  destinationPrefix: string;
}

/** The destination key for a source key. Throws OutputKeyError when it is empty or too long. */
export function renderOutputKey(key: string, options: OutputKeyOptions): string {
  const parts = keyParts(key, options.sourcePrefix);
  const rendered = (options.template ?? '{relkey}').replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in parts ? parts[name as Placeholder] : whole,
  );
  const output = options.destinationPrefix + rendered;
  if (rendered === '') {
    throw new OutputKeyError(`The key template gives an empty key for source key "${key}"`, key);
  }
  assertStorableKey(output, key);
  return output;
}

/** Throws OutputKeyError when S3 cannot store `output` as an object key (folder-like or too long). */
export function assertStorableKey(output: string, sourceKey: string): void {
  const key = sourceKey;
  if (output === '' || output.endsWith('/')) {
    throw new OutputKeyError(
      `The output key "${output}" for source key "${key}" ends with "/", which S3 shows as a folder`,
      key,
    );
  }
  if (Buffer.byteLength(output, 'utf8') > MAX_KEY_BYTES) {
    throw new OutputKeyError(
      `The output key for source key "${key}" is ${Buffer.byteLength(output, 'utf8')} bytes long; ` +
        `S3 allows ${MAX_KEY_BYTES}. Shorten destination.prefix or destination.keyTemplate`,
      key,
    );
  }
}
