/**
 * `video`: optimises a video with ffmpeg (Debian's package). The input is downloaded to a temporary
 * file so that MP4s whose index (moov atom) is at the end can be read (ffmpeg must seek); the output
 * is an MP4 with its index at the front (`+faststart`), uploaded with multipart. Temporary files
 * are removed on every path: the pipeline disposes of the attempt's directory, failures included.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Processor } from './processor.js';
import { runCommand } from './run-command.js';

export type VideoCodec = 'h264' | 'h265' | 'vp9' | 'av1';

export interface VideoProcessorOptions {
  codec: VideoCodec;
  /** Constant rate factor; default per codec (h264 23, h265 28, vp9 31, av1 30) when no bitrate is set. */
  crf?: number;
  /** Target video bitrate such as `2M` or `800k`; used instead of crf. */
  bitrate?: string;
  /** Outputs are at most this many pixels high (aspect ratio kept); smaller inputs are not scaled up. */
  maxHeight?: number;
  /** x264/x265 speed preset, e.g. `medium`, `veryfast`. */
  preset: string;
  /** The ffmpeg binary. Default `ffmpeg`. */
  ffmpegPath: string;
  /** Kill ffmpeg after this many milliseconds. */
  timeoutMs: number;
}

const ENCODERS: Record<VideoCodec, { encoder: string; defaultCrf: number; extra: string[] }> = {
  h264: { encoder: 'libx264', defaultCrf: 23, extra: ['-pix_fmt', 'yuv420p'] },
  // hvc1 is the tag Apple players require for HEVC in MP4.
  h265: { encoder: 'libx265', defaultCrf: 28, extra: ['-pix_fmt', 'yuv420p', '-tag:v', 'hvc1'] },
  vp9: { encoder: 'libvpx-vp9', defaultCrf: 31, extra: ['-row-mt', '1'] },
  av1: { encoder: 'libaom-av1', defaultCrf: 30, extra: ['-cpu-used', '6', '-row-mt', '1'] },
};

/** The ffmpeg arguments for a preset (exported for tests and for `--dry-run` explanations). */
export function ffmpegArgs(options: VideoProcessorOptions, inputPath: string, outputPath: string): string[] {
  const { encoder, defaultCrf, extra } = ENCODERS[options.codec];
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', inputPath, '-map', '0:v:0'];
  args.push('-map', '0:a?', '-c:v', encoder);
  if (options.bitrate !== undefined) {
    args.push('-b:v', options.bitrate);
  } else {
    args.push('-crf', String(options.crf ?? defaultCrf));
    // libvpx-vp9 and libaom-av1 use constant quality only with a zero target bitrate.
    if (options.codec === 'vp9' || options.codec === 'av1') args.push('-b:v', '0');
  }
  if (options.codec === 'h264' || options.codec === 'h265') args.push('-preset', options.preset);
  args.push(...extra);
  if (options.maxHeight !== undefined) {
    // -2 keeps the width even (required by yuv420p encoders) and the aspect ratio.
    args.push('-vf', `scale=-2:'min(ih,${options.maxHeight})'`);
  }
  args.push('-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', '-f', 'mp4', outputPath);
  return args;
}

export function createVideoProcessor(options: VideoProcessorOptions): Processor {
  return {
    name: 'video',
    async process(input, context) {
      const inputPath = await input.localFile();
      const outputPath = join(await context.tempDir(), 'output.mp4');
      const running = runCommand({
        command: options.ffmpegPath,
        args: ffmpegArgs(options, inputPath, outputPath),
        timeoutMs: options.timeoutMs,
        signal: context.signal,
        label: 'video',
      });
      // ffmpeg writes to a file; its stdout only carries the exit status, which `finished` reports.
      running.stdout.on('error', () => undefined).resume();
      await running.finished;
      const inputBytes = (await stat(inputPath)).size;
      const written = await context.writeOutput({
        body: createReadStream(outputPath),
        contentType: 'video/mp4',
      });
      const savingBytes = inputBytes - written.bytes;
      const savingPercent = inputBytes > 0 ? Math.round((savingBytes / inputBytes) * 1000) / 10 : 0;
      context.log.info(
        { key: input.key, inputBytes, outputBytes: written.bytes, savingBytes, savingPercent },
        'video optimised',
      );
      return { details: { inputBytes, outputBytes: written.bytes, savingBytes, savingPercent } };
    },
  };
}
