/**
 * Starts moto's standalone server (`moto_server`, on PATH) on a free 127.0.0.1 port for a
 * cross-check suite, and stops it afterwards. moto accepts any access key and reports every
 * resource in its default account.
 *
 * ```ts
 * let moto: MotoServer;
 * beforeAll(async () => { moto = await startMoto(); });
 * afterAll(() => moto.stop());
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export interface MotoServer {
  /** e.g. `http://127.0.0.1:41234`. */
  endpoint: string;
  /** The account moto reports for every resource. */
  accountId: string;
  region: string;
  /** Keys any client may sign with (moto does not check signatures). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Forgets every resource (moto's `/moto-api/reset`). */
  reset(): Promise<void>;
  /** Stops the server; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** How long to wait for the server to accept requests, in milliseconds. Default 20,000. */
  readyTimeoutMs?: number;
}

const MOTO_ACCOUNT_ID = '123456789012';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

/** Resolves when moto logs that it listens; rejects if it exits first or the bound passes. */
function waitUntilListening(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(
      () => finish(new Error(`moto_server not ready after ${timeoutMs} ms:\n${log}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Running on http://127.0.0.1')) finish();
    };
    const onExit = (code: number | null) =>
      finish(new Error(`moto_server exited with ${code} before listening:\n${log}`));
    function finish(error?: Error) {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    }
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Starts moto_server on a free port (retrying once or twice if another process takes the port first). */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    try {
      await waitUntilListening(child, readyTimeoutMs);
    } catch (error) {
      lastError = error;
      await stopChild(child);
      continue;
    }
    // Keep draining the server's request log so a full pipe never blocks it.
    child.stdout?.resume();
    child.stderr?.resume();
    const endpoint = `http://127.0.0.1:${port}`;
    let stopping: Promise<void> | undefined;
    return {
      endpoint,
      accountId: MOTO_ACCOUNT_ID,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAMOTOTESTKEY00001', secretAccessKey: 'moto-secret' },
      async reset() {
        const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
        if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
      },
      stop() {
        stopping ??= stopChild(child);
        return stopping;
      },
    };
  }
  throw lastError;
}
