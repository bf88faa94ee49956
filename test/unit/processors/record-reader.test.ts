import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type ReadRecordsOptions, readRecords } from '../../../src/processors/collect/record-reader.js';
import { ProcessorError } from '../../../src/processors/processor-error.js';

function stream(data: Buffer | string, chunkSize = 5): Readable {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const parts: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += chunkSize) parts.push(buffer.subarray(i, i + chunkSize));
  return Readable.from(parts);
}

async function records(data: Buffer | string, options: Partial<ReadRecordsOptions>) {
  const out: Array<{ line: number; record: unknown }> = [];
  for await (const r of readRecords(stream(data), { format: 'lines', source: 's3://b/k', ...options }))
    out.push(r);
  return out;
}

const cloudTrail = JSON.stringify({
  Records: [
    { eventName: 'GetObject', eventSource: 's3.amazonaws.com', nested: { Records: ['not these'] } },
    { eventName: 'PutObject', eventSource: 's3.amazonaws.com' },
    { eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com' },
  ],
  Other: [1, 2],
});

describe('splitting objects into records', () => {
  const table: Array<
    [string, Buffer | string, Partial<ReadRecordsOptions>, Array<{ line: number; record: unknown }>]
  > = [
    [
      'plain lines, blank ones skipped',
      'a\n\nb\r\nc',
      {},
      [
        { line: 1, record: 'a' },
        { line: 3, record: 'b' },
        { line: 4, record: 'c' },
      ],
    ],
    [
      'gzip lines',
      gzipSync('one\ntwo\n'),
      {},
      [
        { line: 1, record: 'one' },
        { line: 2, record: 'two' },
      ],
    ],
    [
      'multi-member gzip (concatenated members, as log rotators write)',
      Buffer.concat([gzipSync('m1-a\nm1-b\n'), gzipSync('m2-a\n'), gzipSync('m3-a\n')]),
      {},
      [
        { line: 1, record: 'm1-a' },
        { line: 2, record: 'm1-b' },
        { line: 3, record: 'm2-a' },
        { line: 4, record: 'm3-a' },
      ],
    ],
    [
      'NDJSON',
      '{"a":1}\n\n{"b":[2]}\n',
      { format: 'ndjson' },
      [
        { line: 1, record: { a: 1 } },
        { line: 3, record: { b: [2] } },
      ],
    ],
    [
      'a top-level JSON array',
      '[{"a":1}, "two", 3]',
      { format: 'json-array' },
      [
        { line: 1, record: { a: 1 } },
        { line: 2, record: 'two' },
        { line: 3, record: 3 },
      ],
    ],
    [
      "CloudTrail's Records field, gzipped",
      gzipSync(cloudTrail),
      { format: 'json-array', recordsField: 'Records' },
      [
        {
          line: 1,
          record: {
            eventName: 'GetObject',
            eventSource: 's3.amazonaws.com',
            nested: { Records: ['not these'] },
          },
        },
        { line: 2, record: { eventName: 'PutObject', eventSource: 's3.amazonaws.com' } },
        { line: 3, record: { eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com' } },
      ],
    ],
    ['an empty object', '', {}, []],
    ['an empty gzip object', gzipSync(''), { format: 'ndjson' }, []],
    [
      'a JSON document without the records field',
      '{"Other":[1]}',
      { format: 'json-array', recordsField: 'Records' },
      [],
    ],
  ];

  it.each(table)('reads %s', async (_name, data, options, expected) => {
    expect(await records(data, options)).toEqual(expected);
  });

  it.each([
    [
      'a line of NDJSON that does not parse',
      '{"a":1}\n{broken\n',
      { format: 'ndjson' as const },
      /^Line 2 of s3:\/\/b\/k is not JSON: /,
    ],
    [
      'a JSON array document that does not parse',
      '[{"a":1}, {oops',
      { format: 'json-array' as const },
      /^s3:\/\/b\/k is not a JSON array: /,
    ],
    [
      'a Records document that does not parse',
      '{"Records": [1, }',
      { format: 'json-array' as const, recordsField: 'Records' },
      /^s3:\/\/b\/k is not a JSON object with a "Records" array: /,
    ],
  ])('fails the object for %s', async (_name, data, options, message) => {
    const error = await records(data, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessorError);
    expect((error as Error).message).toMatch(message);
  });

  it('fails the object for a corrupt gzip stream', async () => {
    const corrupt = Buffer.concat([gzipSync('fine\n').subarray(0, 12), Buffer.from('garbage-garbage')]);
    await expect(records(corrupt, {})).rejects.toThrow();
  });
});
