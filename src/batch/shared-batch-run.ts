/**
 * One worker's part in a batch run shared through the PostgreSQL ledger (see
 * postgres-shared-runs.ts for the tables): the objects it claims, as an async iterable for
 * runBatch; the listing, when this worker holds the run's listing lease; heartbeats that keep
 * both leases; and the outcome of each object written back. Every worker, the lister too, claims
 * pending objects in small batches, so the listing's pace and the processing's are independent.
 */
import type { SourceObject } from '../core/source-object.js';
import type { ListedPage } from '../sources/batch-lister.js';
import type {
  JoinedRun,
  PostgresSharedRuns,
  RunOutcome,
  RunTotals,
  RunWorker,
} from '../state/postgres-shared-runs.js';

/** Options of {@link SharedBatchRun.join}. */
export interface SharedBatchRunOptions {
  runs: PostgresSharedRuns;
  connection: string;
  /** The source bucket; claimed objects are in it. */
  bucket: string;
  /**
   * Which run to join: `batch` for `bucketbridge batch` (joined while open), a schedule's tick for
   * `run` (with `once`: a tick whose run finished is not run again).
   */
  runKey: string;
  once?: boolean;
  worker: RunWorker;
  /** How long a claim or the listing lease stays this worker's without renewal, in milliseconds. */
  leaseMs: number;
  /** Objects claimed at once, 1..; the rest stay pending for other workers. */
  claimBatchSize: number;
  /** Lists the source from after `startAfter` (undefined: from the start), page by page. */
  listPages: (startAfter: string | undefined) => AsyncIterable<ListedPage>;
  /** How long to wait before asking again when nothing is claimable yet, in milliseconds. Default 250. */
  idlePollMs?: number;
}

export class SharedBatchRun {
  private listing: Promise<void> | undefined;
  private listingError: { error: unknown } | undefined;
  private wakeIdle: (() => void) | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly options: SharedBatchRunOptions,
    readonly joined: JoinedRun,
  ) {
    const { runs, worker, leaseMs } = options;
    this.heartbeat = setInterval(() => {
      // A failed renewal is retried at the next beat; a lease lost meanwhile is taken over, and
      // the ledger's own claim still keeps the object from being processed twice.
      runs.renew(joined.runId, worker, leaseMs).catch(() => undefined);
    }, leaseMs / 3);
    this.heartbeat.unref();
  }

  /** Joins the connection's open run (or starts one). */
  static async join(options: SharedBatchRunOptions): Promise<SharedBatchRun> {
    const joined = await options.runs.join(options.connection, options.runKey, options.bucket, options.once);
    return new SharedBatchRun(options, joined);
  }

  get runId(): string {
    return this.joined.runId;
  }

  /**
   * The objects this worker claims, until the listing is complete and nothing is left to claim.
   * Once nothing is pending, abandoned claims (lease ended, or a dead worker on this host) return
   * to pending and are claimed too.
   */
  async *objects(signal?: AbortSignal): AsyncGenerator<SourceObject> {
    if (this.joined.finished) return;
    const { runs, worker, leaseMs, claimBatchSize } = this.options;
    const runId = this.runId;
    while (!signal?.aborted) {
      this.throwIfListingFailed();
      await this.listIfFree();
      const claimed = await runs.claim(runId, worker, claimBatchSize, leaseMs);
      for (const object of claimed) yield { bucket: this.options.bucket, ...object };
      if (claimed.length > 0) continue;
      if ((await runs.releaseAbandoned(runId, worker)) > 0) continue;
      this.throwIfListingFailed();
      const progress = await runs.progress(runId);
      // The rest is held by live workers, which settle it (or, if they die, a later run does).
      if (progress.listingDone && !progress.pending) return;
      await this.idle(signal);
    }
  }

  /** A listing failure stops this worker's run as a failing listing stops an unshared one. */
  private throwIfListingFailed(): void {
    if (this.listingError) throw this.listingError.error;
  }

  /** Records an object's outcome for the run's totals. */
  async settle(object: SourceObject, outcome: RunOutcome): Promise<void> {
    await this.options.runs.settle(this.runId, this.options.worker, object.key, outcome);
  }

  /** The run's totals over every worker, after finishing the run when nothing is left. */
  async totals(): Promise<RunTotals> {
    await this.options.runs.tryFinish(this.runId);
    return this.options.runs.totals(this.runId);
  }

  /**
   * Stops the heartbeat and gives back what this worker holds: objects claimed but not settled
   * (a stopped run's) and the listing lease. Waits for the listing to stop.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    await this.listing;
    await this.options.runs.release(this.runId, this.options.worker);
  }

  /** Starts listing when the lease is free (or its holder's lease ended, or it died on this host). */
  private async listIfFree(): Promise<void> {
    if (this.listing !== undefined) return;
    const { runs, worker, leaseMs } = this.options;
    const lease = await runs.takeListing(this.runId, worker, leaseMs);
    if (lease === undefined) return;
    this.listing = this.list(lease.startAfter).then(
      () => this.wake(),
      (error: unknown) => {
        this.listingError = { error };
        this.wake();
      },
    );
  }

  private async list(startAfter: string | undefined): Promise<void> {
    const { runs, worker, leaseMs } = this.options;
    for await (const page of this.options.listPages(startAfter)) {
      if (this.closed) return;
      if (page.lastKey === undefined) continue;
      // Lost the lease (this worker stalled past it): the new holder lists from the last page noted.
      if (!(await runs.writePage(this.runId, worker, page.objects, page.lastKey, leaseMs))) return;
      this.wake();
    }
    await runs.finishListing(this.runId, worker);
  }

  private wake(): void {
    this.wakeIdle?.();
  }

  /** Waits for this worker's lister to write a page, or `idlePollMs` (others' pages, takeovers). */
  private idle(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wakeIdle = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.options.idlePollMs ?? 250);
      signal?.addEventListener('abort', done, { once: true });
      this.wakeIdle = done;
    });
  }
}
