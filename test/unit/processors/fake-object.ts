/**
 * An in-memory ProcessorInput and ProcessorContext, so processors are tested without S3: outputs
 * are collected whole, and the temporary directory is real (and checked for removal).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type {
  OutputRequest,
  ProcessorContext,
  ProcessorInput,
  WrittenOutput,
} from '../../../src/processors/processor.js';

export interface CollectedOutput extends WrittenOutput {
  body: Buffer;
  contentType?: string;
}

export interface FakeObject {
  input: ProcessorInput;
  context: ProcessorContext;
  outputs: CollectedOutput[];
  /** Temporary directories handed out; `dispose()` removes them as the pipeline would. */
  tempDirs: string[];
  abort: AbortController;
  dispose(): Promise<void>;
}

export function fakeObject(content: Buffer | string, key = 'in/data.txt'): FakeObject {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const outputs: CollectedOutput[] = [];
  const tempDirs: string[] = [];
  const abort = new AbortController();
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bb-proc-test-'));
    tempDirs.push(dir);
    return dir;
  };
  const open = async () => ({
    // Small chunks, so parsers see records split across reads.
    body: Readable.from(chunks(data, 7)),
    contentLength: data.length,
    contentType: 'text/plain',
    metadata: { origin: 'test' },
  });
  const input: ProcessorInput = {
    bucket: 'src',
    key,
    relativeKey: key.replace(/^in\//, ''),
    etag: 'etag1',
    size: data.length,
    open,
    async localFile() {
      const path = join(await tempDir(), 'input');
      await writeFile(path, data);
      return path;
    },
    async presignedUrl() {
      return `http://127.0.0.1/${key}`;
    },
  };
  const writeOutput = async (request: OutputRequest): Promise<WrittenOutput> => {
    const parts: Buffer[] = [];
    for await (const chunk of request.body) parts.push(Buffer.from(chunk));
    const body = Buffer.concat(parts);
    const output: CollectedOutput = {
      bucket: 'dst',
      key: request.key ?? `out/${key}`,
      bytes: body.length,
      body,
    };
    if (request.contentType !== undefined) output.contentType = request.contentType;
    outputs.push(output);
    return { bucket: output.bucket, key: output.key, bytes: output.bytes };
  };
  const context: ProcessorContext = {
    connection: 'test',
    destinationBucket: 'dst',
    outputKey: `out/${key}`,
    signal: abort.signal,
    writeOutput,
    copyInput: async () => undefined,
    tempDir,
    log: { debug() {}, info() {}, warn() {} },
  };
  return {
    input,
    context,
    outputs,
    tempDirs,
    abort,
    async dispose() {
      for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
    },
  };
}

function* chunks(data: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
