/**
 * Where object bodies live. A body is streamed in once: hashed as it arrives (MD5 for the ETag plus
 * the requested checksum), kept in memory when small and the sandbox has no state directory, otherwise
 * written to a temporary file that is renamed into place only when complete, so no reader ever sees a
 * partial object. Memory use does not grow with the size of an object.
 *
 * An object is a list of segments (one for a PutObject, one per part for a multipart upload), so
 * completing a multipart upload never copies data. A file that is replaced while a download streams it
 * is unlinked only once the last reader is done.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type ChecksumAlgorithm, createDigester } from '../core/checksums.js';
import { AwsError } from '../core/errors.js';

/** A piece of an object's body: bytes in memory, or a file in the store's `objects/` directory. */
export type Segment = { kind: 'memory'; data: Buffer } | { kind: 'file'; file: string; size: number };

export function segmentSize(segment: Segment): number {
  return segment.kind === 'memory' ? segment.data.length : segment.size;
}

export interface IngestOptions {
  /** A checksum to compute besides MD5. */
  checksumAlgorithm?: ChecksumAlgorithm;
  /** Largest body accepted, in bytes; more is `EntityTooLarge`. Default: 5 GiB (S3's single-PUT limit). */
  maxBytes?: number;
}

export interface IngestResult {
  segment: Segment;
  size: number;
  md5: Buffer;
  /** Base64 value of `checksumAlgorithm`, when one was asked for. */
  checksum?: string;
}

export interface BlobStoreOptions {
  /** Directory for files; when absent, a temporary directory removed at process exit. */
  dir?: string;
  /** Bodies up to this many bytes stay in memory (only without `dir`). Default 256 KiB. */
  memoryLimitBytes?: number;
}

const FIVE_GIB = 5 * 1024 ** 3;
const READ_CHUNK_BYTES = 256 * 1024;
const temporaryDirs = new Set<string>();
let exitHookInstalled = false;

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bucketbridge-s3-'));
  temporaryDirs.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const d of temporaryDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

export class BlobStore {
  readonly persistent: boolean;
  private readonly objectsDir: string;
  private readonly tmpDir: string;
  private readonly memoryLimitBytes: number;
  /** Open readers per file; a released file with readers is unlinked when the last one closes. */
  private readonly readers = new Map<string, number>();
  private readonly doomed = new Set<string>();

  constructor(options: BlobStoreOptions = {}) {
    this.persistent = options.dir !== undefined;
    const root = options.dir ?? temporaryDir();
    this.objectsDir = join(root, 'objects');
    this.tmpDir = join(root, 'tmp');
    mkdirSync(this.objectsDir, { recursive: true });
    // Left-overs of uploads interrupted by a crash are never part of an object.
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true });
    this.memoryLimitBytes = this.persistent ? -1 : (options.memoryLimitBytes ?? 256 * 1024);
  }

  /** Streams `body` into the store. On any failure nothing is left behind and the error is rethrown. */
  async ingest(body: AsyncIterable<Buffer | string>, options: IngestOptions = {}): Promise<IngestResult> {
    const maxBytes = options.maxBytes ?? FIVE_GIB;
    const md5 = createDigester('MD5');
    const checksum = options.checksumAlgorithm ? createDigester(options.checksumAlgorithm) : undefined;
    const buffered: Buffer[] = [];
    let size = 0;
    let name: string | undefined;
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      for await (const piece of body) {
        const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
        size += chunk.length;
        if (size > maxBytes)
          throw new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
            ProposedSize: String(size),
            MaxSizeAllowed: String(maxBytes),
          });
        md5.update(chunk);
        checksum?.update(chunk);
        if (handle) {
          await handle.write(chunk);
          continue;
        }
        buffered.push(chunk);
        if (size > this.memoryLimitBytes) {
          name = randomUUID();
          handle = await open(join(this.tmpDir, name), 'w');
          for (const held of buffered.splice(0)) await handle.write(held);
        }
      }
      const result = {
        size,
        md5: await md5.digest(),
        checksum: checksum ? (await checksum.digest()).toString('base64') : undefined,
      };
      if (!handle || !name) return { ...result, segment: { kind: 'memory', data: Buffer.concat(buffered) } };
      if (this.persistent) await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(join(this.tmpDir, name), join(this.objectsDir, name));
      return { ...result, segment: { kind: 'file', file: name, size } };
    } catch (error) {
      await handle?.close().catch(() => undefined);
      if (name) await rm(join(this.tmpDir, name), { force: true });
      throw error;
    }
  }

  /**
   * Bytes [start, endExclusive) as one Buffer when they are all held in memory (small objects without
   * a state directory), which answers a download without the cost of a stream; otherwise undefined.
   */
  readBuffered(segments: readonly Segment[], start: number, endExclusive: number): Buffer | undefined {
    if (segments.some((s) => s.kind !== 'memory')) return undefined;
    const whole =
      segments.length === 1
        ? (segments[0] as { data: Buffer }).data
        : Buffer.concat(segments.map((s) => (s as { data: Buffer }).data));
    return whole.subarray(start, endExclusive);
  }

  /** A stream of bytes [start, endExclusive) of the object made of `segments`. */
  read(segments: readonly Segment[], start: number, endExclusive: number): Readable {
    const pieces: Array<{ segment: Segment; from: number; to: number }> = [];
    let offset = 0;
    for (const segment of segments) {
      const size = segmentSize(segment);
      const from = Math.max(start, offset);
      const to = Math.min(endExclusive, offset + size);
      if (from < to) pieces.push({ segment, from: from - offset, to: to - offset });
      offset += size;
    }
    const files = pieces.flatMap((p) => (p.segment.kind === 'file' ? [p.segment.file] : []));
    for (const file of files) this.readers.set(file, (this.readers.get(file) ?? 0) + 1);
    const objectsDir = this.objectsDir;
    async function* generate(): AsyncGenerator<Buffer> {
      for (const { segment, from, to } of pieces) {
        if (segment.kind === 'memory') {
          yield segment.data.subarray(from, to);
          continue;
        }
        const stream = createReadStream(join(objectsDir, segment.file), {
          start: from,
          end: to - 1,
          highWaterMark: READ_CHUNK_BYTES,
        });
        for await (const chunk of stream) yield chunk as Buffer;
      }
    }
    const stream = Readable.from(generate(), { objectMode: false });
    stream.once('close', () => {
      for (const file of files) {
        const left = (this.readers.get(file) ?? 1) - 1;
        if (left > 0) this.readers.set(file, left);
        else {
          this.readers.delete(file);
          if (this.doomed.delete(file)) void unlink(join(this.objectsDir, file)).catch(() => undefined);
        }
      }
    });
    return stream;
  }

  /** Frees the files of segments no longer part of any object or upload. */
  release(segments: readonly Segment[]): void {
    for (const segment of segments) {
      if (segment.kind !== 'file') continue;
      if (this.readers.has(segment.file)) this.doomed.add(segment.file);
      else void unlink(join(this.objectsDir, segment.file)).catch(() => undefined);
    }
  }

  /** After a restore: removes files no object or upload refers to (a crash between write and commit). */
  sweep(referenced: ReadonlySet<string>): void {
    for (const file of readdirSync(this.objectsDir)) {
      if (!referenced.has(file)) rmSync(join(this.objectsDir, file), { force: true });
    }
  }
}
