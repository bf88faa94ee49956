import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createCompressProcessor } from '../../../src/processors/compress.js';
import { createCopyProcessor } from '../../../src/processors/copy.js';
import { type FakeObject, fakeObject } from './fake-object.js';

const text = 'the same line again and again\n'.repeat(300);

describe('the compression processors', () => {
  let fake: FakeObject;
  afterEach(() => fake.dispose());

  it.each([
    ['gzip', '.gz', 'application/gzip', gunzipSync],
    ['brotli', '.br', 'application/x-brotli', brotliDecompressSync],
    ['deflate', '.zz', 'application/zlib', inflateSync],
  ] as const)(
    '%s writes <output key>%s as %s that decompresses to the input',
    async (format, ext, type, inflate) => {
      fake = fakeObject(text);
      const result = await createCompressProcessor({ format }).process(fake.input, fake.context);
      const [output] = fake.outputs;
      expect(output!.key).toBe(`out/in/data.txt${ext}`);
      expect(output!.contentType).toBe(type);
      expect(inflate(output!.body).toString()).toBe(text);
      expect((result?.details?.ratio as number) < 0.1).toBe(true);
    },
  );

  it.each(['gzip', 'brotli', 'deflate'] as const)(
    '%s takes socket-sized reads without pausing the download on each one',
    async (format) => {
      // 64 × 64 KiB, the size of one socket read. With Node's default 16 KiB buffer every chunk
      // paused the source; with 1 MiB, a pause needs 16 chunks buffered first.
      const data = randomBytes(64 * 64 * 1024);
      const source = Readable.from(
        Array.from({ length: 64 }, (_, i) => data.subarray(i * 65536, (i + 1) * 65536)),
        { objectMode: false },
      );
      let pauses = 0;
      source.on('pause', () => pauses++);
      fake = fakeObject('');
      fake.input.open = async () => ({ body: source, contentLength: data.length, metadata: {} });
      await createCompressProcessor({ format, level: 1 }).process(fake.input, fake.context);
      const inflate = { gzip: gunzipSync, brotli: brotliDecompressSync, deflate: inflateSync }[format];
      expect(inflate(fake.outputs[0]!.body).equals(data)).toBe(true);
      expect(pauses).toBeLessThanOrEqual(4);
    },
  );

  it('compresses an empty object to a valid empty archive', async () => {
    fake = fakeObject('');
    await createCompressProcessor({ format: 'gzip', level: 9 }).process(fake.input, fake.context);
    expect(gunzipSync(fake.outputs[0]!.body).length).toBe(0);
  });

  it('rejects a gzip level outside 1..9', () => {
    expect(() => createCompressProcessor({ format: 'gzip', level: 11 })).toThrow(
      'processor.level: gzip takes a level from 1 to 9, got 11',
    );
  });
});

describe('the copy processor', () => {
  let fake: FakeObject;
  afterEach(() => fake.dispose());

  it('streams the object unchanged with its content type when a server-side copy is not possible', async () => {
    fake = fakeObject('payload');
    await createCopyProcessor().process(fake.input, fake.context);
    expect(fake.outputs).toEqual([
      {
        bucket: 'dst',
        key: 'out/in/data.txt',
        bytes: 7,
        body: Buffer.from('payload'),
        contentType: 'text/plain',
      },
    ]);
  });

  it('does not download the object when the copy happens inside S3', async () => {
    fake = fakeObject('payload');
    let opened = false;
    fake.input.open = async () => {
      opened = true;
      throw new Error('must not be called');
    };
    fake.context.copyInput = async () => ({ bucket: 'dst', key: 'out/in/data.txt', bytes: 7 });
    await createCopyProcessor().process(fake.input, fake.context);
    expect(opened).toBe(false);
    expect(fake.outputs).toEqual([]);
  });
});
