/**
 * Hand-built SigV4 requests for the core's tests, for the forms the AWS SDK for JavaScript does
 * not send (signed aws-chunked bodies, tampered chunks, wrong trailing checksums). The request is
 * signed with @smithy/signature-v4; chunk and trailer signatures are computed here from the AWS
 * specification, independently of the sandbox's own code.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { crc32 } from 'node:zlib';
import { Hash } from '@smithy/hash-node';

const Sha256 = Hash.bind(null, 'sha256');

import { SignatureV4 } from '@smithy/signature-v4';

export interface RawCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function crc32Base64(data: Buffer): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data));
  return b.toString('base64');
}

/** Sends a request and collects the answer. */
export function send(
  endpoint: string,
  req: { method: string; path: string; headers: Record<string, string>; body?: Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(req.path, endpoint);
    const r = httpRequest(url, { method: req.method, headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

/** The AWS error code in an S3 XML error body. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}

export interface ChunkedOptions {
  endpoint: string;
  credentials: RawCredentials;
  path: string;
  payload: Buffer;
  chunkSize: number;
  /** Signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) or unsigned with a trailer. */
  signed: boolean;
  /** Adds an `x-amz-checksum-crc32` trailer with this value (default: the right CRC32). */
  trailer?: { value?: string };
  /** Changes one payload byte after signing (the chunk signature must then fail). */
  tamper?: boolean;
  region?: string;
  signingDate?: Date;
}

/** A SigV4 signer for S3, which (unlike other services) signs the path without escaping it again. */
export function s3Signer(credentials: RawCredentials, region = 'us-east-1'): SignatureV4 {
  return new SignatureV4({ credentials, region, service: 's3', sha256: Sha256, uriEscapePath: false });
}

/** Signs a PUT to `url` (its host name, port and path) with `headers`; the caller sends it. */
export function signPut(signer: SignatureV4, url: URL, headers: Record<string, string>, signingDate?: Date) {
  const request = {
    method: 'PUT',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers,
  };
  return signer.sign(request, { signingDate });
}

/** PUTs `payload` as an aws-chunked body in the requested form. */
export async function putChunked(o: ChunkedOptions): Promise<RawResponse> {
  const region = o.region ?? 'us-east-1';
  const url = new URL(o.path, o.endpoint);
  const mode = o.signed
    ? o.trailer
      ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
      : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
    : 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  const headers: Record<string, string> = {
    host: url.host,
    'content-encoding': 'aws-chunked',
    'x-amz-content-sha256': mode,
    'x-amz-decoded-content-length': String(o.payload.length),
  };
  if (o.trailer) headers['x-amz-trailer'] = 'x-amz-checksum-crc32';
  const signer = s3Signer(o.credentials, region);
  const signingDate = o.signingDate ?? new Date();
  const pieces: Buffer[] = [];
  for (let i = 0; i < o.payload.length; i += o.chunkSize) pieces.push(o.payload.subarray(i, i + o.chunkSize));
  pieces.push(Buffer.alloc(0));
  // The body's length is known before signing: work it out from the chunk framing.
  const sigLength = o.signed ? ';chunk-signature='.length + 64 : 0;
  const trailerValue = o.trailer ? (o.trailer.value ?? crc32Base64(o.payload)) : undefined;
  const trailerText = trailerValue === undefined ? '' : `x-amz-checksum-crc32:${trailerValue}\r\n`;
  const trailerSigText =
    o.signed && trailerValue !== undefined ? `x-amz-trailer-signature:${'0'.repeat(64)}\r\n` : '';
  let total = 0;
  for (const p of pieces)
    total += p.length.toString(16).length + sigLength + 2 + p.length + (p.length > 0 ? 2 : 0);
  total += trailerText.length + trailerSigText.length + 2;
  headers['content-length'] = String(total);

  const signed = await signPut(signer, url, headers, signingDate);
  const seed = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))![1]!;
  const amzDate = String(signed.headers['x-amz-date']);
  const scope = `${amzDate.slice(0, 8)}/${region}/s3/aws4_request`;
  const hmac = (s: string) => signer.sign(s, { signingDate });
  let previous = seed;
  const out: Buffer[] = [];
  for (const p of pieces) {
    let sig = '';
    if (o.signed) {
      sig = await hmac(
        ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, EMPTY_SHA256, sha256Hex(p)].join('\n'),
      );
      previous = sig;
    }
    const data = o.tamper && p.length > 0 && out.length === 0 ? Buffer.from(p).fill(p[0]! ^ 1, 0, 1) : p;
    out.push(Buffer.from(`${p.length.toString(16)}${o.signed ? `;chunk-signature=${sig}` : ''}\r\n`));
    if (p.length > 0) out.push(data, Buffer.from('\r\n'));
  }
  out.push(Buffer.from(trailerText));
  if (trailerSigText) {
    const trailerSig = await hmac(
      [
        'AWS4-HMAC-SHA256-TRAILER',
        amzDate,
        scope,
        previous,
        sha256Hex(trailerText.replace('\r\n', '\n')),
      ].join('\n'),
    );
    out.push(Buffer.from(`x-amz-trailer-signature:${trailerSig}\r\n`));
  }
  out.push(Buffer.from('\r\n'));
  const body = Buffer.concat(out);
  const sendHeaders = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)]));
  return send(o.endpoint, { method: 'PUT', path: o.path, headers: sendHeaders, body });
}
