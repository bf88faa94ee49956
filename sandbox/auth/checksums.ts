/**
 * The flexible checksums S3 accepts (`x-amz-checksum-*`), computed incrementally over a stream.
 * CRC32 comes from node:zlib (Node ≥ 20.15); CRC32C has no built-in, so it is table-driven here.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'sha1' | 'sha256';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['crc32', 'crc32c', 'sha1', 'sha256'];

/** An incremental checksum whose digest is base64, as the `x-amz-checksum-*` headers carry it. */
export interface Checksum {
  update(data: Buffer): void;
  digestBase64(): string;
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32cUpdate(crc: number, data: Buffer): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function uint32Base64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b.toString('base64');
}

/** The header that carries an algorithm's value, e.g. `x-amz-checksum-crc32`. */
export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm}`;
}

/** The algorithm of an `x-amz-checksum-*` header name, or undefined when it is not one we compute. */
export function algorithmOfHeader(header: string): ChecksumAlgorithm | undefined {
  const name = header
    .trim()
    .toLowerCase()
    .replace(/^x-amz-checksum-/, '');
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name) ? (name as ChecksumAlgorithm) : undefined;
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'crc32': {
      let crc = 0;
      return {
        update: (d) => {
          crc = crc32(d, crc);
        },
        digestBase64: () => uint32Base64(crc),
      };
    }
    case 'crc32c': {
      let crc = 0;
      return {
        update: (d) => {
          crc = crc32cUpdate(crc, d);
        },
        digestBase64: () => uint32Base64(crc),
      };
    }
    case 'sha1':
    case 'sha256': {
      const hash = createHash(algorithm);
      return {
        update: (d) => {
          hash.update(d);
        },
        digestBase64: () => hash.digest('base64'),
      };
    }
  }
}

/** The S3 name of an algorithm in error messages (`CRC32C`, `SHA256`). */
export function checksumDisplayName(algorithm: ChecksumAlgorithm): string {
  return algorithm.toUpperCase();
}
