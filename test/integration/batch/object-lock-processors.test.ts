import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { HeadObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testClip } from '../../fixtures/test-video.js';
import { useTestSandbox } from '../../helpers/sandbox.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';
import { runAwsCli } from '../../helpers/witnesses.js';
import { type BatchWorld, createBatchWorld } from './batch-world.js';

const sandbox = useTestSandbox();
const scratch = useTempFolder('bb-object-lock-');
let clip: Buffer;
beforeAll(() => {
  clip = testClip(scratch, 'duration=1:size=160x120:rate=10');
});

interface Case {
  processor: Record<string, unknown>;
  input: { key: string; body: () => Buffer };
  output: string;
}

const text = () => Buffer.from('alice@example.com wrote a line\n'.repeat(200));
// Random bytes do not compress: the gzip output stays above the 5 MiB part size and goes up in parts.
const large = () => randomBytes(6 * 1024 * 1024);

const cases: Array<[string, Case]> = [
  ['copy', { processor: { type: 'copy' }, input: { key: 'in/a.txt', body: text }, output: 'out/a.txt' }],
  ['gzip', { processor: { type: 'gzip' }, input: { key: 'in/a.txt', body: text }, output: 'out/a.txt.gz' }],
  [
    'gzip of a large object (multipart upload)',
    { processor: { type: 'gzip' }, input: { key: 'in/big.bin', body: large }, output: 'out/big.bin.gz' },
  ],
  [
    'brotli',
    { processor: { type: 'brotli' }, input: { key: 'in/a.txt', body: text }, output: 'out/a.txt.br' },
  ],
  [
    'exec',
    {
      processor: { type: 'exec', command: ['tr', 'a-z', 'A-Z'] },
      input: { key: 'in/a.txt', body: text },
      output: 'out/a.txt',
    },
  ],
  [
    'video',
    {
      processor: { type: 'video', codec: 'h264', crf: 35, preset: 'ultrafast', maxHeight: 120 },
      input: { key: 'in/clip.mp4', body: () => clip },
      output: 'out/clip.mp4',
    },
  ],
  [
    'collect to the destination',
    {
      processor: { type: 'collect', format: 'lines', sink: { type: 'destination' } },
      input: { key: 'in/a.log', body: text },
      output: 'out/a.log',
    },
  ],
  [
    'a processor module',
    {
      processor: { type: 'module', path: resolve('examples/processors/redact-emails.mjs') },
      input: { key: 'in/a.txt', body: text },
      output: 'out/a.txt',
    },
  ],
];

describe('every processor into an Object Lock destination', () => {
  let world: BatchWorld;
  afterEach(() => world.close());

  it.each(cases)('%s: the output is accepted, with its checksum, under the retention', async (_name, c) => {
    world = await createBatchWorld(sandbox, { processor: c.processor, objectLockDestination: true });
    await world.put(c.input.key, c.input.body());
    const report = await world.run();
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ processed: 1, failed: 0 });

    const outputs = await world.listKeys(world.destinationBucket);
    expect(outputs.length).toBeGreaterThan(0);
    for (const key of outputs) {
      expect(key.startsWith(c.output.replace(/\.[^./]+$/, ''))).toBe(true);
      const head = await world.s3.send(
        new HeadObjectCommand({ Bucket: world.destinationBucket, Key: key, ChecksumMode: 'ENABLED' }),
      );
      const checksum =
        head.ChecksumCRC32 ?? head.ChecksumCRC32C ?? head.ChecksumCRC64NVME ?? head.ChecksumSHA256;
      expect(checksum, `${key} carries a checksum`).toBeTruthy();
      expect(head.ObjectLockMode).toBe('GOVERNANCE');
      expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now());
    }
    const versions = await world.s3.send(new ListObjectVersionsCommand({ Bucket: world.destinationBucket }));
    expect(versions.Versions?.length).toBe(outputs.length);
  });

  it('the AWS CLI, as the customer, reads the checksum and the retention of an output', async () => {
    world = await createBatchWorld(sandbox, { processor: { type: 'gzip' }, objectLockDestination: true });
    await world.put('in/a.txt', text());
    expect(await world.run()).toMatchObject({ processed: 1, failed: 0 });
    const cli = await runAwsCli(
      'v2',
      [
        ...['s3api', 'head-object', '--bucket', world.destinationBucket, '--key', 'out/a.txt.gz'],
        ...['--checksum-mode', 'ENABLED'],
      ],
      sandbox,
      'customer',
    );
    expect(cli.stderr).toBe('');
    const head = JSON.parse(cli.stdout);
    expect(head.ObjectLockMode).toBe('GOVERNANCE');
    expect(Object.keys(head).some((k) => k.startsWith('Checksum'))).toBe(true);
  });
});
