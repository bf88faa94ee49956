/**
 * Who signed a request, and is the signature right. Produces AWS's own error for every way a
 * request can fail authentication, in the form the addressed service uses (S3's codes differ).
 */
import type { IncomingMessage } from 'node:http';
import { AwsError } from '../core/errors.js';
import type { CallerIdentity } from '../core/identity.js';
import type { CredentialStore } from '../core/types.js';
import {
  canonicalRequest,
  formatAmzDate,
  hmacHex,
  MalformedSignatureError,
  parseAmzDate,
  parseAuthorizationHeader,
  parsePresignedQuery,
  type SigV4Claim,
  signingKey,
  stringToSign,
} from './sigv4.js';

/** AWS rejects requests whose time is further than this from the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface SignedRequest {
  claim: SigV4Claim;
  caller: CallerIdentity;
  /** The derived signing key (aws-chunked chunk signatures chain from it). */
  key: Buffer;
}

const S3_SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
const QUERY_SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Extracts the SigV4 claim (header or presigned form), or undefined when the request is unsigned. */
export function readClaim(req: IncomingMessage, url: URL, serviceHint: string): SigV4Claim | undefined {
  const header = req.headers.authorization;
  try {
    if (header) {
      const token = req.headers['x-amz-security-token'];
      return parseAuthorizationHeader(
        header,
        firstHeader(req.headers['x-amz-date']),
        Array.isArray(token) ? token[0] : token,
      );
    }
    if (url.searchParams.has('X-Amz-Credential') || url.searchParams.has('X-Amz-Signature')) {
      return parsePresignedQuery(url.searchParams);
    }
  } catch (error) {
    if (!(error instanceof MalformedSignatureError)) throw error;
    if (serviceHint === 's3') {
      throw new AwsError(
        header ? 'AuthorizationHeaderMalformed' : 'AuthorizationQueryParametersError',
        error.message,
        400,
      );
    }
    throw new AwsError('IncompleteSignature', error.message, 400);
  }
  return undefined;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Resolves the access key and checks token, expiry, clock skew and signature.
 * @param payloadHash what the canonical request's last line must be (header value, computed
 *   body hash, or `UNSIGNED-PAYLOAD` for presigned URLs).
 */
export function verifySignature(args: {
  req: IncomingMessage;
  url: URL;
  claim: SigV4Claim;
  payloadHash: string;
  credentials: CredentialStore;
  now: Date;
}): SignedRequest {
  const { req, url, claim, credentials, now } = args;
  const s3 = claim.service === 's3';
  const found = credentials.lookup(claim.accessKeyId);
  if (!found) {
    if (s3) {
      throw new AwsError(
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
        403,
        {
          AWSAccessKeyId: claim.accessKeyId,
        },
      );
    }
    throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }
  if (found.sessionToken !== undefined && claim.securityToken !== found.sessionToken) {
    if (s3) throw new AwsError('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400);
    throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }
  if (found.identity.expiresAt && found.identity.expiresAt.getTime() <= now.getTime()) {
    if (s3) throw new AwsError('ExpiredToken', 'The provided token has expired.', 400);
    throw new AwsError('ExpiredToken', 'The security token included in the request is expired', 403);
  }
  checkRequestTime(claim, now);

  const key = signingKey(found.secretAccessKey, claim);
  const canonical = canonicalRequest(
    {
      method: req.method ?? 'GET',
      rawPath: rawPathOf(req.url ?? '/'),
      rawQuery: rawQueryOf(req.url ?? '/'),
      rawHeaders: req.rawHeaders,
      payloadHash: args.payloadHash,
    },
    claim,
  );
  const toSign = stringToSign(canonical, claim);
  if (hmacHex(key, toSign) !== claim.signature) {
    if (s3) {
      throw new AwsError('SignatureDoesNotMatch', S3_SIGNATURE_MESSAGE, 403, {
        AWSAccessKeyId: claim.accessKeyId,
        StringToSign: toSign,
        SignatureProvided: claim.signature,
        CanonicalRequest: canonical,
      });
    }
    throw new AwsError('SignatureDoesNotMatch', QUERY_SIGNATURE_MESSAGE, 403);
  }
  void url;
  return { claim, caller: found.identity, key };
}

function checkRequestTime(claim: SigV4Claim, now: Date): void {
  const requestTime = parseAmzDate(claim.amzDate);
  const s3 = claim.service === 's3';
  if (!requestTime) {
    const message = `Invalid date format: ${claim.amzDate} (expected ISO 8601 basic form, e.g. 20240101T000000Z)`;
    throw new AwsError(s3 ? 'AccessDenied' : 'IncompleteSignature', message, s3 ? 403 : 400);
  }
  if (claim.form === 'presigned') {
    const expiresMs = requestTime.getTime() + (claim.expiresSec ?? 0) * 1000;
    if (now.getTime() > expiresMs) {
      throw new AwsError('AccessDenied', 'Request has expired', 403, {
        'X-Amz-Expires': String(claim.expiresSec),
        Expires: new Date(expiresMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        ServerTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
    }
    if (requestTime.getTime() - now.getTime() > MAX_CLOCK_SKEW_MS) throw skewed(claim, now, requestTime);
    return;
  }
  if (Math.abs(requestTime.getTime() - now.getTime()) > MAX_CLOCK_SKEW_MS)
    throw skewed(claim, now, requestTime);
}

function skewed(claim: SigV4Claim, now: Date, requestTime: Date): AwsError {
  if (claim.service === 's3') {
    return new AwsError(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      403,
      {
        RequestTime: claim.amzDate,
        ServerTime: now.toISOString(),
        MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
      },
    );
  }
  const late = requestTime.getTime() < now.getTime();
  const bound = formatAmzDate(new Date(now.getTime() + (late ? -MAX_CLOCK_SKEW_MS : MAX_CLOCK_SKEW_MS)));
  const message = late
    ? `Signature expired: ${claim.amzDate} is now earlier than ${bound} (${formatAmzDate(now)} - 15 min.)`
    : `Signature not yet current: ${claim.amzDate} is still later than ${bound} (${formatAmzDate(now)} + 15 min.)`;
  return new AwsError('SignatureDoesNotMatch', message, 403);
}

/** The path exactly as the client sent it (still percent-encoded). */
export function rawPathOf(requestUrl: string): string {
  const q = requestUrl.indexOf('?');
  return q >= 0 ? requestUrl.slice(0, q) : requestUrl;
}

export function rawQueryOf(requestUrl: string): string {
  const q = requestUrl.indexOf('?');
  return q >= 0 ? requestUrl.slice(q + 1) : '';
}
