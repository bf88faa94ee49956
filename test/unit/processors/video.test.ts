import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessorError } from '../../../src/processors/processor-error.js';
import {
  createVideoProcessor,
  ffmpegArgs,
  type VideoProcessorOptions,
} from '../../../src/processors/video.js';
import { topLevelBoxes } from '../../fixtures/mp4-boxes.js';
import { testClip, videoHeight } from '../../fixtures/test-video.js';
import { fakeObject } from './fake-object.js';

const base: VideoProcessorOptions = {
  codec: 'h264',
  preset: 'medium',
  ffmpegPath: 'ffmpeg',
  timeoutMs: 60_000,
};

describe('ffmpeg arguments for a preset', () => {
  it.each([
    ['h264 with the default CRF', {}, ['-c:v', 'libx264', '-crf', '23', '-preset', 'medium']],
    ['h265 with its CRF', { codec: 'h265' as const, crf: 30 }, ['-c:v', 'libx265', '-crf', '30']],
    ['h265 tagged for Apple players', { codec: 'h265' as const }, ['-tag:v', 'hvc1']],
    ['a target bitrate instead of CRF', { bitrate: '800k' }, ['-b:v', '800k']],
    ['vp9 constant quality', { codec: 'vp9' as const }, ['-c:v', 'libvpx-vp9', '-crf', '31', '-b:v', '0']],
    ['a height cap that never scales up', { maxHeight: 720 }, ['-vf', "scale=-2:'min(ih,720)'"]],
  ])('%s', (_name, preset, expected) => {
    const args = ffmpegArgs({ ...base, ...preset }, '/in', '/out.mp4');
    const joined = args.join(' ');
    expect(joined).toContain(expected.join(' '));
    expect(joined.endsWith('-movflags +faststart -f mp4 /out.mp4')).toBe(true);
    if ('bitrate' in preset) expect(args).not.toContain('-crf');
  });
});

describe('the video processor', () => {
  let dir: string;
  let slowStart: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bb-video-'));
    slowStart = testClip(dir, 'duration=1:size=320x240:rate=15');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('optimises an MP4 whose index is at the end into one with the index first, scaled down, reporting the saving', async () => {
    const boxes = topLevelBoxes(slowStart);
    expect(boxes.indexOf('moov')).toBeGreaterThan(boxes.indexOf('mdat'));
    const fake = fakeObject(slowStart, 'in/clip.mp4');
    try {
      const result = await createVideoProcessor({
        ...base,
        maxHeight: 120,
        crf: 35,
        preset: 'ultrafast',
      }).process(fake.input, fake.context);
      const [output] = fake.outputs;
      expect(output!.contentType).toBe('video/mp4');
      const outBoxes = topLevelBoxes(output!.body);
      expect(outBoxes.indexOf('moov')).toBeLessThan(outBoxes.indexOf('mdat'));
      expect(videoHeight(output!.body, dir)).toBe('120');
      expect(result?.details).toEqual({
        inputBytes: slowStart.length,
        outputBytes: output!.bytes,
        savingBytes: slowStart.length - output!.bytes,
        savingPercent: Math.round(((slowStart.length - output!.bytes) / slowStart.length) * 1000) / 10,
      });
    } finally {
      await fake.dispose();
    }
  });

  it("fails an object that is not a video with ffmpeg's own explanation", async () => {
    const fake = fakeObject('definitely not a video', 'in/notes.mp4');
    try {
      const error = await createVideoProcessor(base)
        .process(fake.input, fake.context)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProcessorError);
      expect((error as Error).message).toMatch(
        /^video: .*ffmpeg exited with code \d+; stderr: .*Invalid data found/s,
      );
      expect(fake.outputs).toEqual([]);
    } finally {
      await fake.dispose();
    }
  });
});
