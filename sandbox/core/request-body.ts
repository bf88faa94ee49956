/**
 * The body a service receives: S3 bodies stream through the aws-chunked decoder or the payload
 * hash check; other services' bodies are small and read whole (their signature may cover them).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Readable, type Transform } from 'node:stream';
import type { SignedRequest } from '../auth/authenticate.js';
import { AwsChunkedDecoder } from '../auth/aws-chunked.js';
import { PayloadHashVerifier } from '../auth/payload-verifier.js';
import { AwsError } from './errors.js';

/** Non-S3 bodies and the small XML documents S3 reads whole are refused above this size. */
export const MAX_READ_BODY_BYTES = 1024 * 1024 + 256 * 1024;

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

export function isStreamingPayload(payloadHash: string): boolean {
  return payloadHash.startsWith('STREAMING-');
}

/** Reads a whole stream, refusing more than `limit` bytes. */
export async function readAll(stream: Readable, limit = MAX_READ_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new AwsError('RequestEntityTooLarge', `The request body is larger than ${limit} bytes.`, 413);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The S3 body as it will be verified while streaming, plus the headers the service sees: for
 * aws-chunked bodies `content-length` becomes the decoded length and `aws-chunked` leaves
 * `content-encoding`; trailing checksums are added to the headers once the body has ended.
 */
export function s3Body(
  req: IncomingMessage,
  payloadHash: string,
  signed: SignedRequest,
): { body: Readable; headers: IncomingHttpHeaders } {
  const headers: IncomingHttpHeaders = { ...req.headers };
  if (payloadHash === UNSIGNED_PAYLOAD) return { body: req, headers };
  if (!isStreamingPayload(payloadHash)) {
    if (!/^[0-9a-f]{64}$/i.test(payloadHash)) {
      throw new AwsError(
        'InvalidArgument',
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-… or a valid sha256 value.',
        400,
        {
          ArgumentName: 'x-amz-content-sha256',
          ArgumentValue: payloadHash,
        },
      );
    }
    return { body: passThroughPipeline(req, new PayloadHashVerifier(payloadHash)), headers };
  }
  if (![STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER].includes(payloadHash)) {
    throw new AwsError(
      'NotImplemented',
      `The sandbox does not accept the ${payloadHash} payload (as S3 refuses unknown streaming modes).`,
      501,
    );
  }
  const decodedHeader = req.headers['x-amz-decoded-content-length'];
  const decodedLength = decodedHeader === undefined ? undefined : Number(decodedHeader);
  if (decodedLength !== undefined && !Number.isSafeInteger(decodedLength)) {
    throw new AwsError('InvalidArgument', 'x-amz-decoded-content-length must be an integer', 400);
  }
  if (decodedLength !== undefined) headers['content-length'] = String(decodedLength);
  else delete headers['content-length'];
  const encodings = (req.headers['content-encoding'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e !== 'aws-chunked');
  if (encodings.length > 0) headers['content-encoding'] = encodings.join(',');
  else delete headers['content-encoding'];
  const trailer = typeof req.headers['x-amz-trailer'] === 'string' ? req.headers['x-amz-trailer'] : undefined;
  const decoder = new AwsChunkedDecoder({
    signing:
      payloadHash === STREAMING_UNSIGNED_TRAILER
        ? undefined
        : {
            key: signed.key,
            amzDate: signed.claim.amzDate,
            scope: signed.claim.scope,
            seedSignature: signed.claim.signature,
          },
    trailer,
    decodedLength,
    onTrailers: (trailers) => {
      for (const [name, value] of Object.entries(trailers)) headers[name] = value;
    },
  });
  return { body: passThroughPipeline(req, decoder), headers };
}

/**
 * Pipes `source` through `transform`, which the consumer reads: its error (a checksum or
 * signature mismatch) is the consumer's error and its end is the verified end. On an error the
 * rest of the request is drained, not destroyed, so the client still reads the answer.
 */
function passThroughPipeline(source: Readable, transform: Transform): Readable {
  transform.on('error', () => {
    source.unpipe(transform);
    source.resume();
  });
  source.on('error', (error: Error) => transform.destroy(error));
  return source.pipe(transform);
}

/** A buffered body as a stream, for services that prefer streaming. */
export function bufferStream(buffer: Buffer): Readable {
  return Readable.from(buffer.length ? [buffer] : []);
}
