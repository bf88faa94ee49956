/**
 * Receiving a request body (PutObject, UploadPart): streamed into the blob store while MD5 and the
 * requested checksum are computed, then checked against Content-MD5 and `x-amz-checksum-*`.
 */

import { type ChecksumAlgorithm, requestedChecksum } from '../core/checksums.js';
import { AwsError } from '../core/errors.js';
import type { ServiceRequest } from '../core/types.js';
import type { IngestResult } from './blob-store.js';
import { header, type S3Env } from './s3-access.js';
import { badDigest } from './s3-errors.js';

export interface ReceivedBody extends IngestResult {
  checksumAlgorithm?: ChecksumAlgorithm;
}

function expectedMd5(request: ServiceRequest): Buffer | undefined {
  const value = header(request, 'content-md5');
  if (value === undefined) return undefined;
  const digest = Buffer.from(value, 'base64');
  if (digest.length !== 16 || digest.toString('base64') !== value.trim())
    throw new AwsError('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400, {
      'Content-MD5': value,
    });
  return digest;
}

/**
 * Streams the request body into the store. `fallbackAlgorithm` is computed when the request names no
 * checksum (a multipart upload's algorithm). A digest mismatch frees what was written and throws BadDigest.
 */
export async function receiveBody(
  env: S3Env,
  request: ServiceRequest,
  options: { maxBytes?: number; fallbackAlgorithm?: ChecksumAlgorithm } = {},
): Promise<ReceivedBody> {
  const maxBytes = options.maxBytes ?? 5 * 1024 ** 3;
  // A declared size over the limit is refused before any byte is stored.
  const declared = Number(
    header(request, 'x-amz-decoded-content-length') ?? header(request, 'content-length') ?? 0,
  );
  if (declared > maxBytes)
    throw new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
      ProposedSize: String(declared),
      MaxSizeAllowed: String(maxBytes),
    });
  const md5 = expectedMd5(request);
  const requested = requestedChecksum(request.headers);
  const checksumAlgorithm = requested.algorithm ?? options.fallbackAlgorithm;
  const result = await env.store.ingest(request.body, { checksumAlgorithm, maxBytes });
  try {
    if (md5 && !md5.equals(result.md5)) throw badDigest('Content-MD5');
    if (requested.expected !== undefined && requested.expected !== result.checksum)
      throw badDigest(checksumAlgorithm!.toLowerCase());
  } catch (error) {
    env.store.release([result.segment]);
    throw error;
  }
  return { ...result, checksumAlgorithm };
}
