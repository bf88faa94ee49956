/**
 * S3's additional checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) and the MD5 behind ETags,
 * computed incrementally while a body streams: by the S3 handlers, and by the aws-chunked decoder
 * for a trailing checksum.
 */
import { createHash, type Hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { AwsError } from './errors.js';

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** The header carrying an algorithm's value, e.g. `x-amz-checksum-crc32`. */
export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/** The XML element / SDK field carrying an algorithm's value, e.g. `ChecksumCRC32`. */
export function checksumField(algorithm: ChecksumAlgorithm): string {
  return `Checksum${algorithm}`;
}

/**
 * The algorithm of an `x-amz-checksum-*` header name (as `x-amz-trailer` announces it), or undefined
 * when it names none S3 has.
 */
export function algorithmOfHeader(name: string): ChecksumAlgorithm | undefined {
  const upper = name
    .trim()
    .replace(/^x-amz-checksum-/i, '')
    .toUpperCase();
  return CHECKSUM_ALGORITHMS.find((algorithm) => algorithm === upper);
}

export function parseChecksumAlgorithm(
  value: string | undefined,
  where: string,
): ChecksumAlgorithm | undefined {
  if (value === undefined || value === '') return undefined;
  const upper = value.toUpperCase();
  if ((CHECKSUM_ALGORITHMS as readonly string[]).includes(upper)) return upper as ChecksumAlgorithm;
  throw new AwsError('InvalidRequest', `Value for ${where} header is invalid.`, 400);
}

/** An incremental digest (MD5 or a checksum) of a streamed body. */
export interface Digester {
  update(data: Uint8Array): void;
  digest(): Promise<Buffer>;
}

function nodeHash(name: string): Digester {
  const hash: Hash = createHash(name);
  return {
    update: (data) => hash.update(data),
    digest: async () => hash.digest(),
  };
}

function sdkChecksum(make: () => { update(d: Uint8Array): void; digest(): Promise<Uint8Array> }): Digester {
  const checksum = make();
  return {
    update: (data) => checksum.update(data),
    digest: async () => Buffer.from(await checksum.digest()),
  };
}

export function createDigester(algorithm: ChecksumAlgorithm | 'MD5'): Digester {
  switch (algorithm) {
    case 'MD5':
      return nodeHash('md5');
    case 'SHA1':
      return nodeHash('sha1');
    case 'SHA256':
      return nodeHash('sha256');
    case 'CRC32':
      return sdkChecksum(() => new Crc32());
    case 'CRC32C':
      return sdkChecksum(() => new Crc32c());
    case 'CRC64NVME':
      return sdkChecksum(() => new Crc64Nvme());
  }
}

/** Base64 of the digest of `data` (for composite multipart checksums over part checksums). */
export async function digestBase64(algorithm: ChecksumAlgorithm, data: Buffer): Promise<string> {
  const digester = createDigester(algorithm);
  digester.update(data);
  return (await digester.digest()).toString('base64');
}

/**
 * The checksums a request asks for: the one whose value it sends in a header (to validate), the one
 * named in `x-amz-trailer` (the value arrives after the body; the server verifies it), or the one named
 * in `x-amz-sdk-checksum-algorithm` / `x-amz-checksum-algorithm`.
 */
export function requestedChecksum(headers: IncomingHttpHeaders): {
  algorithm?: ChecksumAlgorithm;
  expected?: string;
} {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = headers[checksumHeader(algorithm)];
    if (typeof value === 'string') return { algorithm, expected: value };
  }
  const trailer = headers['x-amz-trailer'];
  if (typeof trailer === 'string') {
    const match = /^x-amz-checksum-(\w+)$/i.exec(trailer.trim());
    if (match) return { algorithm: parseChecksumAlgorithm(match[1], 'x-amz-trailer') };
  }
  const named = headers['x-amz-sdk-checksum-algorithm'] ?? headers['x-amz-checksum-algorithm'];
  return {
    algorithm: parseChecksumAlgorithm(
      typeof named === 'string' ? named : undefined,
      'x-amz-sdk-checksum-algorithm',
    ),
  };
}
