/**
 * `bucketbridge ledger status|prune|migrate` run as a process on a seeded ledger: one suite, run
 * on SQLite (ledger-cli.test.ts) and on a real PostgreSQL (ledger-cli.pg.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerKey, LedgerOwner } from '../../../src/state/ledger.js';
import type { MaintainedLedger } from '../../../src/state/ledger-maintenance.js';
import { CLEAN_ENV, runCli } from '../../helpers/run-cli.js';

const DAY_MS = 86_400_000;
const LEASE_MS = 60_000;
const OWNER: LedgerOwner = { runId: 'run-1', host: 'worker-1', pid: 4242 };

/** A store for one test: its `ledger:` setting, and the ledger opened with a clock. */
export interface CliLedgerStore {
  setting: string;
  /** The setting as the CLI prints it (a password replaced by ***). */
  label: string;
  /** The schema version this build migrates to. */
  schemaVersion: number;
  open(now: () => number): MaintainedLedger;
  destroy(): Promise<void>;
}

/** acme is a batch connection, globex a live one; `gone` is in the ledger only. */
export function configText(setting: string): string {
  return `version: 2
vendor:
  accountId: "111111111111"
  principals: ["arn:aws:iam::111111111111:root"]
ledger: "${setting}"
connections:
  - name: acme
    accountId: "222222222222"
    source: { bucket: acme-src }
    destination: { bucket: acme-dst }
    workflow: batch
  - name: globex
    accountId: "333333333333"
    source: { bucket: globex-src }
    destination: { bucket: globex-dst }
    workflow: live
    live: { mode: sqs, queueUrl: "https://sqs.us-east-1.amazonaws.com/333333333333/events" }
`;
}

/**
 * Entries finished 200 days ago in every connection, one 200-day-old claim and a day-old entry
 * of globex, and failures of two reasons. Resolves when the stuck claim was made.
 */
async function seed(store: CliLedgerStore): Promise<Date> {
  let clock = Date.now() - 200 * DAY_MS;
  const ledger = store.open(() => clock);
  const key = (connection: string, name: string): LedgerKey => ({
    connection,
    bucket: `${connection}-src`,
    key: name,
    version: 'etag-1',
  });
  const finish = async (k: LedgerKey, reason?: string) => {
    await ledger.claim(k, { owner: OWNER, leaseMs: LEASE_MS });
    if (reason === undefined)
      await ledger.markDone(k, OWNER, { outputs: [], bytesIn: 1, bytesOut: 1, attempts: 1 });
    else await ledger.markFailed(k, OWNER, reason, 1);
  };
  for (const connection of ['acme', 'globex', 'gone']) {
    await finish(key(connection, 'old-done'));
    await finish(key(connection, 'old-failed'), 'AccessDenied: Access Denied');
  }
  await finish(key('globex', 'old-failed-2'), 'AccessDenied: Access Denied');
  await finish(key('globex', 'old-failed-3'), 'NoSuchKey: The specified key does not exist.');
  const claimedAt = new Date(clock);
  await ledger.claim(key('globex', 'logs/stuck.gz'), { owner: OWNER, leaseMs: LEASE_MS });
  clock = Date.now() - DAY_MS;
  await finish(key('globex', 'new-done'));
  await ledger.close();
  return claimedAt;
}

export function describeLedgerCli(backend: string, createStore: () => Promise<CliLedgerStore>): void {
  describe(`bucketbridge ledger on ${backend}`, () => {
    let dir: string;
    let store: CliLedgerStore;
    let configPath: string;

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'bb-ledger-cli-'));
      store = await createStore();
      configPath = join(dir, 'bb.yaml');
      writeFileSync(configPath, configText(store.setting));
    });
    afterEach(async () => {
      await store.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    const ledgerCli = (...args: string[]) =>
      runCli(['ledger', ...args, '--config', configPath], { cwd: dir, env: CLEAN_ENV });

    it('status: counts by state, the oldest claim with its age and owner, failures by reason', async () => {
      await seed(store);
      const result = await ledgerCli('status');
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(
        [
          `Ledger ${store.label}`,
          '',
          'acme: 0 claimed, 1 done, 1 failed',
          '  failures by reason:',
          '         1  AccessDenied: Access Denied',
          '',
          'globex: 1 claimed, 2 done, 3 failed',
          '  oldest claim: s3://globex-src/logs/stuck.gz (version etag-1), claimed 200d ago',
          '    by run run-1 on worker-1 (pid 4242); lease expired 199d23h ago (the next run takes it over)',
          '  failures by reason:',
          '         2  AccessDenied: Access Denied',
          '         1  NoSuchKey: The specified key does not exist.',
          '',
          'gone: 0 claimed, 1 done, 1 failed',
          '  failures by reason:',
          '         1  AccessDenied: Access Denied',
          '',
        ].join('\n'),
      );
    });

    it('status --json: one document of the documented shape; --connection and --top narrow it', async () => {
      const claimedAt = await seed(store);
      const result = await ledgerCli('status', '--json', '--connection', 'globex', '--top', '1');
      expect(result.exitCode).toBe(0);
      const document = JSON.parse(result.stdout) as {
        connections: Array<{ oldestClaim: { ageSec: number } }>;
      };
      expect(document).toEqual({
        ledger: store.label,
        backend,
        connections: [
          {
            connection: 'globex',
            claimed: 1,
            done: 2,
            failed: 3,
            oldestClaim: {
              bucket: 'globex-src',
              key: 'logs/stuck.gz',
              version: 'etag-1',
              claimedAt: claimedAt.toISOString(),
              ageSec: expect.any(Number),
              owner: OWNER,
              leaseUntil: new Date(claimedAt.getTime() + LEASE_MS).toISOString(),
              leaseExpired: true,
            },
            failuresByReason: [{ reason: 'AccessDenied: Access Denied', count: 2 }],
          },
        ],
      });
      expect(document.connections[0]!.oldestClaim.ageSec).toBeGreaterThanOrEqual(200 * 86_400);
      const text = await ledgerCli('status', '--connection', 'globex', '--top', '1');
      expect(text.stdout).toContain(
        '  failures by reason:\n         2  AccessDenied: Access Denied\n         1  (other reasons)\n',
      );
    });

    it('prune: a dry run removes nothing; then old done/failed entries go, claims and listing connections stay', async () => {
      await seed(store);
      const kept =
        'Kept acme: it lists its source again (batch, or live with backfill) and would process objects whose entries are gone a second time; --include-batch removes them too.';
      const dryRun = await ledgerCli('prune', '--older-than', '90d', '--dry-run');
      expect(dryRun.exitCode).toBe(0);
      expect(dryRun.stdout).toBe(
        [
          `Ledger ${store.label}`,
          'Would remove 6 entries finished more than 90d ago:',
          '  globex: 1 done, 3 failed',
          '  gone: 1 done, 1 failed',
          kept,
          '',
        ].join('\n'),
      );
      expect((await ledgerCli('status')).stdout).toContain('gone: 0 claimed, 1 done, 1 failed');

      const pruned = await ledgerCli('prune', '--older-than', '90d');
      expect(pruned.exitCode).toBe(0);
      expect(pruned.stdout).toBe(dryRun.stdout.replace('Would remove', 'Removed'));
      const after = await ledgerCli('status');
      expect(after.stdout).toContain('acme: 0 claimed, 1 done, 1 failed\n');
      expect(after.stdout).toContain(
        'globex: 1 claimed, 1 done, 0 failed\n  oldest claim: s3://globex-src/logs/stuck.gz',
      );
      expect(after.stdout).not.toContain('gone:');

      const again = await ledgerCli('prune', '--older-than', '90d');
      expect(again.stdout).toBe(
        `Ledger ${store.label}\nRemoved 0 entries finished more than 90d ago.\n${kept}\n`,
      );
      const batch = await ledgerCli(
        'prune',
        '--older-than',
        '90d',
        '--include-batch',
        '--connection',
        'acme',
      );
      expect(batch.stdout).toBe(
        `Ledger ${store.label}\nRemoved 2 entries finished more than 90d ago:\n  acme: 1 done, 1 failed\n`,
      );
      expect((await ledgerCli('status', '--connection', 'acme')).stdout).toBe(
        `Ledger ${store.label}\nNo entries.\n`,
      );
    });

    it('migrate: says the version before and after, and a second run finds nothing to do', async () => {
      const first = await ledgerCli('migrate');
      expect(first.stdout).toBe(
        `Ledger ${store.label}: schema migrated from version 0 to ${store.schemaVersion}.\n`,
      );
      expect(first.exitCode).toBe(0);
      const second = await ledgerCli('migrate');
      expect(second.stdout).toBe(
        `Ledger ${store.label}: schema already at version ${store.schemaVersion}; nothing to do.\n`,
      );
    });

    it.each([
      [
        ['prune', '--older-than', '5x'],
        `error: option '--older-than <duration>' argument '5x' is invalid. expected a duration of at least 14d such as 90d, 30d or 2160h (a queue can redeliver a message for up to 14 days), found "5x"\n(run with --help for usage)\n`,
      ],
      [
        ['prune', '--older-than', '7d'],
        `error: option '--older-than <duration>' argument '7d' is invalid. expected a duration of at least 14d such as 90d, 30d or 2160h (a queue can redeliver a message for up to 14 days), found "7d"\n(run with --help for usage)\n`,
      ],
      [
        ['prune'],
        `error: required option '--older-than <duration>' not specified\n(run with --help for usage)\n`,
      ],
      [
        ['status', '--connection', 'nope'],
        'bucketbridge: no connection named "nope": known connections: acme, globex\n',
      ],
      [
        ['status', '--top', '0'],
        `error: option '--top <n>' argument '0' is invalid. expected a whole number from 1 to 1000, found "0"\n(run with --help for usage)\n`,
      ],
    ])('refuses %j with exit 2 and says why', async (args, stderr) => {
      const result = await ledgerCli(...args);
      expect(result.stderr).toBe(stderr);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
    });
  });
}
