/**
 * The files the demo uploads to the customer's source bucket: text files whose keys need care
 * (spaces, `+`, `%`, unicode), application logs (plain and multi-member gzip), a CloudTrail-shaped
 * log, and, when ffmpeg is installed, a few seconds of test video with its index at the end.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const run = promisify(execFile);

export interface SampleObject {
  key: string;
  body: Buffer;
  contentType: string;
}

function logLines(service: string, count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(Date.UTC(2026, 10, 23, 12, 0, i)).toISOString();
    lines.push(`${at} ${service} INFO request ${i} served in ${(i * 7) % 113} ms`);
  }
  return `${lines.join('\n')}\n`;
}

function cloudTrailLog(count: number): string {
  const records = Array.from({ length: count }, (_, i) => ({
    eventVersion: '1.08',
    eventTime: new Date(Date.UTC(2026, 10, 23, 12, i)).toISOString(),
    eventSource: 's3.amazonaws.com',
    eventName: i % 2 === 0 ? 'GetObject' : 'PutObject',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.10',
    userIdentity: { type: 'AssumedRole', accountId: '222222222222' },
    requestParameters: { bucketName: 'demo', key: `file-${i}` },
  }));
  return JSON.stringify({ Records: records });
}

/** The text and log samples (always available). */
export function textSamples(): SampleObject[] {
  const text = (key: string, body: string): SampleObject => ({
    key,
    body: Buffer.from(body),
    contentType: 'text/plain',
  });
  // Two gzip members in one object, as log shippers that append write them.
  const multiMember = Buffer.concat([gzipSync(logLines('api', 40)), gzipSync(logLines('api', 25))]);
  return [
    text('incoming/hello world.txt', 'hello from the customer bucket\n'),
    text('incoming/c++ notes.txt', 'keys with plus signs survive the round trip\n'),
    text('incoming/100% sure.txt', 'and so do percent signs\n'),
    text('incoming/日本語/レポート.txt', 'unicode keys too\n'),
    text('incoming/reports/2026-11-23.csv', 'day,requests\n2026-11-23,1234\n'),
    text('logs/app/web-1.log', logLines('web', 120)),
    { key: 'logs/app/api-1.log.gz', body: multiMember, contentType: 'application/gzip' },
    {
      key: 'logs/cloudtrail/trail-1.json',
      body: Buffer.from(cloudTrailLog(30)),
      contentType: 'application/json',
    },
  ];
}

/** Files the customer uploads while a live connection follows its queue. */
export function liveSamples(prefix: string): SampleObject[] {
  return [
    { key: `${prefix}first.txt`, body: Buffer.from('arrived while live\n'), contentType: 'text/plain' },
    { key: `${prefix}second report.csv`, body: Buffer.from('a,b\n1,2\n'), contentType: 'text/csv' },
    { key: `${prefix}ünïcode+plus.log`, body: Buffer.from('x\n'.repeat(100)), contentType: 'text/plain' },
  ];
}

/** True when an ffmpeg binary answers on PATH. */
export async function hasFfmpeg(): Promise<boolean> {
  try {
    await run('ffmpeg', ['-hide_banner', '-version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Three seconds of ffmpeg's test pattern at 640x360 in an MP4 written without +faststart, so the
 * index (moov) is at the end: the video processor must read it seekably.
 */
export async function videoSample(workDir: string): Promise<SampleObject> {
  const path = join(workDir, 'testsrc.mp4');
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=duration=3:size=640x360:rate=25',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '10',
    '-pix_fmt',
    'yuv420p',
    '-y',
    path,
  ]);
  return { key: 'video/testsrc.mp4', body: await readFile(path), contentType: 'video/mp4' };
}
