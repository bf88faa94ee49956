/**
 * One request's path through the sandbox: route, authenticate (SigV4), build the body, apply
 * faults, call the service, write its answer, and render any AwsError in the request's protocol.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { rawPathOf, readClaim, verifySignature } from '../auth/authenticate.js';
import { sha256Hex } from '../auth/sigv4.js';
import type { FaultInjector } from '../faults/fault-injector.js';
import { jsonTargetAction } from '../protocols/json.js';
import { renderError } from '../protocols/render-error.js';
import { AwsError } from './errors.js';
import { bufferStream, readAll, s3Body, UNSIGNED_PAYLOAD } from './request-body.js';
import { writeResponse } from './response-writer.js';
import { type Route, routeOf, s3OperationOf } from './route.js';
import type {
  CredentialStore,
  Service,
  ServiceName,
  ServiceRequest,
  ServiceResponse,
  WireProtocol,
} from './types.js';

export interface RequestHandlerDeps {
  services: ReadonlyMap<ServiceName, Service>;
  credentials: CredentialStore;
  faults: FaultInjector;
  now(): Date;
  /** Called after a request a service handled, so its state is persisted. */
  changed(service: ServiceName, method: string): void;
  /** Unexpected (non-AWS) errors, for the log. */
  onInternalError(error: unknown, route: Route | undefined): void;
}

const REQUEST_ID_PREFIX = randomBytes(4).toString('hex').toUpperCase();
let requestCounter = 0;

function nextRequestId(): string {
  requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${REQUEST_ID_PREFIX}${requestCounter.toString(16).toUpperCase().padStart(8, '0')}`;
}

const noop = () => {};

export function createRequestHandler(deps: RequestHandlerDeps) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = nextRequestId();
    req.on('error', noop);
    let route: Route | undefined;
    let body: Readable | undefined;
    try {
      const url = new URL(req.url ?? '/', 'http://sandbox.local');
      const hint = routeOf(req.headers, undefined);
      const claim = readClaim(req, url, hint?.service ?? 's3');
      route = routeOf(req.headers, claim?.service);
      if (!route) {
        route = hint;
        throw new AwsError(
          'InvalidAction',
          `The sandbox does not run the ${claim?.service} service (it runs s3, sqs, sns, sts, iam, kms, cloudformation).`,
          400,
        );
      }
      if (!claim) {
        if (route.service === 's3') throw new AwsError('AccessDenied', 'Access Denied', 403);
        throw new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      }
      const virtualBucket = route.service === 's3' ? virtualHostBucket(req) : undefined;
      const serviceUrl = virtualBucket ? withBucketInPath(url, virtualBucket) : url;
      const sentPath = rawPathOf(req.url ?? '/');
      const rawPath = virtualBucket ? `/${virtualBucket}${sentPath === '/' ? '' : sentPath}` : sentPath;
      let headers = req.headers;
      let bodyBuffer: Buffer | undefined;
      let signed: ReturnType<typeof verifySignature>;
      const verify = (payloadHash: string) =>
        verifySignature({ req, url, claim, payloadHash, credentials: deps.credentials, now: deps.now() });
      if (route.service === 's3') {
        const declared = firstHeader(req.headers['x-amz-content-sha256']);
        if (!declared && claim.form === 'header') {
          throw new AwsError(
            'InvalidRequest',
            'Missing required header for this request: x-amz-content-sha256',
            400,
          );
        }
        const payloadHash = declared ?? UNSIGNED_PAYLOAD;
        signed = verify(payloadHash);
        const built = s3Body(req, payloadHash, signed);
        body = built.body;
        headers = built.headers;
      } else {
        bodyBuffer = await readAll(req);
        const payloadHash = firstHeader(req.headers['x-amz-content-sha256']) ?? sha256Hex(bodyBuffer);
        if (payloadHash !== UNSIGNED_PAYLOAD && payloadHash !== sha256Hex(bodyBuffer)) {
          throw new AwsError(
            'SignatureDoesNotMatch',
            'The provided x-amz-content-sha256 header does not match the request body.',
            403,
          );
        }
        signed = verify(payloadHash);
        body = bufferStream(bodyBuffer);
      }
      body.on('error', noop);
      const operation = operationOf(route, req, serviceUrl, bodyBuffer);
      const decision = deps.faults.decide(route.service, operation);
      if (decision.latencyMs > 0) await delay(decision.latencyMs);
      if (decision.error) throw decision.error;

      const service = deps.services.get(route.service);
      if (!service) {
        throw new AwsError(
          'ServiceUnavailable',
          `The ${route.service} service is not running in this sandbox.`,
          503,
        );
      }
      const streamBody = body;
      const clientGone = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) clientGone.abort();
      });
      const request: ServiceRequest = {
        signal: clientGone.signal,
        service: route.service,
        method: req.method ?? 'GET',
        url: serviceUrl,
        rawPath,
        headers,
        region: claim.region,
        caller: signed.caller,
        requestId,
        body: streamBody,
        readBody: () => (bodyBuffer ? Promise.resolve(bodyBuffer) : readAll(streamBody)),
        secureTransport: false,
        operation,
        protocol: route.protocol,
        duplicateDelivery: decision.duplicate === true,
      };
      const response = await service.handle(request);
      deps.changed(route.service, request.method);
      finish(res, withRequestId(response, route.service, requestId), body, decision.resetAfterBytes);
    } catch (error) {
      const awsError = toAwsError(error, route, deps);
      const protocol: WireProtocol = route?.protocol ?? 'rest-xml';
      const response = renderError(
        protocol,
        route?.service ?? 's3',
        awsError,
        requestId,
        req.method ?? 'GET',
      );
      finish(res, response, body ?? req, undefined);
    }
  };
}

/** Writes the answer, then drains whatever of the request body the service did not read. */
function finish(
  res: ServerResponse,
  response: ServiceResponse,
  body: Readable,
  resetAfterBytes?: number,
): void {
  if (res.headersSent || res.destroyed) return;
  writeResponse(res, response, resetAfterBytes);
  if (!body.readableEnded && !body.destroyed) body.resume();
}

function toAwsError(error: unknown, route: Route | undefined, deps: RequestHandlerDeps): AwsError {
  if (error instanceof AwsError) return error;
  deps.onInternalError(error, route);
  return route?.service === 's3' || route === undefined
    ? new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500)
    : new AwsError(
        'InternalFailure',
        'The request processing has failed because of an unknown error, exception or failure.',
        500,
      );
}

function withRequestId(response: ServiceResponse, service: ServiceName, requestId: string): ServiceResponse {
  const header = service === 's3' ? 'x-amz-request-id' : 'x-amzn-requestid';
  if (response.headers && header in response.headers) return response;
  return { ...response, headers: { ...response.headers, [header]: requestId } };
}

function operationOf(route: Route, req: IncomingMessage, url: URL, body: Buffer | undefined): string {
  if (route.service === 's3') return s3OperationOf(req.method ?? 'GET', url, req.headers);
  if (route.protocol === 'json') return jsonTargetAction(firstHeader(req.headers['x-amz-target'])) ?? '';
  const fromQuery = url.searchParams.get('Action');
  if (fromQuery) return fromQuery;
  if (!body || body.length === 0) return '';
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
}

/**
 * S3 virtual-host addressing (`bucket.localhost:PORT`, `bucket.s3.localhost`): rewritten to the
 * path style the S3 service reads. Clients on this machine can only resolve `*.localhost`.
 */
/** The bucket named by a virtual-host-style Host header (`bucket.localhost:PORT`), if any. */
function virtualHostBucket(req: IncomingMessage): string | undefined {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (!host.endsWith('.localhost')) return undefined;
  const bucket = host
    .slice(0, -'.localhost'.length)
    .replace(/\.s3(\.[a-z0-9-]+)?$/, '')
    .replace(/^s3(\.[a-z0-9-]+)?$/, '');
  return bucket === '' ? undefined : bucket;
}

function withBucketInPath(url: URL, bucket: string): URL {
  const rewritten = new URL(url.href);
  rewritten.pathname = url.pathname === '/' ? `/${bucket}` : `/${bucket}${url.pathname}`;
  return rewritten;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
