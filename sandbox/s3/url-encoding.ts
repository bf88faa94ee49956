/**
 * The two URL encodings S3 applies to key names: RFC 3986 percent-encoding in listings asked for
 * with `encoding-type=url`, and form encoding (space as `+`) in event notifications.
 */
import { AwsError } from '../core/errors.js';

/** Percent-encodes what RFC 3986 does not leave unreserved (`A-Za-z0-9-._~`), keeping `/`. */
function percentEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/');
}

/** An encoder of names in a listing: identity, or RFC 3986 (space `%20`, `+` `%2B`, newline `%0A`). */
export type NameEncoder = (value: string) => string;

/**
 * The encoder a listing request's `encoding-type` asks for (undefined: none, names as stored); any
 * value other than `url` is S3's InvalidArgument.
 */
export function listingEncoder(value: string | null): NameEncoder | undefined {
  if (value === null) return undefined;
  if (value.toLowerCase() !== 'url')
    throw new AwsError('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, {
      ArgumentName: 'encoding-type',
      ArgumentValue: value,
    });
  return percentEncode;
}

/** A key in an event notification: form encoding (space as `+`; `*` kept, `~` encoded), `/` kept. */
export function eventKeyEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}
