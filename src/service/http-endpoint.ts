/**
 * The service's HTTP endpoint on Node's `http`: `/metrics` (Prometheus text), `/healthz`,
 * `/readyz`, `/api/status`, the status page at `/`, and `POST /-/reload` from the loopback
 * address only (it changes what the process does, so nobody else may ask for it).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { renderStatusPage } from './status-page.js';

/** What the endpoint asks the service. */
export interface EndpointHandlers {
  registry: Registry;
  status(): unknown;
  ready(): boolean;
  /** Reloads the configuration; resolves with the errors when the new file was refused. */
  reload(): Promise<{ ok: true } | { ok: false; errors: string[] }>;
}

export interface HttpEndpoint {
  /** `http://HOST:PORT` as bound (port 0 resolved). */
  readonly url: string;
  close(): Promise<void>;
}

/** `HOST:PORT` → parts; an IPv6 host may be written in brackets. */
export function parseListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(':');
  const host = listen.slice(0, at).replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  return { host, port: Number(listen.slice(at + 1)) };
}

export async function startHttpEndpoint(listen: string, handlers: EndpointHandlers): Promise<HttpEndpoint> {
  const page = renderStatusPage();
  const server = createServer((request, response) => {
    route(request, response, handlers, page).catch((error: unknown) => {
      send(response, 500, 'text/plain; charset=utf-8', `internal error: ${String(error)}\n`);
    });
  });
  const { host, port } = parseListen(listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () => closeServer(server),
  };
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  handlers: EndpointHandlers,
  page: string,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const method = request.method ?? 'GET';
  if (path === '/-/reload') {
    if (method !== 'POST')
      return send(response, 405, 'text/plain; charset=utf-8', 'use POST\n', { allow: 'POST' });
    if (!isLoopback(request.socket.remoteAddress)) {
      return send(response, 403, 'text/plain; charset=utf-8', 'reload is only allowed from 127.0.0.1\n');
    }
    const result = await handlers.reload();
    return result.ok
      ? send(response, 200, 'text/plain; charset=utf-8', 'configuration reloaded\n')
      : send(
          response,
          400,
          'text/plain; charset=utf-8',
          `configuration refused:\n${result.errors.join('\n')}\n`,
        );
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return send(response, 405, 'text/plain; charset=utf-8', 'use GET\n', { allow: 'GET, HEAD' });
  }
  switch (path) {
    case '/metrics':
      return send(response, 200, handlers.registry.contentType, await handlers.registry.metrics());
    case '/healthz':
      return send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
    case '/readyz':
      return handlers.ready()
        ? send(response, 200, 'text/plain; charset=utf-8', 'ready\n')
        : send(response, 503, 'text/plain; charset=utf-8', 'starting\n');
    case '/api/status':
      return send(
        response,
        200,
        'application/json; charset=utf-8',
        `${JSON.stringify(handlers.status(), null, 2)}\n`,
      );
    case '/':
      return send(response, 200, 'text/html; charset=utf-8', page);
    default:
      return send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
  }
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  response.end(body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections of a browser would hold the close open.
    server.closeAllConnections();
  });
}
