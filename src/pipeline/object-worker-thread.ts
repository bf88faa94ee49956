/**
 * The body of an object worker thread: builds the connection's pipeline (its own S3 clients and
 * credentials, its own processor) over a ledger that lives in the main thread, then processes the
 * objects the main thread hands it and answers each with its outcome. See object-worker-pool.ts.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { AwsCredentialIdentity } from '@smithy/types';
import { findConnection } from '../config/find-connection.js';
import { createLogger, type LogLevel } from '../observe/logger.js';
import type { Ledger } from '../state/ledger.js';
import { buildPipeline } from './build-pipeline.js';
import { toRemoteFailure } from './classify-failure.js';
import { RemoteFailure } from './remote-failure.js';
import {
  type FromWorker,
  type ObjectWorkerData,
  REMOTE_LEDGER_METHODS,
  type ToWorker,
} from './worker-protocol.js';

const data = workerData as ObjectWorkerData;
const port = parentPort as MessagePort;
const send = (message: FromWorker) => port.postMessage(message);

let nextCallId = 1;
const calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
function call(method: Extract<FromWorker, { type: 'call' }>['method'], args: unknown[]): Promise<unknown> {
  const id = nextCallId++;
  return new Promise((resolve, reject) => {
    calls.set(id, { resolve, reject });
    send({ type: 'call', id, method, args });
  });
}

// The main thread's ledger, method by method; closing it is the main thread's business.
const ledger = Object.fromEntries(
  REMOTE_LEDGER_METHODS.map((method) => [method, (...args: unknown[]) => call(method, args)]),
) as unknown as Ledger;
ledger.close = async () => undefined;

const tasks = new Map<number, AbortController>();

async function main(): Promise<void> {
  const logger = createLogger({ level: data.logLevel as LogLevel, pretty: data.prettyLog }).child({
    worker: data.index,
  });
  const built = await buildPipeline({
    config: data.config,
    configPath: data.configPath,
    connection: findConnection(data.config, data.connectionName),
    ledger,
    owner: data.owner,
    logger,
    vendorCredentials: data.remoteVendorCredentials
      ? async () => (await call('vendorCredentials', [])) as AwsCredentialIdentity
      : undefined,
    retryFailed: data.retryFailed,
    retry: data.retry,
    leaseMs: data.leaseMs,
  });
  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'process': {
        const work = new AbortController();
        tasks.set(message.id, work);
        const { id } = message;
        built.pipeline
          .process(message.object, work.signal)
          .then(
            (outcome) => send({ type: 'outcome', id, outcome }),
            (error: unknown) => send({ type: 'stopped', id, failure: toRemoteFailure(error) }),
          )
          .finally(() => tasks.delete(id));
        break;
      }
      case 'abort':
        tasks.get(message.id)?.abort(new RemoteFailure(message.reason));
        break;
      case 'reply': {
        const pending = calls.get(message.id);
        calls.delete(message.id);
        if (message.failure === undefined) pending?.resolve(message.value);
        else pending?.reject(new RemoteFailure(message.failure));
        break;
      }
      case 'close':
        // The main thread closes only once nothing is in flight: release the processor and end.
        // process.exit ends this thread only, also when idle keep-alive sockets would hold it.
        built.close().finally(() => process.exit(0));
        break;
    }
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  send({ type: 'setup-failed', failure: toRemoteFailure(error) });
  process.exit(0);
});
