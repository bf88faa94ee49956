/**
 * Stand-in services for the core's own tests: they record exactly what the core handed over
 * (decoded body bytes, headers, caller) so the tests can check SigV4, aws-chunked decoding and
 * faults without depending on the real S3/SQS/STS modules.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Service, ServiceName, ServiceRequest, ServiceResponse } from '../../../sandbox/core/types.js';
import { jsonResponse } from '../../../sandbox/protocols/json.js';
import { queryResponse } from '../../../sandbox/protocols/query.js';

export interface Received {
  method: string;
  path: string;
  operation: string | undefined;
  callerArn: string;
  sha256: string;
  length: number;
  headers: Record<string, string | string[] | undefined>;
}

/** An S3 double: PUT stores the body's hash and length; GET streams `size` bytes (`?size=N`, default 1 MiB). */
export function echoS3(log: Received[]) {
  return (): Service => ({
    name: 's3',
    async handle(request: ServiceRequest): Promise<ServiceResponse> {
      if (request.method === 'GET') {
        const size = Number(request.url.searchParams.get('size') ?? 1024 * 1024);
        const chunk = Buffer.alloc(64 * 1024, 7);
        async function* generate() {
          for (let sent = 0; sent < size; sent += chunk.length)
            yield chunk.subarray(0, Math.min(chunk.length, size - sent));
        }
        log.push(record(request, Buffer.alloc(0)));
        return {
          status: 200,
          headers: { 'content-length': size, 'content-type': 'application/octet-stream' },
          body: Readable.from(generate()),
        };
      }
      const hash = createHash('sha256');
      let length = 0;
      for await (const chunk of request.body) {
        hash.update(chunk as Buffer);
        length += (chunk as Buffer).length;
      }
      log.push({ ...record(request, Buffer.alloc(0)), sha256: hash.digest('hex'), length });
      return { status: 200, headers: { etag: '"0"' } };
    },
  });
}

/** A query/JSON double for a non-S3 service: answers every action with an empty result. */
export function echoQuery(name: Exclude<ServiceName, 's3'>, log: Received[]) {
  return (): Service => ({
    name,
    async handle(request: ServiceRequest): Promise<ServiceResponse> {
      const body = await request.readBody();
      log.push(record(request, body));
      if (request.protocol === 'json') return jsonResponse({}, request.requestId);
      if (request.operation === 'GetCallerIdentity') {
        return queryResponse(
          name,
          'GetCallerIdentity',
          { Arn: request.caller.arn, UserId: request.caller.accessKeyId, Account: request.caller.accountId },
          request.requestId,
        );
      }
      return queryResponse(name, request.operation ?? 'Unknown', undefined, request.requestId);
    },
  });
}

function record(request: ServiceRequest, body: Buffer): Received {
  return {
    method: request.method,
    path: request.url.pathname,
    operation: request.operation,
    callerArn: request.caller.arn,
    sha256: createHash('sha256').update(body).digest('hex'),
    length: body.length,
    headers: request.headers,
  };
}
