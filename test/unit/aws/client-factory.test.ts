import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientConfig, createClient } from '../../../src/aws/client-factory.js';

const CREDENTIALS = {
  accessKeyId: 'AKIATEST000000000001',
  secretAccessKey: 'testSecrettestSecrettestSecrettestSecret',
};

const CODES: Record<number, string> = { 500: 'InternalError', 503: 'SlowDown' };

/** A local HTTP endpoint that answers from a script and records what it saw. */
class FakeEndpoint {
  readonly requests: Array<{ method: string; url: string; host: string; authorization: string }> = [];
  connections = 0;
  /** Status codes to answer with, in order; 200 once exhausted. */
  statuses: number[] = [];
  private server: Server = createServer((req: IncomingMessage, res) => {
    this.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      host: req.headers.host ?? '',
      authorization: String(req.headers.authorization ?? ''),
    });
    req.resume();
    req.on('end', () => {
      const status = this.statuses.shift() ?? 200;
      if (status === 200) {
        res.writeHead(200, { 'content-type': 'text/plain', etag: '"abc"' }).end('hello');
      } else {
        res
          .writeHead(status, { 'content-type': 'application/xml' })
          .end(
            `<?xml version="1.0"?><Error><Code>${CODES[status] ?? 'InternalError'}</Code><Message>test</Message></Error>`,
          );
      }
    });
  });

  async start(): Promise<string> {
    this.server.on('connection', () => {
      this.connections += 1;
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

describe('createClient', () => {
  let endpoint: FakeEndpoint;
  let url: string;
  beforeEach(async () => {
    endpoint = new FakeEndpoint();
    url = await endpoint.start();
  });
  afterEach(async () => {
    await endpoint.stop();
  });

  it('sends S3 requests to the endpoint override with the bucket in the path, signed for the given region', async () => {
    const s3 = createClient(S3Client, {
      settings: { region: 'us-east-1', endpoint: url, maxAttempts: 1 },
      region: 'eu-central-1',
      credentials: CREDENTIALS,
    });
    const out = await s3.send(new GetObjectCommand({ Bucket: 'acme-src', Key: 'incoming/a.txt' }));
    await expect(out.Body?.transformToString()).resolves.toBe('hello');
    expect(endpoint.requests[0]).toMatchObject({
      method: 'GET',
      url: '/acme-src/incoming/a.txt?x-id=GetObject',
      host: new URL(url).host,
    });
    expect(endpoint.requests[0]?.authorization).toContain(`Credential=${CREDENTIALS.accessKeyId}/`);
    expect(endpoint.requests[0]?.authorization).toContain('/eu-central-1/s3/aws4_request');
  });

  it('retries throttling and 5xx answers until maxAttempts, then reports the error', async () => {
    const s3 = createClient(S3Client, {
      settings: { region: 'us-east-1', endpoint: url, maxAttempts: 3 },
      credentials: CREDENTIALS,
    });
    endpoint.statuses = [500, 503];
    await s3.send(new PutObjectCommand({ Bucket: 'acme-dst', Key: 'k', Body: 'x' }));
    expect(endpoint.requests).toHaveLength(3);

    endpoint.requests.length = 0;
    endpoint.statuses = [500, 500, 500, 500];
    await expect(
      s3.send(new PutObjectCommand({ Bucket: 'acme-dst', Key: 'k', Body: 'x' })),
    ).rejects.toMatchObject({
      name: 'InternalError',
      $metadata: { attempts: 3 },
    });
    expect(endpoint.requests).toHaveLength(3);
  });

  it('keeps connections alive: consecutive requests, even from different clients, reuse one socket', async () => {
    const settings = { region: 'us-east-1', endpoint: url, maxAttempts: 1 };
    const a = createClient(S3Client, { settings, credentials: CREDENTIALS });
    const b = createClient(S3Client, { settings, region: 'eu-west-1', credentials: CREDENTIALS });
    for (const client of [a, b, a]) {
      const out = await client.send(new GetObjectCommand({ Bucket: 'acme-src', Key: 'k' }));
      await out.Body?.transformToString();
    }
    expect(endpoint.requests).toHaveLength(3);
    expect(endpoint.connections).toBe(1);
  });

  it('leaves real AWS endpoints and virtual-hosted S3 addressing alone without an override', async () => {
    const s3 = createClient(S3Client, { settings: { region: 'us-west-2', maxAttempts: 5 } });
    expect(s3.config.forcePathStyle).toBe(false);
    await expect(s3.config.region()).resolves.toBe('us-west-2');
    const config = clientConfig({ settings: { region: 'us-west-2', maxAttempts: 5 } });
    expect(config).not.toHaveProperty('endpoint');
    expect(config).not.toHaveProperty('forcePathStyle');
    expect(config).not.toHaveProperty('credentials');
  });

  it('builds any SDK client with the same settings', async () => {
    const sqs = createClient(SQSClient, {
      settings: { region: 'us-east-1', endpoint: url, maxAttempts: 6 },
      region: 'ap-south-1',
    });
    await expect(sqs.config.region()).resolves.toBe('ap-south-1');
    await expect(sqs.config.maxAttempts()).resolves.toBe(6);
    expect(sqs.config.retryMode).toBe('standard');
    await expect(sqs.config.endpoint?.()).resolves.toMatchObject({ hostname: '127.0.0.1' });
  });
});
