/**
 * Keeps secret access keys and session tokens out of every log line, two ways:
 *
 * 1. by key: any property named like a secret (`secretAccessKey`, `SessionToken`,
 *    `aws_secret_access_key`, `authorization`, ...) is replaced at any depth, including inside
 *    errors (their `cause`, `$response`, extra properties) and SDK credential objects;
 * 2. by value: the credential providers register every secret and token they obtain, and
 *    {@link scrubText} removes those values (and `X-Amz-Security-Token`/`X-Amz-Signature`
 *    query parameters of presigned URLs) from the finished line, wherever they ended up.
 *
 * Access key IDs are kept: they are identifiers, not secrets (CloudTrail shows them), and they
 * tell an operator which credentials were used.
 */

export const REDACTED = '[Redacted]';

const SECRET_KEY =
  /^(secret_?access_?key|aws_?secret_?access_?key|session_?token|aws_?session_?token|security_?token|x-amz-security-token|authorization|password|secret|token)$/i;

/** Whether a property of this name holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

const MAX_DEPTH = 12;

/**
 * A copy of `value` with secret-named properties replaced by `[Redacted]`, at any depth.
 * Errors become plain objects (type, message, stack, code, cause, own properties). Cycles and
 * depth beyond 12 are cut.
 */
export function redactDeep(value: unknown, seen: WeakSet<object> = new WeakSet(), depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  // Streams and sockets (an SDK error's response body) are huge, circular and say nothing useful.
  if (typeof (value as { pipe?: unknown }).pipe === 'function') return '[Stream]';
  if (seen.has(value) || depth > MAX_DEPTH) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactDeep(item, seen, depth + 1));
    const source: Record<string, unknown> =
      value instanceof Error ? errorFields(value) : (value as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      const item = key === '$response' ? responseSummary(source[key]) : source[key];
      if (typeof item === 'function') continue;
      out[key] = isSecretKey(key) && item != null ? REDACTED : redactDeep(item, seen, depth + 1);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** What matters of an SDK error's raw HTTP response: the status and the headers. */
function responseSummary(response: unknown): unknown {
  if (typeof response !== 'object' || response === null) return response;
  const { statusCode, reason, headers } = response as Record<string, unknown>;
  return { statusCode, reason, headers };
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const key of Object.keys(error)) fields[key] = (error as unknown as Record<string, unknown>)[key];
  if (error.cause !== undefined) fields.cause = error.cause;
  return fields;
}

// Values registered by the credential providers. Bounded: a long-running service refreshing
// credentials hourly for many connections keeps only the most recent ones.
const MAX_SECRETS = 1000;
const secrets = new Set<string>();

/** Remembers a secret (secret access key, session token) so that no log line ever shows it. */
export function registerSecret(value: string | undefined): void {
  // Short values would match ordinary text; real secrets are 40+ characters.
  if (value === undefined || value.length < 16 || secrets.has(value)) return;
  secrets.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) secrets.add(encoded);
  while (secrets.size > MAX_SECRETS) {
    const oldest = secrets.values().next().value;
    if (oldest === undefined) break;
    secrets.delete(oldest);
  }
}

const PRESIGNED_SECRET_PARAM = /(X-Amz-(?:Security-Token|Signature)=)[^&\s"']+/gi;

/** `text` with every registered secret and presigned-URL token replaced by `[Redacted]`. */
export function scrubText(text: string): string {
  let out = text.replace(PRESIGNED_SECRET_PARAM, `$1${REDACTED}`);
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}
