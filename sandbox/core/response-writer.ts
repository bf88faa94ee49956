/**
 * Writes a service's answer to the socket, streaming Readable bodies with backpressure, and
 * carries out the "connection reset mid-body" fault: after N body bytes the socket is destroyed,
 * as a network failure would, so clients see a truncated body and a reset.
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ServiceResponse } from './types.js';

export function writeResponse(
  res: ServerResponse,
  response: ServiceResponse,
  resetAfterBytes?: number,
): void {
  const { status, headers = {}, body } = response;
  if (resetAfterBytes !== undefined && resetAfterBytes <= 0) {
    res.socket?.destroy();
    closeBody(body);
    return;
  }
  res.writeHead(status, headers);
  if (body === undefined || res.req.method === 'HEAD') {
    closeBody(body);
    res.end();
    return;
  }
  if (!(body instanceof Readable)) {
    const buffer = typeof body === 'string' ? Buffer.from(body) : body;
    if (resetAfterBytes !== undefined && resetAfterBytes < buffer.length) {
      res.write(buffer.subarray(0, resetAfterBytes), () => res.socket?.destroy());
      return;
    }
    res.end(buffer);
    return;
  }
  let sent = 0;
  const onError = () => {
    // A body that fails part-way cannot be answered with an error any more: drop the connection.
    res.socket?.destroy();
  };
  body.on('error', onError);
  res.on('close', () => {
    if (!body.readableEnded) body.destroy();
  });
  if (resetAfterBytes === undefined) {
    body.pipe(res);
    return;
  }
  body.on('data', (chunk: Buffer) => {
    const room = resetAfterBytes - sent;
    if (chunk.length >= room) {
      body.pause();
      res.write(chunk.subarray(0, room), () => {
        res.socket?.destroy();
        body.destroy();
      });
      sent = resetAfterBytes;
      return;
    }
    sent += chunk.length;
    if (!res.write(chunk)) {
      body.pause();
      res.once('drain', () => body.resume());
    }
  });
  body.on('end', () => res.end());
}

function closeBody(body: ServiceResponse['body']): void {
  if (body instanceof Readable) body.destroy();
}
