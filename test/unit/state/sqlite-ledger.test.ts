import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerKey, LedgerOwner } from '../../../src/state/ledger.js';
import { LedgerClaimLostError } from '../../../src/state/ledger-claim-lost-error.js';
import { SqliteLedger } from '../../../src/state/sqlite-ledger.js';

const KEY: LedgerKey = { connection: 'acme', bucket: 'src-bucket', key: 'logs/a b+c%.gz', version: 'etag-1' };
const RUN_A: LedgerOwner = { runId: 'run-a', host: 'host-1', pid: 100 };
const RUN_B: LedgerOwner = { runId: 'run-b', host: 'host-1', pid: 200 };
const LEASE_MS = 60_000;

describe('the SQLite ledger', () => {
  let dir: string;
  let clock: number;
  let alive: Set<number>;
  let ledger: SqliteLedger;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bb-ledger-'));
    clock = 1_000_000;
    alive = new Set([100, 200]);
    ledger = open();
  });
  afterEach(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(): SqliteLedger {
    return new SqliteLedger({
      path: join(dir, 'nested', 'ledger.db'),
      now: () => clock,
      isOwnerAlive: (_host, pid) => alive.has(pid),
    });
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
      expect((await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS, retryFailed: true })).outcome).toBe(
        'done',
      );
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
      expect((await ledger.claim(KEY, { owner: RUN_B, leaseMs: LEASE_MS, retryFailed: true })).outcome).toBe(
        'claimed',
      );
      await ledger.markFailed(KEY, RUN_B, 'still denied', 3);
      const [entry] = await ledger.listFailed('acme');
      expect(entry).toMatchObject({ key: KEY.key, state: 'failed', attempts: 4, reason: 'still denied' });
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

  describe('durability and concurrency', () => {
    it('keeps every entry after the ledger is closed and reopened', async () => {
      await ledger.claim(KEY, { owner: RUN_A, leaseMs: LEASE_MS });
      await ledger.markDone(KEY, RUN_A, { outputs: [], bytesIn: 5, bytesOut: 5, attempts: 1 });
      await ledger.close();
      ledger = open();
      expect(await ledger.stats('acme')).toEqual({ claimed: 0, done: 1, failed: 0, bytesIn: 5, bytesOut: 5 });
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
