import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, test } from 'vitest';
import { BIN, runCli } from '../../helpers/run-cli.js';
import { uniqueName } from '../../helpers/sandbox.js';

interface Ready {
  endpoint: string;
  region: string;
  accounts: Array<{ name: string; id: string; accessKeyId: string; secretAccessKey: string }>;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  ready: Ready;
  /** Every stdout line the process printed, including the ready line. */
  lines: string[];
  stderr: () => string;
}

const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts `bucketbridge sandbox ARGS` and resolves with its ready line (bounded by 20 s). */
async function startProcess(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { stdio: 'pipe' });
  children.push(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  const first = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line after 20 s; stderr: ${stderr}`)), 20_000);
    reader.on('line', (line) => {
      lines.push(line);
      if (lines.length === 1) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready; stderr: ${stderr}`)));
  });
  const ready = JSON.parse(await first) as Ready;
  return { child, ready, lines, stderr: () => stderr };
}

async function stop(running: Running): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const exited = once(running.child, 'exit');
  running.child.kill('SIGTERM');
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

function clientConfig(ready: Ready, name: string) {
  const account = ready.accounts.find((a) => a.name === name)!;
  return {
    endpoint: ready.endpoint,
    region: ready.region,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
  };
}

describe('bucketbridge sandbox as a process', () => {
  test('prints exactly one JSON line with the endpoint, region and account keys, and stops cleanly on SIGTERM', async () => {
    const running = await startProcess(['--port', '0', '--accounts', 'partner=333333333333']);
    expect(running.ready.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.ready.region).toBe('us-east-1');
    expect(running.ready.accounts).toEqual([
      {
        name: 'vendor',
        id: '111111111111',
        accessKeyId: 'AKIA111111111111ROOT',
        secretAccessKey: expect.stringMatching(/^.{40}$/),
      },
      {
        name: 'customer',
        id: '222222222222',
        accessKeyId: 'AKIA222222222222ROOT',
        secretAccessKey: expect.stringMatching(/^.{40}$/),
      },
      {
        name: 'partner',
        id: '333333333333',
        accessKeyId: 'AKIA333333333333ROOT',
        secretAccessKey: expect.stringMatching(/^.{40}$/),
      },
    ]);
    const health = await fetch(`${running.ready.endpoint}/__sandbox/health`);
    expect(await health.json()).toEqual({ status: 'ok' });

    expect(await stop(running)).toEqual({ code: 0, signal: null });
    expect(running.lines).toHaveLength(1);
  });

  test('SIGTERM during a 20-second SQS long poll still stops the process at once, with exit code 0', async () => {
    const running = await startProcess([]);
    const sqs = new SQSClient(clientConfig(running.ready, 'customer'));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'long-poll' }));
    const poll = sqs
      .send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }))
      .catch((error: Error) => error);
    // The poll is under way once the server has it; a health check after it proves ordering.
    await fetch(`${running.ready.endpoint}/__sandbox/health`);
    const exited = once(running.child, 'exit');
    running.child.kill('SIGTERM');
    const bound = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('still running 10 s after SIGTERM')), 10_000),
    );
    const [code] = (await Promise.race([exited, bound])) as [number | null];
    expect(code).toBe(0);
    await poll;
  });

  test.each([
    [['--port', 'abc'], 'sandbox: --port must be an integer from 0 to 65535, got "abc"'],
    [
      ['--faults', 's3=teapot'],
      'sandbox: fault effect "teapot" (for s3) must be one of throttle, slowdown, 503, internal, 500, latency=<N>ms, reset=<bytes>, duplicate, optionally followed by @RATE',
    ],
    [['--accounts', 'partner=12'], 'sandbox: account "partner" needs a 12-digit id, got "12"'],
    [['--accounts', 'vendor=333333333333'], 'sandbox: account name "vendor" is used twice'],
  ])('bad flags %j exit 2 with a message naming the flag', async (args, message) => {
    const result = await runCli(['sandbox', ...args], { timeoutMs: 20_000 });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(message);
  });

  test('with --state, buckets, objects and queued messages survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-sandbox-state-'));
    dirs.push(dir);
    const bucket = uniqueName('state');
    const first = await startProcess(['--state', dir]);
    const s3 = new S3Client(clientConfig(first.ready, 'customer'));
    const sqs = new SQSClient(clientConfig(first.ready, 'customer'));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept.txt', Body: 'still here' }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'kept-queue' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'queued before restart' }));
    expect((await stop(first)).code).toBe(0);

    const second = await startProcess(['--state', dir]);
    const s3Again = new S3Client(clientConfig(second.ready, 'customer'));
    const sqsAgain = new SQSClient(clientConfig(second.ready, 'customer'));
    const object = await s3Again.send(new GetObjectCommand({ Bucket: bucket, Key: 'kept.txt' }));
    expect(await object.Body!.transformToString()).toBe('still here');
    const queueUrl = QueueUrl!.replace(first.ready.endpoint, second.ready.endpoint);
    const received = await sqsAgain.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
    );
    expect(received.Messages?.map((m) => m.Body)).toEqual(['queued before restart']);
    expect((await stop(second)).code).toBe(0);
  });
});
