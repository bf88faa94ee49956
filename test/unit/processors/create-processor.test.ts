import { describe, expect, it } from 'vitest';
import type { ProcessorSettings } from '../../../src/config/resolved-config.js';
import { createProcessor } from '../../../src/processors/create-processor.js';
import { ProcessorSetupError } from '../../../src/processors/processor-setup-error.js';
import { fakeObject } from './fake-object.js';

const environment = { configDir: '/etc/bucketbridge', log: { debug() {}, info() {}, warn() {} } };

describe('building the configured processor', () => {
  it.each([
    [{ type: 'copy' }, 'copy'],
    [{ type: 'gzip' }, 'gzip'],
    [{ type: 'brotli', level: 5 }, 'brotli'],
    [{ type: 'exec', command: 'cat', args: [], timeoutMs: 60_000, outputSuffix: '' }, 'exec'],
    [{ type: 'video', codec: 'h264', preset: 'fast', ffmpegPath: 'ffmpeg', timeout: '2h' }, 'video'],
    [{ type: 'collect', format: 'lines', sink: { type: 'stdout' } }, 'collect'],
  ] as Array<[ProcessorSettings, string]>)('builds %j', async (settings, name) => {
    expect((await createProcessor(settings, environment)).name).toBe(name);
  });

  it('runs a command list as the program and its arguments, then any args', async () => {
    const processor = await createProcessor(
      {
        type: 'exec',
        command: ['sh', '-c', 'cat; echo "$0"'],
        args: ['after'],
        timeoutMs: 60_000,
        outputSuffix: '',
      },
      environment,
    );
    const object = fakeObject('body\n');
    try {
      await processor.process(object.input, object.context);
      expect(object.outputs.map((o) => o.body.toString())).toEqual(['body\nafter\n']);
    } finally {
      await object.dispose();
    }
  });

  it.each([
    [
      { type: 'exec', command: ['no-such-tool-here', '-x'], args: [], timeoutMs: 60_000, outputSuffix: '' },
      'processor.command[0]: the program "no-such-tool-here" was not found (install it or give its full path)',
    ],
    [
      { type: 'exec', command: 'no-such-tool-here', args: [], timeoutMs: 60_000, outputSuffix: '' },
      'processor.command: the program "no-such-tool-here" was not found (install it or give its full path)',
    ],
    [
      { type: 'exec', command: './bin/tool', args: [], timeoutMs: 60_000, outputSuffix: '' },
      'processor.command: the program "./bin/tool" was not found (check the path)',
    ],
    [
      {
        type: 'video',
        codec: 'h264',
        preset: 'fast',
        ffmpegPath: '/opt/ffmpeg/bin/ffmpeg',
        timeoutMs: 7_200_000,
      },
      'processor.ffmpegPath: the program "/opt/ffmpeg/bin/ffmpeg" was not found (check the path)',
    ],
  ] as Array<[ProcessorSettings, string]>)(
    'refuses %j before touching any object',
    async (settings, message) => {
      const error = await createProcessor(settings, environment).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProcessorSetupError);
      expect((error as Error).message).toBe(message);
    },
  );
});
