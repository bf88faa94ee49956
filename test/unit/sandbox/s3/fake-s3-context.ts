/**
 * A tiny SandboxContext for unit tests of the S3 service: an authorizer that allows everything
 * except the actions a test denies, hooks that record every delivery, a fixed clock, and a
 * request builder for ServiceRequest objects.
 */
import { Readable } from 'node:stream';
import { AwsError } from '../../../../sandbox/core/errors.js';
import type { CallerIdentity } from '../../../../sandbox/core/identity.js';
import type { AuthorizationRequest, SandboxContext, ServiceRequest } from '../../../../sandbox/core/types.js';

export interface Delivery {
  kind: 'queue' | 'topic';
  arn: string;
  body: string;
  subject?: string;
  sourceArn: string;
  sourceAccount: string;
}

export interface FakeS3Context extends SandboxContext {
  deliveries: Delivery[];
  /** Actions (e.g. `s3:ListBucket`) the authorizer refuses. */
  denied: Set<string>;
  /** Destination ARNs whose policy refuses this bucket. */
  refusingDestinations: Set<string>;
  clockMs: number;
}

export const OWNER: CallerIdentity = {
  accountId: '222222222222',
  arn: 'arn:aws:iam::222222222222:root',
  kind: 'root',
  accessKeyId: 'AKIACUSTOMER',
};

export function fakeContext(options: { stateDir?: string } = {}): FakeS3Context {
  const ctx: FakeS3Context = {
    deliveries: [],
    denied: new Set(),
    refusingDestinations: new Set(),
    clockMs: Date.UTC(2026, 10, 23, 12, 0, 0, 123),
    defaultRegion: 'us-east-1',
    endpoint: () => 'http://127.0.0.1:4566',
    accounts: [{ name: 'customer', id: OWNER.accountId, accessKeyId: 'AKIACUSTOMER', secretAccessKey: 's' }],
    credentials: {
      lookup: () => undefined,
      issueSession: () => {
        throw new Error('not used by S3');
      },
    },
    authz: {
      authorize(request: AuthorizationRequest) {
        if (ctx.denied.has(request.action))
          throw new AwsError(
            'AccessDenied',
            `User: ${request.caller.arn} is not authorized to perform: ${request.action} on resource: "${request.resource}"`,
            403,
          );
      },
      isAllowed: (request: AuthorizationRequest) => !ctx.denied.has(request.action),
    },
    hooks: {
      sendToQueue: (args) =>
        ctx.deliveries.push({
          kind: 'queue',
          arn: args.queueArn,
          body: args.body,
          sourceArn: args.sourceArn,
          sourceAccount: args.sourceAccount,
        }),
      publishToTopic: (args) =>
        ctx.deliveries.push({
          kind: 'topic',
          arn: args.topicArn,
          body: args.message,
          subject: args.subject,
          sourceArn: args.sourceArn,
          sourceAccount: args.sourceAccount,
        }),
      canDeliver: (args) => !ctx.refusingDestinations.has(args.destinationArn),
      // Every key exists and may be used; the key's ARN is what S3 records.
      useKmsKey: (args) =>
        args.keyId.startsWith('arn:')
          ? args.keyId
          : `arn:aws:kms:${args.region}:${args.caller.accountId}:${args.keyId.startsWith('alias/') ? args.keyId : `key/${args.keyId}`}`,
      rolePolicies: () => [],
      getRole: () => undefined,
    },
    now: () => new Date(ctx.clockMs),
    stateDir: options.stateDir,
  };
  return ctx;
}

let requestCounter = 0;

/** A ServiceRequest as the server would hand it to the S3 service. */
export function s3Request(
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    body?: string | Buffer;
    caller?: CallerIdentity;
    region?: string;
  } = {},
): ServiceRequest {
  const body = Buffer.from(options.body ?? '');
  requestCounter += 1;
  return {
    service: 's3',
    method,
    url: new URL(`http://127.0.0.1:4566${path}`),
    headers: { host: '127.0.0.1:4566', ...options.headers },
    region: options.region ?? 'us-east-1',
    caller: options.caller ?? OWNER,
    requestId: `REQ${String(requestCounter).padStart(13, '0')}`,
    body: Readable.from(body.length > 0 ? [body] : []),
    readBody: async () => body,
    secureTransport: false,
  };
}

/** Reads a response body (string, Buffer or stream) as text. */
export async function bodyText(body: unknown): Promise<string> {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString();
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString();
}
