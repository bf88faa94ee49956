/**
 * What is done to each object: the `processor` block of a connection. One strict object per
 * processor type, joined on `type`.
 */
import { z } from 'zod';
import { durationSchema } from './schema-primitives.js';

const copyProcessor = z
  .strictObject({ type: z.literal('copy').describe('Copy each object unchanged.') })
  .describe('Copies each object unchanged.');

const compressProcessor = z
  .strictObject({
    type: z.enum(['gzip', 'brotli', 'deflate']).describe('Compression format of the output.'),
    level: z
      .number()
      .int()
      .min(0)
      .max(11)
      .optional()
      .describe("Compression level (gzip/deflate 1..9, brotli 0..11). Default: the library's default."),
  })
  .describe('Compresses each object.');

const execProcessor = z
  .strictObject({
    type: z.literal('exec'),
    command: z
      .union(
        [
          z.string().min(1),
          z.array(z.string()).min(1, 'the program and its arguments, e.g. ["sh", "-c", "sleep 1; cat"]'),
        ],
        {
          error: 'a program, or a list of strings: the program and its arguments (e.g. ["sh", "-c", "cat"])',
        },
      )
      .describe(
        'The program to run, or a list of the program and its arguments (`["sh", "-c", "cat"]`); the object is piped to its stdin, its stdout becomes the output.',
      ),
    args: z
      .array(z.string())
      .default([])
      .describe('Arguments passed to the program (no shell), after those in a `command` list.'),
    timeout: durationSchema({ minSec: 1 }).default('10m').describe('Kill the program after this long.'),
    outputSuffix: z.string().default('').describe('Appended to the output key, e.g. `.txt`.'),
  })
  .describe('Runs a program on each object.');

const videoProcessor = z
  .strictObject({
    type: z.literal('video'),
    codec: z.enum(['h264', 'h265', 'vp9', 'av1']).default('h264').describe('Output video codec.'),
    crf: z
      .number()
      .int()
      .min(0)
      .max(63)
      .optional()
      .describe('Constant rate factor (quality); mutually exclusive with bitrate.'),
    bitrate: z
      .string()
      .regex(/^\d+[kM]?$/, 'a bitrate such as 2M, 800k or 500000')
      .optional()
      .describe('Target bitrate such as `2M` or `800k`; mutually exclusive with crf.'),
    maxHeight: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Longest side in pixels; larger inputs are scaled down, smaller ones untouched.'),
    preset: z.string().default('medium').describe('ffmpeg speed preset.'),
    ffmpegPath: z.string().default('ffmpeg').describe('The ffmpeg binary.'),
    timeout: durationSchema({ minSec: 1 }).default('2h').describe('How long one ffmpeg run may take.'),
  })
  .describe('Optimises each video with ffmpeg.');

const collectSink = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('stdout') }).describe('One JSON record per line on stdout.'),
    z
      .strictObject({
        type: z.literal('file'),
        path: z.string().min(1).describe('File the records are appended to.'),
      })
      .describe('Append records to a local file.'),
    z
      .strictObject({
        type: z.literal('http'),
        url: z.url('an http(s) URL').describe('Endpoint records are POSTed to.'),
        batchSize: z.number().int().positive().default(500).describe('Records per POST.'),
        headers: z.record(z.string(), z.string()).default({}).describe('Extra HTTP headers.'),
      })
      .describe('POST records in batches to an HTTP endpoint.'),
    z.strictObject({ type: z.literal('destination') }).describe('Write records to the destination bucket.'),
  ])
  .describe('Where collected records go.');

const collectProcessor = z
  .strictObject({
    type: z.literal('collect'),
    format: z
      .enum(['lines', 'ndjson', 'json-array'])
      .default('lines')
      .describe('How an object splits into records.'),
    recordsField: z
      .string()
      .optional()
      .describe("For json-array: the field holding the array, e.g. CloudTrail's `Records`."),
    sink: collectSink.default({ type: 'stdout' }),
  })
  .describe('Splits each object into log records and sends them to a sink.');

const moduleProcessor = z
  .strictObject({
    type: z.literal('module'),
    path: z
      .string()
      .min(1)
      .describe('Path to an ES module (relative to the config file) whose default export is a Processor.'),
    options: z.record(z.string(), z.unknown()).default({}).describe("Passed to the module's factory."),
  })
  .describe('A user-written processor module.');

export const PROCESSOR_TYPES = [
  'copy',
  'gzip',
  'brotli',
  'deflate',
  'exec',
  'video',
  'collect',
  'module',
] as const;

export const processorSchema = z
  .discriminatedUnion('type', [
    copyProcessor,
    compressProcessor,
    execProcessor,
    videoProcessor,
    collectProcessor,
    moduleProcessor,
  ])
  .describe('What is done to each object.');
