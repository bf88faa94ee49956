import { request as httpRequest } from 'node:http';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { beforeEach, describe, expect, test } from 'vitest';
import { parseFaultSpec } from '../../../sandbox/faults/fault-spec.js';
import { startTestSandbox, uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';

const sandbox = useTestSandbox();
beforeEach(() => sandbox.setFaults(''));

async function outcome(send: () => Promise<unknown>): Promise<string> {
  try {
    await send();
    return 'ok';
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return `${e.name} ${e.$metadata?.httpStatusCode}`;
  }
}

describe('the --faults grammar', () => {
  test.each([
    [
      's3:GetObject=503@0.1,latency=50ms;sqs:*=throttle@0.05;seed=42',
      {
        seed: 42,
        rules: [
          {
            service: 's3',
            operation: 'GetObject',
            effects: [
              { type: 'error', kind: 'unavailable', rate: 0.1 },
              { type: 'latency', latencyMs: 50, rate: 1 },
            ],
          },
          { service: 'sqs', operation: '*', effects: [{ type: 'error', kind: 'throttle', rate: 0.05 }] },
        ],
      },
    ],
    [
      '*=internal@0.5',
      {
        seed: 0,
        rules: [{ service: '*', operation: '*', effects: [{ type: 'error', kind: 'internal', rate: 0.5 }] }],
      },
    ],
    [
      's3:GetObject=reset=1024,latency=2s@0.25',
      {
        seed: 0,
        rules: [
          {
            service: 's3',
            operation: 'GetObject',
            effects: [
              { type: 'reset', afterBytes: 1024, rate: 1 },
              { type: 'latency', latencyMs: 2000, rate: 0.25 },
            ],
          },
        ],
      },
    ],
    [
      'sqs:ReceiveMessage=duplicate@0.3',
      {
        seed: 0,
        rules: [{ service: 'sqs', operation: 'ReceiveMessage', effects: [{ type: 'duplicate', rate: 0.3 }] }],
      },
    ],
    ['', { seed: 0, rules: [] }],
  ])('"%s" parses', (text, expected) => {
    expect(parseFaultSpec(text)).toEqual(expected);
  });

  test.each([
    ['s3', 'fault rule "s3" needs TARGET=EFFECT (e.g. s3:GetObject=503@0.1)'],
    [
      'ec2=503',
      'fault target "ec2" must be SERVICE or SERVICE:OPERATION with SERVICE one of s3, sqs, sns, sts, iam, cloudformation or *',
    ],
    [
      's3:GetObject=404',
      'fault effect "404" (for s3:GetObject) must be one of throttle, slowdown, 503, internal, 500, latency=<N>ms, reset=<bytes>, duplicate, optionally followed by @RATE',
    ],
    [
      's3:GetObject=duplicate',
      'fault effect "duplicate" (for s3:GetObject) applies to sqs:ReceiveMessage only (e.g. sqs:ReceiveMessage=duplicate@0.3)',
    ],
    ['s3=503@1.5', 'fault rate in "503@1.5" (for s3) must be a number from 0 to 1, e.g. @0.05'],
    ['seed=abc', 'seed must be a non-negative integer, got "abc"'],
  ])('"%s" is refused: %s', (text, message) => {
    expect(() => parseFaultSpec(text)).toThrow(message);
  });
});

describe('injected errors carry the service’s own codes', () => {
  // One attempt each, so the injected error is what the call ends with.
  const config = () => ({ ...sandbox.sdkConfig(), maxAttempts: 1 });
  const listBuckets = () => new S3Client(config()).send(new ListBucketsCommand({}));
  const listQueues = () => new SQSClient(config()).send(new ListQueuesCommand({}));
  const getCallerIdentity = () => new STSClient(config()).send(new GetCallerIdentityCommand({}));

  test.each<[string, string, () => Promise<unknown>]>([
    ['s3=throttle', 'SlowDown 503', listBuckets],
    ['s3:ListBuckets=500', 'InternalError 500', listBuckets],
    ['sqs=throttle', 'RequestThrottled 400', listQueues],
    ['sts:GetCallerIdentity=throttle', 'Throttling 400', getCallerIdentity],
  ])('%s → %s', async (spec, expected, send) => {
    sandbox.setFaults(spec);
    expect(await outcome(send)).toBe(expected);
  });

  test('a rule for one operation leaves the others alone', async () => {
    sandbox.setFaults('s3:GetObject=503');
    expect(await outcome(listBuckets)).toBe('ok');
  });

  test('the SDK’s standard retries get through an occasional throttle', async () => {
    sandbox.setFaults('sqs:ListQueues=throttle@0.5;seed=3');
    const sqs = new SQSClient({ ...sandbox.sdkConfig(), maxAttempts: 10 });
    for (let i = 0; i < 5; i++) expect(await outcome(() => sqs.send(new ListQueuesCommand({})))).toBe('ok');
  });
});

describe('faults are deterministic under a seed', () => {
  async function pattern(spec: string): Promise<string> {
    const own = await startTestSandbox({ faults: spec });
    try {
      const s3 = new S3Client({ ...own.sdkConfig(), maxAttempts: 1 });
      let out = '';
      for (let i = 0; i < 40; i++)
        out += (await outcome(() => s3.send(new ListBucketsCommand({})))) === 'ok' ? '.' : 'x';
      return out;
    } finally {
      await own.close();
    }
  }

  test('two sandboxes with the same spec and seed fail the same requests; another seed fails others', async () => {
    const first = await pattern('s3=503@0.5;seed=42');
    expect(await pattern('s3=503@0.5;seed=42')).toBe(first);
    expect(first).toContain('x');
    expect(first).toContain('.');
    expect(await pattern('s3=503@0.5;seed=43')).not.toBe(first);
  });
});

describe('added latency', () => {
  test('latency=300ms delays the matching operation by at least that long', async () => {
    sandbox.setFaults('sqs:ListQueues=latency=300ms');
    const sqs = new SQSClient({ ...sandbox.sdkConfig(), maxAttempts: 1 });
    const started = performance.now();
    await sqs.send(new ListQueuesCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(299);
  });
});

describe('the admin endpoint', () => {
  const admin = (path: string, init?: RequestInit) => fetch(`${sandbox.endpoint}/__sandbox/${path}`, init);

  test('health answers ok', async () => {
    const res = await admin('health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('the SNS signing certificate named in SigningCertURL is served as PEM', async () => {
    const res = await admin('sns/signing-cert.pem');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n?$/);
  });

  test('POST /__sandbox/faults switches faults on and off while running', async () => {
    const s3 = new S3Client({ ...sandbox.sdkConfig(), maxAttempts: 1 });
    const on = await admin('faults', { method: 'POST', body: 's3:ListBuckets=503' });
    expect(await on.json()).toEqual({ faults: 's3:ListBuckets=503' });
    expect(await outcome(() => s3.send(new ListBucketsCommand({})))).toBe('SlowDown 503');
    expect(await (await admin('faults')).json()).toEqual({ faults: 's3:ListBuckets=503' });
    await admin('faults', { method: 'POST', body: '' });
    expect(await outcome(() => s3.send(new ListBucketsCommand({})))).toBe('ok');
  });

  test('GET /__sandbox/requests counts the requests per operation, faulted ones too; reset starts again', async () => {
    const s3 = new S3Client({ ...sandbox.sdkConfig(), maxAttempts: 1 });
    await admin('requests/reset', { method: 'POST' });
    sandbox.setFaults('s3:ListBuckets=503');
    await outcome(() => s3.send(new ListBucketsCommand({})));
    sandbox.setFaults('');
    await s3.send(new ListBucketsCommand({}));
    const sts = new STSClient(sandbox.sdkConfig());
    await sts.send(new GetCallerIdentityCommand({}));
    expect(await (await admin('requests')).json()).toEqual({
      requests: { 's3:ListBuckets': 2, 'sts:GetCallerIdentity': 1 },
    });
    const reset = await admin('requests/reset', { method: 'POST' });
    expect(await reset.json()).toEqual({ requests: { 's3:ListBuckets': 2, 'sts:GetCallerIdentity': 1 } });
    expect(await (await admin('requests')).json()).toEqual({ requests: {} });
  });

  test('a bad spec is refused with 400 and the rules in force stay', async () => {
    sandbox.setFaults('s3:GetObject=503');
    const res = await admin('faults', { method: 'POST', body: 's3=teapot' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error:
        'fault effect "teapot" (for s3) must be one of throttle, slowdown, 503, internal, 500, latency=<N>ms, reset=<bytes>, duplicate, optionally followed by @RATE',
    });
    expect(sandbox.server.faults()).toBe('s3:GetObject=503');
  });
});

describe('connections reset mid-body', () => {
  test('a GetObject with reset=1000 delivers 1,000 bytes then drops the connection', async () => {
    const s3 = new S3Client({ ...sandbox.sdkConfig(), maxAttempts: 1 });
    const bucket = uniqueName('reset');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: Buffer.alloc(1024 * 1024, 1) }));
    sandbox.setFaults('s3:GetObject=reset=1000');

    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'big' }), {
      expiresIn: 60,
    });
    const seen = await new Promise<{ bytes: number; error: string }>((resolve) => {
      let bytes = 0;
      const req = httpRequest(url, (res) => {
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('error', (error) => resolve({ bytes, error: error.message }));
        res.on('end', () => resolve({ bytes, error: 'none' }));
      });
      req.on('error', (error) => resolve({ bytes, error: error.message }));
      req.end();
    });
    expect(seen).toEqual({ bytes: 1000, error: 'aborted' });

    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big' }));
    await expect(response.Body!.transformToByteArray()).rejects.toThrow();
  });
});

describe('duplicate deliveries (SQS at-least-once)', () => {
  test('a received message comes back with the same MessageId after it was deleted, once', async () => {
    const sqs = new SQSClient(sandbox.sdkConfig('customer'));
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dup') }));
      const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
      sandbox.setFaults('sqs:ReceiveMessage=duplicate');
      const receive = () => sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 30 }));
      const first = (await receive()).Messages ?? [];
      expect(first.map((m) => [m.MessageId, m.Body])).toEqual([[MessageId, 'hello']]);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first[0]!.ReceiptHandle }));
      // The copy is delivered again although the original is deleted and still "in flight".
      const again = (await receive()).Messages ?? [];
      expect(again.map((m) => [m.MessageId, m.Body])).toEqual([[MessageId, 'hello']]);
      expect(again[0]!.ReceiptHandle).not.toBe(first[0]!.ReceiptHandle);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again[0]!.ReceiptHandle }));
      // A copy leaves no copy of its own: the queue is empty now.
      expect((await receive()).Messages ?? []).toEqual([]);
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
    } finally {
      sqs.destroy();
    }
  });
});
