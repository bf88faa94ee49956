/**
 * The ledger contract: what every `Ledger` back end must do, one suite run against each through a
 * factory (bullmq's adapter-conformance tests swap the back end the same way). SQLite runs it in
 * test/unit/state/sqlite-ledger.test.ts, PostgreSQL in test/integration/state/postgres-ledger.pg.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerKey, LedgerOwner } from '../../../src/state/ledger.js';
import { LedgerClaimLostError } from '../../../src/state/ledger-claim-lost-error.js';
import type { MaintainedLedger } from '../../../src/state/ledger-maintenance.js';

/** Test hooks every back end accepts. */
export interface LedgerHooks {
  now: () => number;
  isOwnerAlive: (host: string, pid: number) => boolean;
}

/** One empty store (a file, a database): opened any number of times, destroyed after the test. */
export interface LedgerStore {
  open(hooks: LedgerHooks): MaintainedLedger;
  destroy(): Promise<void>;
}

export interface LedgerFactory {
  create(): Promise<LedgerStore>;
}

const KEY: LedgerKey = { connection: 'acme', bucket: 'src-bucket', key: 'logs/a b+c%.gz', version: 'etag-1' };
const RUN_A: LedgerOwner = { runId: 'run-a', host: 'host-1', pid: 100 };
const RUN_B: LedgerOwner = { runId: 'run-b', host: 'host-1', pid: 200 };
const LEASE_MS = 60_000;

export function describeLedgerContract(backend: string, factory: LedgerFactory): void {
  describe(`the ledger contract on ${backend}`, () => {
    let clock: number;
    let alive: Set<number>;
    let store: LedgerStore;
    let ledger: MaintainedLedger;

    beforeEach(async () => {
      clock = 1_000_000;
      alive = new Set([100, 200]);
      store = await factory.create();
      ledger = open();
    });
    afterEach(async () => {
      await ledger.close();
      await store.destroy();
    });

    function open(): MaintainedLedger {
      return store.open({ now: () => clock, isOwnerAlive: (_host, pid) => alive.has(pid) });
    }

    describe('claiming', () => {
      it('claims an object it has never seen', async () => {
        expect(await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS })).toEqual({
          outcome: 'claimed',
          abandonedOutputs: [],
        });
        expect((await ledger.get(KEY))?.state).toBe('claimed');
      });

      it('reports a done object as done to every later run', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        await ledger.markDone(KEY, RUN_A, { outputs: [], bytesIn: 3, bytesOut: 2, attempts: 1 });
        expect((await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS })).outcome).toBe('done');
        expect(
          (await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS, retryFailed: true })).outcome,
        ).toBe('done');
      });

      it('keys entries by version, so a new version of the same key is claimed again', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        await ledger.markDone(KEY, RUN_A, { outputs: [], bytesIn: 0, bytesOut: 0, attempts: 1 });
        const next = { ...KEY, version: 'etag-2' };
        expect((await ledger.claim(next, { owner: RUN_B, leaseMs: LEASE_MS })).outcome).toBe('claimed');
      });

      it('keeps connections apart', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        await ledger.markDone(KEY, RUN_A, { outputs: [], bytesIn: 0, bytesOut: 0, attempts: 1 });
        expect(
          (await ledger.claim({ ...KEY, connection: 'other' }, { owner: RUN_B, leaseMs: LEASE_MS })).outcome,
        ).toBe('claimed');
      });

      it('refuses a claim another live run holds under an unexpired lease', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        expect((await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS })).outcome).toBe(
          'in-progress-elsewhere',
        );
      });

      it('lets the same run claim its own object again (a retry)', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        expect((await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS })).outcome).toBe('claimed');
      });
    });

    describe('leases', () => {
      it('takes over a claim whose lease expired', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        clock += LEASE_MS + 1;
        expect((await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS })).outcome).toBe('claimed');
        expect((await ledger.get(KEY))?.runId).toBe('run-b');
      });

      it('takes over a claim at once when its owner process has died, returning the outputs it had started', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        await ledger.notePendingOutput(KEY, RUN_A, { bucket: 'dst', key: 'out/big.bin' });
        alive.delete(100);
        expect(await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS })).toEqual({
          outcome: 'claimed',
          abandonedOutputs: [{ bucket: 'dst', key: 'out/big.bin' }],
        });
      });

      it('keeps a claim exclusive while its owner renews the lease', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        clock += LEASE_MS - 1;
        expect(await ledger.renew(KEY, RUN_A, LEASE_MS)).toBe(true);
        clock += LEASE_MS - 1;
        expect((await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS })).outcome).toBe(
          'in-progress-elsewhere',
        );
      });

      it('tells the previous owner its claim is lost once another run took it over', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        clock += LEASE_MS + 1;
        await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS });
        expect(await ledger.renew(KEY, RUN_A, LEASE_MS)).toBe(false);
        await expect(
          ledger.markDone(KEY, RUN_A, { outputs: [], bytesIn: 0, bytesOut: 0, attempts: 1 }),
        ).rejects.toThrow(
          'The ledger claim on s3://src-bucket/logs/a b+c%.gz (version etag-1) is no longer held by run run-a: ' +
            'another run took it over after the lease expired',
        );
        await expect(ledger.markFailed(KEY, RUN_A, 'x', 1)).rejects.toBeInstanceOf(LedgerClaimLostError);
      });
    });

    describe('failures', () => {
      it('skips a failed object unless retryFailed is asked, and counts attempts over runs', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        await ledger.markFailed(KEY, RUN_A, 'AccessDenied: no', 1);
        expect((await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS })).outcome).toBe('failed');
        expect(
          (await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS, retryFailed: true })).outcome,
        ).toBe('claimed');
        await ledger.markFailed(KEY, RUN_B, 'still denied', 3);
        const [entry] = await ledger.listFailed('acme');
        expect(entry).toMatchObject({ key: KEY.key, state: 'failed', attempts: 4, reason: 'still denied' });
      });

      it('forgets a released claim, so the same version is claimed afresh; a claim not held cannot be released', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        await ledger.release(KEY, RUN_A);
        expect(await ledger.get(KEY)).toBeUndefined();
        expect((await ledger.stats('acme')).claimed).toBe(0);
        await expect(ledger.release(KEY, RUN_A)).rejects.toBeInstanceOf(LedgerClaimLostError);
        expect((await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS })).outcome).toBe('claimed');
        await expect(ledger.release(KEY, RUN_A)).rejects.toBeInstanceOf(LedgerClaimLostError);
        expect(await ledger.get(KEY)).toMatchObject({ state: 'claimed', runId: RUN_B.runId });
      });

      it('clears the reason when a retried object succeeds', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        await ledger.markFailed(KEY, RUN_A, 'boom', 1);
        await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS, retryFailed: true });
        const outputs = [{ bucket: 'dst', key: 'k', bytes: 9 }];
        await ledger.markDone(KEY, RUN_B, { outputs, bytesIn: 10, bytesOut: 9, attempts: 1 });
        const entry = await ledger.get(KEY);
        expect(entry).toMatchObject({ state: 'done', attempts: 2, outputs, bytesIn: 10, bytesOut: 9 });
        expect(entry?.reason).toBeUndefined();
        expect(await ledger.listFailed('acme')).toEqual([]);
      });
    });

    describe('many workers at once', () => {
      it('gives each of many keys to exactly one of several claimers racing through separate ledgers', async () => {
        const claimers = [ledger, open(), open(), open()];
        const keys = Array.from({ length: 50 }, (_, i) => ({ ...KEY, key: `race/${i}` }));
        try {
          const results = await Promise.all(
            claimers.map(async (claimer, c) => {
              const owner = { runId: `racer-${c}`, host: 'h', pid: 100 };
              const won: string[] = [];
              for (const key of keys) {
                if ((await claimer.claim(key, { owner, leaseMs: LEASE_MS })).outcome === 'claimed')
                  won.push(key.key);
              }
              return won;
            }),
          );
          const all = results.flat();
          expect(all).toHaveLength(keys.length);
          expect(new Set(all).size).toBe(keys.length);
        } finally {
          for (const claimer of claimers.slice(1)) await claimer.close();
        }
      });
    });

    describe('status and pruning', () => {
      async function finish(key: LedgerKey, owner: LedgerOwner, reason?: string): Promise<void> {
        await ledger.claim(key, { owner, leaseMs: LEASE_MS });
        if (reason === undefined)
          await ledger.markDone(key, owner, { outputs: [], bytesIn: 1, bytesOut: 1, attempts: 1 });
        else await ledger.markFailed(key, owner, reason, 1);
      }

      it('summarizes each connection: counts by state, the oldest claim and its owner, failures by reason', async () => {
        await finish({ ...KEY, key: 'd1' }, RUN_A);
        await finish({ ...KEY, key: 'f1' }, RUN_A, 'AccessDenied');
        clock += 10;
        await finish({ ...KEY, key: 'f2' }, RUN_A, 'AccessDenied');
        await finish({ ...KEY, key: 'f3' }, RUN_A, 'NoSuchKey');
        await ledger.claim({ ...KEY, key: 'c1' }, { owner: RUN_A, leaseMs: LEASE_MS });
        clock += 5;
        await ledger.claim({ ...KEY, key: 'c2' }, { owner: RUN_B, leaseMs: LEASE_MS });
        await finish({ ...KEY, connection: 'zeta', key: 'z' }, RUN_B);
        const expected = {
          connection: 'acme',
          claimed: 2,
          done: 1,
          failed: 3,
          oldestClaim: {
            bucket: 'src-bucket',
            key: 'c1',
            version: 'etag-1',
            owner: RUN_A,
            claimedAt: new Date(1_000_010),
            leaseUntil: new Date(1_000_010 + LEASE_MS),
          },
          failuresByReason: [
            { reason: 'AccessDenied', count: 2 },
            { reason: 'NoSuchKey', count: 1 },
          ],
        };
        const zeta = { connection: 'zeta', claimed: 0, done: 1, failed: 0, failuresByReason: [] };
        expect(await ledger.summarize()).toEqual([expected, zeta]);
        expect(await ledger.summarize({ connection: 'acme' })).toEqual([expected]);
        expect(await ledger.summarize({ connection: 'acme', maxReasons: 1 })).toEqual([
          { ...expected, failuresByReason: [{ reason: 'AccessDenied', count: 2 }] },
        ]);
        expect(await ledger.summarize({ connection: 'nobody' })).toEqual([]);
      });

      it('prunes entries finished before the cutoff, never claims, and counts without removing on a dry run', async () => {
        await finish({ ...KEY, key: 'old-done' }, RUN_A);
        await finish({ ...KEY, key: 'old-failed' }, RUN_A, 'boom');
        await finish({ ...KEY, connection: 'zeta', key: 'old-z' }, RUN_A);
        await ledger.claim({ ...KEY, key: 'old-claim' }, { owner: RUN_A, leaseMs: LEASE_MS });
        clock += 1000;
        await finish({ ...KEY, key: 'new-done' }, RUN_A);
        const finishedBefore = new Date(clock);
        const both = [
          { connection: 'acme', done: 1, failed: 1 },
          { connection: 'zeta', done: 1, failed: 0 },
        ];
        expect(await ledger.prune({ finishedBefore, dryRun: true })).toEqual(both);
        expect((await ledger.summarize({ connection: 'acme' }))[0]).toMatchObject({
          claimed: 1,
          done: 2,
          failed: 1,
        });
        expect(await ledger.prune({ finishedBefore, keepConnections: ['acme'] })).toEqual([both[1]]);
        expect(await ledger.prune({ finishedBefore, connection: 'acme' })).toEqual([both[0]]);
        expect(await ledger.prune({ finishedBefore })).toEqual([]);
        expect((await ledger.summarize({ connection: 'acme' }))[0]).toMatchObject({
          claimed: 1,
          done: 1,
          failed: 0,
        });
        expect(await ledger.get({ ...KEY, key: 'old-done' })).toBeUndefined();
        expect((await ledger.get({ ...KEY, key: 'old-claim' }))?.state).toBe('claimed');
      });

      it('prunes in chunks until nothing is left', async () => {
        const keys = Array.from({ length: 7 }, (_, i) => ({ ...KEY, key: `k${i}` }));
        await Promise.all(keys.map((key) => ledger.claim(key, { owner: RUN_A, leaseMs: LEASE_MS })));
        const done = { outputs: [], bytesIn: 1, bytesOut: 1, attempts: 1 };
        await Promise.all(keys.map((key) => ledger.markDone(key, RUN_A, done)));
        clock += 1;
        const pruned = await ledger.prune({ finishedBefore: new Date(clock), chunkSize: 3 });
        expect(pruned).toEqual([{ connection: 'acme', done: 7, failed: 0 }]);
        expect(await ledger.summarize()).toEqual([]);
      });
    });

    describe('durability and concurrency', () => {
      it('keeps every entry after the ledger is closed and reopened', async () => {
        await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
        await ledger.markDone(KEY, RUN_A, { outputs: [], bytesIn: 5, bytesOut: 5, attempts: 1 });
        await ledger.close();
        ledger = open();
        expect(await ledger.stats('acme')).toEqual({
          claimed: 0,
          done: 1,
          failed: 0,
          bytesIn: 5,
          bytesOut: 5,
        });
      });

      it('grants exactly one of many concurrent claims on the same object', async () => {
        const owners = Array.from({ length: 20 }, (_, i) => ({ runId: `run-${i}`, host: 'h', pid: 100 }));
        const claims = await Promise.all(
          owners.map((owner) => ledger.claim(KEY, { owner, leaseMs: LEASE_MS })),
        );
        expect(claims.filter((c) => c.outcome === 'claimed')).toHaveLength(1);
        expect(claims.filter((c) => c.outcome === 'in-progress-elsewhere')).toHaveLength(19);
      });

      it('sees claims made through another connection to the same file', async () => {
        const other = open();
        try {
          await other.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS });
          expect((await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS })).outcome).toBe(
            'in-progress-elsewhere',
          );
        } finally {
          await other.close();
        }
      });
    });
  });
}
