import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../src/state/group-commit.js';

describe('group commit', () => {
  let dir: string;
  let db: Database.Database;
  let syncs: Array<() => void>;
  let commits: GroupCommit;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bb-group-commit-'));
    db = new Database(join(dir, 'db.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (n INTEGER)');
    syncs = [];
    // Each sync finishes only when the test says so.
    const syncWal = () => new Promise<void>((resolve) => syncs.push(resolve));
    commits = new GroupCommit({ db, walPath: join(dir, 'db.sqlite-wal'), syncWal });
  });
  afterEach(async () => {
    for (const finish of syncs) finish();
    await commits.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (n: number) => () => db.prepare('INSERT INTO t (n) VALUES (?)').run(n).changes;
  const count = () => (db.prepare('SELECT COUNT(*) AS c FROM t').get() as { c: number }).c;
  const settled = async (promise: Promise<unknown>) => {
    let done = false;
    promise.then(() => {
      done = true;
    });
    // Two turns of the loop: the flush (setImmediate) and the promise callbacks after it.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    return done;
  };

  it('commits the operations of one turn together and answers the non-durable ones at once', async () => {
    const results = await Promise.all([commits.submit(insert(1)), commits.submit(insert(2))]);
    expect(results).toEqual([1, 1]);
    expect(count()).toBe(2);
    expect(syncs).toHaveLength(0);
  });

  it('answers a durable operation only after the WAL is synced', async () => {
    const durable = commits.submit(insert(1), true);
    expect(await settled(durable)).toBe(false);
    expect(count()).toBe(1); // committed, not yet answered
    expect(syncs).toHaveLength(1);
    syncs[0]!();
    expect(await durable).toBe(1);
  });

  it('makes the durable commits issued while a sync runs share the next sync', async () => {
    const first = commits.submit(insert(1), true);
    await settled(first);
    const later = [commits.submit(insert(2), true), commits.submit(insert(3), true)];
    await settled(later[0]!);
    const latest = commits.submit(insert(4), true);
    await settled(latest);
    expect(syncs).toHaveLength(1); // the others wait for the one in flight to end
    syncs[0]!();
    await first;
    expect(await settled(Promise.all([...later, latest]))).toBe(false);
    expect(syncs).toHaveLength(2);
    syncs[1]!();
    expect(await Promise.all([...later, latest])).toEqual([1, 1, 1]);
  });

  it('rejects a failing operation without rolling back the others of its commit', async () => {
    const failing = commits.submit(() => {
      throw new Error('no such thing');
    });
    const ok = commits.submit(insert(1));
    await expect(failing).rejects.toThrow('no such thing');
    expect(await ok).toBe(1);
    expect(count()).toBe(1);
  });

  it('rejects a durable operation whose sync failed', async () => {
    const failing = new GroupCommit({
      db,
      walPath: join(dir, 'db.sqlite-wal'),
      syncWal: () => Promise.reject(new Error('EIO: i/o error, fdatasync')),
    });
    await expect(failing.submit(insert(1), true)).rejects.toThrow('EIO: i/o error, fdatasync');
    await failing.close();
  });

  it('syncs the real WAL file by default', async () => {
    const real = new GroupCommit({ db, walPath: join(dir, 'db.sqlite-wal') });
    expect(await real.submit(insert(7), true)).toBe(1);
    await real.close();
  });
});
