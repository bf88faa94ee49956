/**
 * Processes objects on N worker threads, so that one batch or live process uses N cores. Each
 * thread builds the connection's pipeline (its own S3 clients, credentials and processor) from the
 * configuration the main thread loaded; the main thread keeps the listing or the queue, the ledger
 * (every worker's claims and completions are served by it, so one SQLite connection or PostgreSQL
 * pool still sees all of them) and the report. `process(object)` behaves as ObjectPipeline's: it
 * resolves with the outcome and rejects only when the run must stop.
 *
 * A worker that dies fails what it held as transient: each object it was processing gets a failed
 * outcome naming the crash, and each ledger claim it held is marked failed, so nothing is lost and
 * nothing is left claimed by a thread that is gone. An object it had already recorded done (its
 * outputs durable) is reported processed, as the ledger says. The other workers go on.
 */
import { Worker } from 'node:worker_threads';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Config, Connection } from '../config/resolved-config.js';
import type { RetryOptions } from '../core/retry.js';
import type { SourceObject } from '../core/source-object.js';
import type { Logger } from '../observe/logger.js';
import type { ClaimOptions, Ledger, LedgerKey, LedgerOwner } from '../state/ledger.js';
import { toRemoteFailure } from './classify-failure.js';
import { failedOutcome, type ObjectOutcome } from './object-pipeline.js';
import { RemoteFailure } from './remote-failure.js';
import {
  type FromWorker,
  MAX_WORKERS,
  type ObjectWorkerData,
  REMOTE_LEDGER_METHODS,
  type ToWorker,
} from './worker-protocol.js';

/** Options of {@link ObjectWorkerPool.start}. */
export interface ObjectWorkerPoolOptions {
  /** Worker threads, 2..{@link MAX_WORKERS} (one worker runs in-process, without a pool). */
  workers: number;
  config: Config;
  configPath: string;
  connection: Connection;
  /** The ledger every worker's claims and completions go to. */
  ledger: Ledger;
  /** The identity the workers claim under: the main thread's pipeline's, so the process has one. */
  owner: LedgerOwner;
  logger?: Logger | undefined;
  /** Vendor credentials, asked for by the workers through the main thread. Default: each worker's SDK chain. */
  vendorCredentials?: AwsCredentialIdentityProvider | undefined;
  retryFailed: boolean;
  retry?: RetryOptions | undefined;
  /** Ledger lease of a claim, in milliseconds. Default: the pipeline's. */
  leaseMs?: number | undefined;
}

interface Task {
  object: SourceObject;
  resolve: (outcome: ObjectOutcome) => void;
  reject: (error: unknown) => void;
}

interface WorkerSlot {
  index: number;
  worker: Worker;
  tasks: Map<number, Task>;
  /** Ledger claims the worker took this run, by object (bucket and key); `finished` once it asked to record them. */
  claims: Map<string, { key: LedgerKey; owner: LedgerOwner; finished: boolean }>;
  alive: boolean;
  /** The uncaught error that ended the thread, if any. */
  error?: unknown;
  exited: Promise<void>;
}

/**
 * How many worker threads a connection can use: the requested number, except for a `collect`
 * processor writing to stdout or a local file, whose ordering and whole-line writes hold within
 * one thread only (it runs in-process).
 */
export function workersFor(connection: Pick<Connection, 'processor'>, requested: number): number {
  const { processor } = connection;
  if (processor.type === 'collect') {
    const sink = (processor as { sink?: { type?: string } }).sink?.type ?? 'stdout';
    if (sink === 'stdout' || sink === 'file') return 1;
  }
  return requested;
}

export class ObjectWorkerPool {
  private readonly slots: WorkerSlot[] = [];
  private nextTaskId = 1;
  private closing = false;

  private constructor(private readonly options: ObjectWorkerPoolOptions) {}

  /** Starts every worker thread and waits until each has built its pipeline. */
  static async start(options: ObjectWorkerPoolOptions): Promise<ObjectWorkerPool> {
    if (!Number.isInteger(options.workers) || options.workers < 2 || options.workers > MAX_WORKERS) {
      throw new RangeError(`workers must be an integer from 2 to ${MAX_WORKERS}, got ${options.workers}`);
    }
    const pool = new ObjectWorkerPool(options);
    const ready = Array.from({ length: options.workers }, (_, i) => pool.spawn(i + 1));
    const results = await Promise.allSettled(ready);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) {
      await pool.close();
      throw failed.reason;
    }
    return pool;
  }

  /** Processes one object on the least busy worker. */
  process(object: SourceObject, signal?: AbortSignal): Promise<ObjectOutcome> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const slot = this.leastBusy();
    if (slot === undefined) {
      return Promise.reject(
        new RemoteFailure({
          name: 'Error',
          kind: 'misconfiguration',
          message: 'every worker thread stopped unexpectedly (see the failures reported before this)',
        }),
      );
    }
    const id = this.nextTaskId++;
    return new Promise<ObjectOutcome>((resolve, reject) => {
      const onAbort = () =>
        this.post(slot, {
          type: 'abort',
          id,
          reason: toRemoteFailure(signal?.reason ?? new Error('aborted')),
        });
      signal?.addEventListener('abort', onAbort, { once: true });
      const settled = () => signal?.removeEventListener('abort', onAbort);
      slot.tasks.set(id, {
        object,
        resolve: (outcome) => {
          settled();
          resolve(outcome);
        },
        reject: (error) => {
          settled();
          reject(error);
        },
      });
      this.post(slot, { type: 'process', id, object });
    });
  }

  /** Ends every worker thread once its objects are settled (call when nothing is in flight). */
  async close(): Promise<void> {
    this.closing = true;
    for (const slot of this.slots) if (slot.alive) this.post(slot, { type: 'close' });
    await Promise.all(this.slots.map((slot) => slot.exited));
  }

  private leastBusy(): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    for (const slot of this.slots) {
      if (slot.alive && (best === undefined || slot.tasks.size < best.tasks.size)) best = slot;
    }
    return best;
  }

  private post(slot: WorkerSlot, message: ToWorker): void {
    if (slot.alive) slot.worker.postMessage(message);
  }

  private spawn(index: number): Promise<void> {
    const { options } = this;
    const data: ObjectWorkerData = {
      index,
      config: options.config,
      configPath: options.configPath,
      connectionName: options.connection.name,
      owner: options.owner,
      retryFailed: options.retryFailed,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      remoteVendorCredentials: options.vendorCredentials !== undefined,
      logLevel: options.logger?.level ?? 'warn',
      prettyLog: process.stderr.isTTY === true,
    };
    const worker = new Worker(new URL('./object-worker-thread.js', import.meta.url), { workerData: data });
    let exit!: () => void;
    const slot: WorkerSlot = {
      index,
      worker,
      tasks: new Map(),
      claims: new Map(),
      alive: true,
      exited: new Promise((resolve) => {
        exit = resolve;
      }),
    };
    this.slots.push(slot);
    return new Promise<void>((ready, setupFailed) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') ready();
        else if (message.type === 'setup-failed') setupFailed(new RemoteFailure(message.failure));
        else this.onMessage(slot, message);
      });
      worker.on('error', (error) => {
        slot.error = error;
      });
      worker.on('exit', (code) => {
        slot.alive = false;
        setupFailed(
          new RemoteFailure({
            name: 'Error',
            kind: 'misconfiguration',
            message: `worker thread ${index} could not start: ${describeExit(slot.error, code)}`,
          }),
        );
        this.onExit(slot, code).finally(exit);
      });
    });
  }

  private onMessage(slot: WorkerSlot, message: FromWorker): void {
    if (message.type === 'outcome' || message.type === 'stopped') {
      const task = slot.tasks.get(message.id);
      slot.tasks.delete(message.id);
      // Settled: its claim, if any, is finished (kept only while it may be needed after a crash).
      if (task) slot.claims.delete(objectId(task.object));
      if (message.type === 'outcome') task?.resolve(message.outcome);
      else task?.reject(new RemoteFailure(message.failure));
    } else if (message.type === 'call') {
      this.serve(slot, message).then(
        (value) => this.post(slot, { type: 'reply', id: message.id, value }),
        (error: unknown) =>
          this.post(slot, { type: 'reply', id: message.id, failure: toRemoteFailure(error) }),
      );
    }
  }

  /** Runs a worker's ledger or credentials call, keeping track of the claims it holds. */
  private async serve(slot: WorkerSlot, message: Extract<FromWorker, { type: 'call' }>): Promise<unknown> {
    const { ledger, vendorCredentials } = this.options;
    if (message.method === 'vendorCredentials') {
      if (vendorCredentials === undefined) throw new Error('no vendor credentials were given to the pool');
      return vendorCredentials();
    }
    if (!REMOTE_LEDGER_METHODS.includes(message.method))
      throw new Error(`unknown ledger method ${message.method}`);
    const key = message.args[0] as LedgerKey;
    const claim = slot.claims.get(objectId(key));
    if (claim && (message.method === 'markDone' || message.method === 'markFailed')) claim.finished = true;
    const method = ledger[message.method] as (...args: unknown[]) => Promise<unknown>;
    const value = await method.apply(ledger, message.args);
    if (message.method === 'claim' && (value as { outcome: string }).outcome === 'claimed') {
      const owner = (message.args[1] as ClaimOptions).owner;
      slot.claims.set(objectId(key), { key, owner, finished: false });
      // Claimed for a worker that died meanwhile: fail it now rather than leave it claimed.
      if (!slot.alive) await this.failUnfinished(slot, this.crashReason(slot, 1));
    }
    return value;
  }

  private async onExit(slot: WorkerSlot, code: number): Promise<void> {
    const unfinished = [...slot.claims.values()].some((claim) => !claim.finished);
    if (this.closing && slot.tasks.size === 0 && !unfinished && slot.error === undefined) return;
    const reason = this.crashReason(slot, code);
    this.options.logger?.error({ worker: slot.index, reason }, 'a worker thread stopped unexpectedly');
    const tasks = [...slot.tasks.values()];
    slot.tasks.clear();
    const finished = new Map([...slot.claims].filter(([, claim]) => claim.finished));
    await this.failUnfinished(slot, reason);
    for (const task of tasks) {
      const claim = finished.get(objectId(task.object));
      const entry = claim ? await this.options.ledger.get(claim.key).catch(() => undefined) : undefined;
      if (entry?.state === 'done') {
        const { outputs, bytesIn, bytesOut } = entry;
        task.resolve({ status: 'processed', object: task.object, attempts: 1, bytesIn, bytesOut, outputs });
      } else {
        task.resolve(failedOutcome(task.object, 1, 'transient', reason, undefined));
      }
    }
  }

  private crashReason(slot: WorkerSlot, code: number): string {
    return `worker thread ${slot.index} stopped unexpectedly (${describeExit(slot.error, code)}); the object was not finished and is processed again by the next run with --retry-failed`;
  }

  /** Marks failed the claims the worker took and did not finish, so none stays claimed by a dead thread. */
  private async failUnfinished(slot: WorkerSlot, reason: string): Promise<void> {
    for (const [id, { key, owner, finished }] of slot.claims) {
      slot.claims.delete(id);
      if (finished) continue;
      await this.options.ledger.markFailed(key, owner, reason, 1).catch((error: unknown) => {
        // Left claimed: the next run takes over a claim whose process is gone.
        this.options.logger?.warn(
          { key: key.key, err: error },
          'could not record a crashed worker’s object as failed',
        );
      });
    }
  }
}

/** An object's identity within one worker's claims: a worker processes one version of a key at a time. */
function objectId(object: { bucket: string; key: string }): string {
  return JSON.stringify([object.bucket, object.key]);
}

function describeExit(error: unknown, code: number): string {
  if (error instanceof Error) return error.message;
  return `exit code ${code}`;
}
