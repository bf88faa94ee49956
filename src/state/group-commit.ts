/**
 * Group commit for the SQLite ledger: every operation queued in the same turn of the event loop
 * runs in one transaction, and the fsync that makes durable ones survive power loss runs off the
 * event loop (libuv's thread pool), shared by every commit made while the previous fsync ran.
 *
 * Why: better-sqlite3 is synchronous, so with `synchronous=FULL` each commit's fsync (milliseconds)
 * stopped every transfer of the process. Commits now use `synchronous=NORMAL`, which in WAL mode
 * survives a process crash (kill -9) at once; a caller asking for durability (done, failed) is
 * answered only after `fdatasync` of the WAL file returned, so its mark survives an OS crash or
 * power loss as before. One fsync of the WAL covers every commit before it (the WAL is one
 * sequential file, and SQLite syncs it itself before a checkpoint copies it into the database).
 */
import { type FileHandle, open } from 'node:fs/promises';
import type Database from 'better-sqlite3';

interface Operation {
  run: () => unknown;
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Options of {@link GroupCommit}. */
export interface GroupCommitOptions {
  /** The open database (WAL journal, `synchronous=NORMAL` unless `walPath` is undefined). */
  db: Database.Database;
  /**
   * The WAL file to fdatasync for durable operations. Undefined: no separate sync (an in-memory or
   * read-only database, or one opened with `synchronous=FULL`, whose commits sync themselves).
   */
  walPath?: string | undefined;
  /** Makes the WAL durable. Default: fdatasync of `walPath` on libuv's thread pool. Tests count calls. */
  syncWal?: (() => Promise<void>) | undefined;
}

export class GroupCommit {
  private readonly db: Database.Database;
  private readonly walPath: string | undefined;
  private readonly syncWal: () => Promise<void>;
  private queue: Operation[] = [];
  private scheduled = false;
  private walFile: Promise<FileHandle> | undefined;
  /** The fsync in flight, and the callers waiting for the one after it. */
  private syncing: Promise<void> | undefined;
  private waitingForNextSync: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(options: GroupCommitOptions) {
    this.db = options.db;
    this.walPath = options.walPath;
    this.syncWal = options.syncWal ?? (() => this.fdatasyncWal());
  }

  /** Queues an operation; `durable` ones resolve only once their commit is on disk (fsynced). */
  submit<T>(run: () => T, durable = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, durable, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now, in one transaction; each operation runs in its own savepoint. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const results: Array<{ ok: boolean; value: unknown }> = [];
    try {
      const run = this.db.transaction(() => {
        for (const op of batch) {
          // One failing operation must not roll back the others.
          try {
            results.push({ ok: true, value: this.db.transaction(op.run)() });
          } catch (error) {
            results.push({ ok: false, value: error });
          }
        }
      });
      // A read-only connection cannot take the write lock that IMMEDIATE asks for.
      if (this.db.readonly) run.deferred();
      else run.immediate();
    } catch (error) {
      for (const op of batch) op.reject(error);
      return;
    }
    const needsSync = this.walPath !== undefined && batch.some((op, i) => op.durable && results[i]!.ok);
    const synced = needsSync ? this.sync() : undefined;
    batch.forEach((op, i) => {
      const result = results[i]!;
      if (!result.ok) op.reject(result.value);
      else if (op.durable && synced !== undefined) synced.then(() => op.resolve(result.value), op.reject);
      else op.resolve(result.value);
    });
  }

  /**
   * Resolves after an fdatasync of the WAL that started after this call: while one runs, callers
   * wait for the next, which then covers all of them at once.
   */
  private sync(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waitingForNextSync.push({ resolve, reject });
      if (this.syncing === undefined) this.startSync();
    });
  }

  private startSync(): void {
    const waiting = this.waitingForNextSync;
    this.waitingForNextSync = [];
    this.syncing = this.syncWal().then(
      () => {
        for (const waiter of waiting) waiter.resolve();
      },
      (error: unknown) => {
        for (const waiter of waiting) waiter.reject(error);
      },
    );
    this.syncing.finally(() => {
      this.syncing = undefined;
      if (this.waitingForNextSync.length > 0) this.startSync();
    });
  }

  private async fdatasyncWal(): Promise<void> {
    // Opened once: SQLite keeps the WAL file (same inode) for as long as a connection is open.
    this.walFile ??= open(this.walPath!, 'r');
    const file = await this.walFile.catch((error: unknown) => {
      this.walFile = undefined; // asked again next time
      throw error;
    });
    await file.datasync();
  }

  /** Commits what is queued, waits for the fsync in flight and closes the WAL file. */
  async close(): Promise<void> {
    this.flush();
    while (this.syncing !== undefined) await this.syncing;
    const file = await this.walFile?.catch(() => undefined);
    this.walFile = undefined;
    await file?.close();
  }
}
