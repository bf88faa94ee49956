/**
 * The sandbox's own unsigned endpoints, loopback only:
 * - `GET /__sandbox/health` → `{"status":"ok"}`
 * - `GET /__sandbox/faults` → `{"faults":"<spec>"}`
 * - `POST /__sandbox/faults` with the spec as the body (empty clears) → `{"faults":"<spec>"}`, or
 *   400 `{"error":"..."}` naming what is wrong with the spec.
 * - `GET /__sandbox/requests` → `{"requests":{"s3:HeadObject":3,...}}`, the requests served per
 *   operation; `POST /__sandbox/requests/reset` answers the same and starts counting again.
 * - `GET /__sandbox/sns/signing-cert.pem` → the certificate that verifies SNS message signatures.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultSpecError } from '../faults/fault-spec.js';
import { readAll } from './request-body.js';

export const ADMIN_PREFIX = '/__sandbox/';

export interface AdminTarget {
  setFaults(spec: string): void;
  faults(): string;
  /** Requests per `service:Operation`; `reset` starts counting again. */
  requestCounts(reset?: boolean): Record<string, number>;
  /** Static documents served at their path (the SNS signing certificate). */
  files?: Record<string, { contentType: string; body(): string }>;
}

export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  target: AdminTarget,
): Promise<void> {
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const remote = req.socket.remoteAddress ?? '';
  if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remote)) {
    reply(403, { error: 'the admin endpoint only answers loopback clients' });
    return;
  }
  const path = (req.url ?? '').split('?')[0] ?? '';
  const file = target.files?.[path];
  if (file && req.method === 'GET') {
    res.writeHead(200, { 'content-type': file.contentType });
    res.end(file.body());
    return;
  }
  if (path === '/__sandbox/health' && req.method === 'GET') {
    reply(200, { status: 'ok' });
    return;
  }
  if (path === '/__sandbox/faults' && req.method === 'GET') {
    reply(200, { faults: target.faults() });
    return;
  }
  if (path === '/__sandbox/requests' && req.method === 'GET') {
    reply(200, { requests: target.requestCounts() });
    return;
  }
  if (path === '/__sandbox/requests/reset' && req.method === 'POST') {
    reply(200, { requests: target.requestCounts(true) });
    return;
  }
  if (path === '/__sandbox/faults' && (req.method === 'POST' || req.method === 'PUT')) {
    const spec = (await readAll(req, 64 * 1024)).toString('utf8').trim();
    try {
      target.setFaults(spec);
    } catch (error) {
      if (error instanceof FaultSpecError) {
        reply(400, { error: error.message });
        return;
      }
      throw error;
    }
    reply(200, { faults: target.faults() });
    return;
  }
  reply(404, {
    error: `unknown admin path ${req.method} ${path}; try GET /__sandbox/health or POST /__sandbox/faults`,
  });
}
