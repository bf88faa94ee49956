/**
 * The output writer's tuning. A streamed upload uses 8 MiB parts, four in flight, for anything up
 * to 62.5 GiB (memory does not grow with the object); above, parts that fit a quarter more than
 * the expected size in S3's 10,000 parts, with fewer in flight. The byte counter between the
 * stages buffers enough that a socket read does not push back on the download.
 */
import { describe, expect, it } from 'vitest';
import { ByteCounter, uploadShape } from '../../../src/pipeline/output-writer.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

describe('uploadShape', () => {
  it.each([
    ['unknown size', undefined, 8 * MIB, 4],
    ['an empty object', 0, 8 * MIB, 4],
    ['2 GiB', 2 * GIB, 8 * MIB, 4],
    ['62.5 GiB (the largest at 8 MiB parts)', 62.5 * GIB, 8 * MIB, 4],
    ['63 GiB', 63 * GIB, 9 * MIB, 3],
    ['100 GiB', 100 * GIB, 13 * MIB, 2],
    ['1 TiB', 1024 * GIB, 132 * MIB, 1],
    ['5 TiB (S3 object limit)', 5 * 1024 * GIB, 656 * MIB, 1],
    ['beyond what 5 GiB parts hold', 100_000 * GIB, 5 * GIB, 1],
  ])('%s', (_label, expectedBytes, partSizeBytes, queueSize) => {
    expect(uploadShape(expectedBytes)).toEqual({ partSizeBytes, queueSize });
  });

  it('leaves room for a quarter more than expected within 10,000 parts', () => {
    for (const expectedBytes of [65 * GIB, 100 * GIB, 777 * GIB, 5 * 1024 * GIB]) {
      const { partSizeBytes } = uploadShape(expectedBytes);
      expect(partSizeBytes * 10_000).toBeGreaterThanOrEqual(expectedBytes * 1.25);
      expect(partSizeBytes % MIB).toBe(0);
    }
  });
});

describe('ByteCounter', () => {
  it('takes a socket read (64 KiB) without pushing back on the download, and counts it', () => {
    const counter = new ByteCounter();
    expect(counter.write(Buffer.alloc(64 * 1024))).toBe(true);
    expect(counter.bytes).toBe(64 * 1024);
    counter.destroy();
  });
});
