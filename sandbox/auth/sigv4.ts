/**
 * Signature Version 4, computed the way AWS verifies it: the canonical request from what arrived
 * on the wire, the string to sign, and the HMAC chain from the secret key.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
import { createHash, createHmac } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** What a SigV4 signature claims, from the Authorization header or presigned query parameters. */
export interface SigV4Claim {
  form: 'header' | 'presigned';
  accessKeyId: string;
  /** YYYYMMDD from the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  /** `date/region/service/aws4_request`. */
  scope: string;
  signedHeaders: string[];
  signature: string;
  /** The request time (`X-Amz-Date`, ISO 8601 basic: 20240101T000000Z). */
  amzDate: string;
  /** Presigned form only: how long the URL stays valid. */
  expiresSec?: number;
  securityToken?: string;
}

/** Thrown for a malformed Authorization header or presigned query; the caller maps it to AWS's code. */
export class MalformedSignatureError extends Error {
  override readonly name = 'MalformedSignatureError';
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=…, Signature=…`. */
export function parseAuthorizationHeader(
  header: string,
  amzDate: string | undefined,
  securityToken: string | undefined,
): SigV4Claim {
  if (!header.startsWith(`${SIGV4_ALGORITHM} `)) {
    throw new MalformedSignatureError(`Unsupported Authorization Type (expected ${SIGV4_ALGORITHM})`);
  }
  const fields: Record<string, string> = {};
  for (const part of header.slice(SIGV4_ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const { Credential, SignedHeaders, Signature } = fields;
  if (!Credential || !SignedHeaders || !Signature) {
    throw new MalformedSignatureError(
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${header}`,
    );
  }
  if (!amzDate)
    throw new MalformedSignatureError(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  return {
    form: 'header',
    ...parseCredential(Credential),
    signedHeaders: SignedHeaders.split(';'),
    signature: Signature,
    amzDate,
    securityToken,
  };
}

/** Parses the presigned-URL form (`X-Amz-Algorithm`, `X-Amz-Credential`, ...). */
export function parsePresignedQuery(query: URLSearchParams): SigV4Claim {
  const algorithm = query.get('X-Amz-Algorithm');
  const credential = query.get('X-Amz-Credential');
  const signedHeaders = query.get('X-Amz-SignedHeaders');
  const signature = query.get('X-Amz-Signature');
  const amzDate = query.get('X-Amz-Date');
  const expires = query.get('X-Amz-Expires');
  if (algorithm !== SIGV4_ALGORITHM)
    throw new MalformedSignatureError(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`);
  if (!credential || !signedHeaders || !signature || !amzDate || !expires) {
    throw new MalformedSignatureError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const expiresSec = Number(expires);
  if (!Number.isInteger(expiresSec) || expiresSec < 1 || expiresSec > 604800) {
    throw new MalformedSignatureError('X-Amz-Expires must be between 1 and 604800 seconds');
  }
  return {
    form: 'presigned',
    ...parseCredential(credential),
    signedHeaders: signedHeaders.split(';'),
    signature,
    amzDate,
    expiresSec,
    securityToken: query.get('X-Amz-Security-Token') ?? undefined,
  };
}

function parseCredential(credential: string) {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]!)) {
    throw new MalformedSignatureError(
      `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
    );
  }
  const [accessKeyId, scopeDate, region, service] = parts as [string, string, string, string];
  return { accessKeyId, scopeDate, region, service, scope: parts.slice(1).join('/') };
}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The canonical URI. S3 signs the path exactly as sent (encoded once); every other service signs
 * the normalised path encoded again (so `%20` is signed as `%2520`), as the SDKs and botocore do.
 */
export function canonicalUri(rawPath: string, service: string): string {
  if (rawPath === '') return '/';
  if (service === 's3') return rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  let normalised = segments.join('/');
  if (!normalised.startsWith('/')) normalised = `/${normalised}`;
  if (rawPath.endsWith('/') && !normalised.endsWith('/')) normalised += '/';
  return normalised
    .split('/')
    .map((s) => uriEncode(s))
    .join('/');
}

/** The canonical query string: every parameter decoded, re-encoded, sorted by name then value. */
export function canonicalQuery(rawQuery: string, omit?: string): string {
  if (!rawQuery) return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = uriEncode(safeDecode(eq >= 0 ? part.slice(0, eq) : part));
    if (name === omit) continue;
    pairs.push([name, uriEncode(safeDecode(eq >= 0 ? part.slice(eq + 1) : ''))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * Canonical headers from Node's raw header list (name, value, name, value…), so repeated headers
 * are joined with `,` exactly as the client signed them.
 */
export function canonicalHeaders(rawHeaders: string[], signedHeaders: string[]): string {
  // Only the signed headers are gathered: requests carry many more, and this runs per request.
  const values = new Map<string, string[]>(signedHeaders.map((name) => [name, []]));
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const list = values.get(rawHeaders[i]!.toLowerCase());
    if (list) list.push(rawHeaders[i + 1]!.trim().replace(/\s+/g, ' '));
  }
  let out = '';
  for (const name of signedHeaders) out += `${name}:${values.get(name)!.join(',')}\n`;
  return out;
}

export interface CanonicalRequestParts {
  method: string;
  rawPath: string;
  rawQuery: string;
  rawHeaders: string[];
  payloadHash: string;
}

export function canonicalRequest(
  parts: CanonicalRequestParts,
  claim: SigV4Claim,
  service = claim.service,
): string {
  return [
    parts.method,
    canonicalUri(parts.rawPath, service),
    canonicalQuery(parts.rawQuery, claim.form === 'presigned' ? 'X-Amz-Signature' : undefined),
    canonicalHeaders(parts.rawHeaders, claim.signedHeaders),
    claim.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

export function stringToSign(canonical: string, claim: SigV4Claim): string {
  return [SIGV4_ALGORITHM, claim.amzDate, claim.scope, sha256Hex(canonical)].join('\n');
}

const signingKeys = new Map<string, Buffer>();

/** The derived signing key, cached per secret and scope (deriving it costs four HMACs). */
export function signingKey(
  secretAccessKey: string,
  claim: Pick<SigV4Claim, 'scopeDate' | 'region' | 'service'>,
): Buffer {
  const cacheKey = `${secretAccessKey}/${claim.scopeDate}/${claim.region}/${claim.service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(claim.scopeDate).digest();
    const kRegion = createHmac('sha256', kDate).update(claim.region).digest();
    const kService = createHmac('sha256', kRegion).update(claim.service).digest();
    key = createHmac('sha256', kService).update('aws4_request').digest();
    if (signingKeys.size > 10_000) signingKeys.clear();
    signingKeys.set(cacheKey, key);
  }
  return key;
}

export function hmacHex(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** Parses `20240101T000000Z` to a Date, or undefined when it is not that form. */
export function parseAmzDate(amzDate: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
