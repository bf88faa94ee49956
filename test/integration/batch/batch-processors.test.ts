import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { topLevelBoxes } from '../../fixtures/mp4-boxes.js';
import { testClip, videoHeight } from '../../fixtures/test-video.js';
import { useTestSandbox } from '../../helpers/sandbox.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';
import { type BatchWorld, createBatchWorld } from './batch-world.js';

const sandbox = useTestSandbox();
const scratch = useTempFolder('bb-batch-proc-');

describe('processors on the sandbox', () => {
  let world: BatchWorld;
  afterEach(() => world.close());

  it('optimises an MP4 with its index at the end into a smaller, fast-start MP4 under the template key', async () => {
    const original = testClip(scratch, 'duration=2:size=640x480:rate=25', ['-qp', '10']);
    const boxes = topLevelBoxes(original);
    expect(boxes.indexOf('moov')).toBeGreaterThan(boxes.indexOf('mdat'));
    world = await createBatchWorld(sandbox, {
      processor: { type: 'video', codec: 'h264', crf: 30, preset: 'veryfast', maxHeight: 240 },
      keyTemplate: '{dir}{stem}.mp4',
    });
    await world.put('in/clips/slow.mov', original, 'video/quicktime');
    const report = await world.run();
    expect(report).toMatchObject({ processed: 1, failed: 0, bytesIn: original.length });
    const { body, response } = await world.get(world.destinationBucket, 'out/clips/slow.mp4');
    expect(response.ContentType).toBe('video/mp4');
    expect(body.length).toBeLessThan(original.length);
    expect(report.bytesOut).toBe(body.length);
    const outBoxes = topLevelBoxes(body);
    expect(outBoxes.indexOf('moov')).toBeLessThan(outBoxes.indexOf('mdat'));
    expect(videoHeight(body, scratch)).toBe('240');
  });

  it('collects CloudTrail-shaped and multi-member gzip logs to an HTTP sink, every record exactly once', async () => {
    const received: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (c: string) => {
        body += c;
      });
      request.on('end', () => {
        received.push(...body.trim().split('\n'));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bulk`;
      world = await createBatchWorld(sandbox, {
        processor: {
          type: 'collect',
          format: 'json-array',
          recordsField: 'Records',
          sink: { type: 'http', url, batchSize: 7 },
        },
        concurrency: 4,
      });
      const expected = new Set<string>();
      for (let file = 0; file < 5; file++) {
        const records = Array.from({ length: 20 }, (_, i) => ({
          eventID: `f${file}-r${i}`,
          eventName: 'GetObject',
        }));
        const key = `in/AWSLogs/222222222222/CloudTrail/us-east-1/file-${file}.json.gz`;
        // Files 0 and 1 are written as several gzip members, as some log shippers do.
        const json = JSON.stringify({ Records: records });
        const body =
          file < 2
            ? Buffer.concat([
                gzipSync(json.slice(0, 100)),
                gzipSync(json.slice(100, 500)),
                gzipSync(json.slice(500)),
              ])
            : gzipSync(json);
        await world.put(key, body, 'application/json');
        for (const [i, r] of records.entries()) expected.add(`${key}#${i + 1}#${r.eventID}`);
      }
      const report = await world.run();
      expect(report).toMatchObject({ processed: 5, failed: 0 });
      const seen = received.map((line) => {
        const tagged = JSON.parse(line) as {
          bucket: string;
          key: string;
          line: number;
          record: { eventID: string };
        };
        expect(tagged.bucket).toBe(world.sourceBucket);
        return `${tagged.key}#${tagged.line}#${tagged.record.eventID}`;
      });
      expect(seen).toHaveLength(100);
      expect(new Set(seen)).toEqual(expected);
      // Nothing is sent again on a re-run.
      await world.run();
      expect(received).toHaveLength(100);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("fails an object whose command exits non-zero with the command's stderr, and writes no output for it", async () => {
    world = await createBatchWorld(sandbox, {
      processor: {
        type: 'exec',
        command: 'sh',
        args: [
          '-c',
          'data=$(cat); case "$data" in *bad*) echo "cannot handle: $data" >&2; exit 4;; esac; printf "%s" "$data" | rev',
        ],
        outputSuffix: '.rev',
      },
    });
    await world.put('in/good.txt', 'abc');
    await world.put('in/bad.txt', 'bad input');
    const report = await world.run();
    expect(report).toMatchObject({ processed: 1, failed: 1 });
    expect(report.failures[0]).toMatchObject({
      key: 'in/bad.txt',
      reason: 'exec: sh exited with code 4; stderr: cannot handle: bad input',
    });
    expect(await world.listKeys(world.destinationBucket)).toEqual(['out/good.txt.rev']);
    expect((await world.get(world.destinationBucket, 'out/good.txt.rev')).body.toString()).toBe('cba');
  });
});
