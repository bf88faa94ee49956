/**
 * Decodes `aws-chunked` request bodies as they stream: verifies each chunk's signature (signed
 * streaming), the trailer signature, and the trailing checksum, and passes only the payload on.
 * Memory stays bounded by one chunk header line; payload bytes are never held.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import {
  algorithmOfHeader,
  type ChecksumAlgorithm,
  createDigester,
  type Digester,
} from '../core/checksums.js';
import { AwsError } from '../core/errors.js';
import { EMPTY_SHA256, hmacHex } from './sigv4.js';

/** How the chunks are authenticated. */
export interface ChunkSigning {
  /** The derived signing key of the request. */
  key: Buffer;
  amzDate: string;
  scope: string;
  /** The request's own (seed) signature. */
  seedSignature: string;
}

export interface AwsChunkedOptions {
  /** Present for `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`; absent for unsigned streaming. */
  signing?: ChunkSigning;
  /** The checksum header announced in `x-amz-trailer`, verified against the decoded payload. */
  trailer?: string;
  /** `x-amz-decoded-content-length`, checked at the end when given. */
  decodedLength?: number;
  /** Receives the trailing headers once verified (the S3 handler stores the checksum). */
  onTrailers?: (trailers: Record<string, string>) => void;
}

const MAX_LINE_BYTES = 4096;
const CRLF = Buffer.from('\r\n');

type State = 'header' | 'data' | 'data-crlf' | 'trailer' | 'done';

function incomplete(): AwsError {
  return new AwsError('IncompleteBody', 'The request body terminated unexpectedly', 400);
}

function signatureMismatch(): AwsError {
  return new AwsError(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    403,
  );
}

export class AwsChunkedDecoder extends Transform {
  private state: State = 'header';
  private line = Buffer.alloc(0);
  private remaining = 0;
  private chunkSignature = '';
  private previousSignature: string;
  private chunkHash = createHash('sha256');
  private decoded = 0;
  private readonly trailers: Record<string, string> = {};
  private readonly checksum: Digester | undefined;
  private readonly checksumAlgorithm: ChecksumAlgorithm | undefined;

  constructor(private readonly options: AwsChunkedOptions) {
    super();
    this.previousSignature = options.signing?.seedSignature ?? '';
    this.checksumAlgorithm = options.trailer ? algorithmOfHeader(options.trailer) : undefined;
    if (options.trailer && !this.checksumAlgorithm) {
      throw new AwsError(
        'InvalidRequest',
        `The value specified in the x-amz-trailer header is not supported`,
        400,
      );
    }
    this.checksum = this.checksumAlgorithm ? createDigester(this.checksumAlgorithm) : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.transformAsync(chunk).then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.flushAsync().then(() => callback(), callback);
  }

  private async transformAsync(chunk: Buffer): Promise<void> {
    const rest = this.consume(chunk);
    // The trailers ended: they are verified (the checksum's digest is asynchronous) before what follows.
    if (rest === undefined) return;
    await this.finishTrailers();
    this.consume(rest);
  }

  private async flushAsync(): Promise<void> {
    // Some clients end the body right after the last trailer line, without the closing CRLF.
    if (this.state === 'trailer' && this.line.length === 0) await this.finishTrailers();
    if (this.state !== 'done') throw incomplete();
  }

  /** Decodes `input` up to the end of the trailers, whose verification waits; returns the bytes after it. */
  private consume(input: Buffer): Buffer | undefined {
    let offset = 0;
    while (offset < input.length) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, input.length - offset);
        const slice = input.subarray(offset, offset + take);
        if (this.options.signing) this.chunkHash.update(slice);
        this.checksum?.update(slice);
        this.decoded += take;
        this.push(slice);
        this.remaining -= take;
        offset += take;
        if (this.remaining === 0) this.state = 'data-crlf';
        continue;
      }
      if (this.state === 'done') {
        // Only whitespace may follow the final chunk.
        if (input.subarray(offset).toString('latin1').trim() !== '') throw incomplete();
        return undefined;
      }
      const lineEnd = this.readLine(input, offset);
      if (lineEnd === undefined) return undefined;
      offset = lineEnd.next;
      if (this.state === 'trailer' && lineEnd.line === '') return input.subarray(offset);
      this.handleLine(lineEnd.line);
    }
    return undefined;
  }

  /** Accumulates bytes until CRLF; returns the line (without CRLF) and where the rest starts. */
  private readLine(input: Buffer, offset: number): { line: string; next: number } | undefined {
    const joined = this.line.length
      ? Buffer.concat([this.line, input.subarray(offset)])
      : input.subarray(offset);
    const at = joined.indexOf(CRLF);
    if (at < 0) {
      if (joined.length > MAX_LINE_BYTES) throw incomplete();
      this.line = Buffer.from(joined);
      return undefined;
    }
    const consumedFromInput = at + 2 - this.line.length;
    const line = joined.subarray(0, at).toString('latin1');
    this.line = Buffer.alloc(0);
    return { line, next: offset + consumedFromInput };
  }

  private handleLine(line: string): void {
    switch (this.state) {
      case 'data-crlf':
        if (line !== '') throw incomplete();
        this.verifyChunk();
        this.state = 'header';
        return;
      case 'header': {
        const [sizeHex, ...extensions] = line.split(';');
        const size = Number.parseInt(sizeHex ?? '', 16);
        if (!/^[0-9a-fA-F]+$/.test(sizeHex ?? '') || !Number.isSafeInteger(size)) throw incomplete();
        const sig = extensions.find((e) => e.startsWith('chunk-signature='));
        this.chunkSignature = sig ? sig.slice('chunk-signature='.length) : '';
        if (this.options.signing && !this.chunkSignature) throw signatureMismatch();
        this.chunkHash = createHash('sha256');
        if (size > 0) {
          this.remaining = size;
          this.state = 'data';
        } else {
          this.verifyChunk();
          this.state = 'trailer';
        }
        return;
      }
      case 'trailer': {
        const colon = line.indexOf(':');
        if (colon <= 0) throw incomplete();
        this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        return;
      }
      default:
        throw incomplete();
    }
  }

  private verifyChunk(): void {
    const signing = this.options.signing;
    if (!signing) return;
    const toSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      signing.amzDate,
      signing.scope,
      this.previousSignature,
      EMPTY_SHA256,
      this.chunkHash.digest('hex'),
    ].join('\n');
    if (hmacHex(signing.key, toSign) !== this.chunkSignature) throw signatureMismatch();
    this.previousSignature = this.chunkSignature;
  }

  private async finishTrailers(): Promise<void> {
    const { signing, trailer, decodedLength } = this.options;
    const { 'x-amz-trailer-signature': trailerSignature, ...headers } = this.trailers;
    if (signing && trailer) {
      const canonical = Object.entries(headers)
        .map(([k, v]) => `${k}:${v}\n`)
        .join('');
      const toSign = [
        'AWS4-HMAC-SHA256-TRAILER',
        signing.amzDate,
        signing.scope,
        this.previousSignature,
        createHash('sha256').update(canonical).digest('hex'),
      ].join('\n');
      if (hmacHex(signing.key, toSign) !== trailerSignature) throw signatureMismatch();
    }
    if (trailer && this.checksum && this.checksumAlgorithm) {
      const sent = headers[trailer.toLowerCase()];
      if (sent === undefined) {
        throw new AwsError(
          'MalformedTrailerError',
          'The request contained trailing data that was not well-formed or did not conform to our published schema.',
          400,
        );
      }
      if (sent !== (await this.checksum.digest()).toString('base64')) {
        throw new AwsError(
          'BadDigest',
          `The ${this.checksumAlgorithm} you specified did not match the calculated checksum.`,
          400,
        );
      }
    }
    if (decodedLength !== undefined && decodedLength !== this.decoded) throw incomplete();
    this.state = 'done';
    this.options.onTrailers?.(headers);
  }
}
