/** Checks a streamed body against the SHA-256 the client signed (`x-amz-content-sha256`). */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AwsError } from '../core/errors.js';

export class PayloadHashVerifier extends Transform {
  private readonly hash = createHash('sha256');

  constructor(private readonly expectedHex: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.hash.digest('hex') !== this.expectedHex.toLowerCase()) {
      callback(
        new AwsError(
          'XAmzContentSHA256Mismatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
          400,
        ),
      );
      return;
    }
    callback();
  }
}
