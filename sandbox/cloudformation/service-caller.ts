/**
 * Calls another sandbox service (IAM, SNS, SQS) as the user who called CloudFormation, the way
 * CloudFormation acts with the caller's credentials: an internal query-protocol request carrying
 * the caller's identity, so the target service authorizes it like any other request.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { AwsError } from '../core/errors.js';
import type { CallerIdentity } from '../core/identity.js';
import type { SandboxContext, Service, ServiceName, ServiceRequest } from '../core/types.js';
import { parseXml } from '../protocols/xml.js';

/** Finds a running service by name (the server's registry). */
export type ServiceLookup = (name: ServiceName) => Service | undefined;

/** One call: the action and its query parameters; answers the parsed `<ActionResult>` element. */
export type ServiceCall = (
  service: 'iam' | 'sns' | 'sqs',
  action: string,
  params: Record<string, string | undefined>,
) => Promise<Record<string, unknown>>;

export interface ServiceCallerOptions {
  ctx: SandboxContext;
  services: ServiceLookup;
  caller: CallerIdentity;
  region: string;
  /** Told after a call that may have changed a service's state (for --state). */
  changed?: (service: ServiceName) => void;
}

/** Query-protocol API versions of the services CloudFormation creates resources in. */
const VERSIONS = { iam: '2010-05-08', sns: '2010-03-31', sqs: '2012-11-05' } as const;

export function createServiceCaller(options: ServiceCallerOptions): ServiceCall {
  return async (serviceName, action, params) => {
    const service = options.services(serviceName);
    if (!service) throw new AwsError('InternalFailure', `The sandbox runs no ${serviceName} service`, 500);
    const form = new URLSearchParams({ Action: action, Version: VERSIONS[serviceName] });
    for (const [key, value] of Object.entries(params)) if (value !== undefined) form.set(key, value);
    const body = Buffer.from(form.toString(), 'utf8');
    const request: ServiceRequest = {
      service: serviceName,
      method: 'POST',
      url: new URL('/', options.ctx.endpoint() || 'http://127.0.0.1'),
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'content-length': String(body.length),
      },
      region: options.region,
      caller: options.caller,
      requestId: randomUUID(),
      body: Readable.from([body]),
      readBody: async () => body,
      secureTransport: true,
      operation: action,
      protocol: 'query',
    };
    const response = await service.handle(request);
    if (!action.startsWith('Get') && !action.startsWith('List')) options.changed?.(serviceName);
    const text =
      typeof response.body === 'string'
        ? response.body
        : Buffer.isBuffer(response.body)
          ? response.body.toString('utf8')
          : '';
    const parsed = text ? parseXml(text) : {};
    if (response.status >= 300) {
      const error = (parsed.ErrorResponse as { Error?: { Code?: string; Message?: string } } | undefined)
        ?.Error;
      throw new AwsError(
        error?.Code ?? 'InternalFailure',
        error?.Message ?? `HTTP ${response.status}`,
        response.status,
      );
    }
    const root = parsed[`${action}Response`] as Record<string, unknown> | undefined;
    return (root?.[`${action}Result`] as Record<string, unknown> | undefined) ?? {};
  };
}
