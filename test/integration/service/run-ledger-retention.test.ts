/**
 * `bucketbridge run` applies `ledger.retention`: the service, started on a configuration whose
 * ledger block has a retention, removes the old finished entries and logs what it removed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger } from '../../../src/observe/logger.js';
import { startService } from '../../../src/service/run-service.js';
import type { LedgerKey, LedgerOwner } from '../../../src/state/ledger.js';
import { SqliteLedger } from '../../../src/state/sqlite-ledger.js';
import { waitFor } from '../../helpers/wait-for.js';

const DAY_MS = 86_400_000;
const OWNER: LedgerOwner = { runId: 'earlier-run', host: 'worker-1', pid: 4242 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bb-run-retention-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Entries of a connection no longer configured: two finished 40 days ago, one yesterday, one claim. */
async function seed(path: string): Promise<void> {
  let clock = Date.now() - 40 * DAY_MS;
  const ledger = new SqliteLedger({ path, now: () => clock });
  const key = (name: string): LedgerKey => ({
    connection: 'gone',
    bucket: 'gone-src',
    key: name,
    version: 'e',
  });
  const done = { outputs: [], bytesIn: 1, bytesOut: 1, attempts: 1 };
  await ledger.claim(key('old-done'), { owner: OWNER, leaseMs: 60_000 });
  await ledger.markDone(key('old-done'), OWNER, done);
  await ledger.claim(key('old-failed'), { owner: OWNER, leaseMs: 60_000 });
  await ledger.markFailed(key('old-failed'), OWNER, 'AccessDenied', 1);
  await ledger.claim(key('old-claim'), { owner: OWNER, leaseMs: 60_000 });
  clock = Date.now() - DAY_MS;
  await ledger.claim(key('recent'), { owner: OWNER, leaseMs: 60_000 });
  await ledger.markDone(key('recent'), OWNER, done);
  await ledger.close();
}

it('removes entries finished longer ago than ledger.retention and logs what it removed', async () => {
  const ledgerPath = join(dir, 'ledger.db');
  await seed(ledgerPath);
  const configPath = join(dir, 'bb.yaml');
  writeFileSync(
    configPath,
    `version: 2
vendor:
  accountId: "111111111111"
  principals: ["arn:aws:iam::111111111111:root"]
ledger:
  url: sqlite:./ledger.db
  retention: 30d
connections: []
`,
  );
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'info',
    pretty: false,
    destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const service = await startService({ configPath, logger, listen: '127.0.0.1:0', retentionFirstDelayMs: 0 });
  try {
    const retention = () => lines.filter((line) => String(line.msg).startsWith('ledger retention'));
    await waitFor('the retention log line', () => retention().length > 0);
    expect(retention().map((line) => [line.msg, line.connections])).toEqual([
      [
        'ledger retention: removed 2 entries finished more than 30d ago',
        [{ connection: 'gone', done: 1, failed: 1 }],
      ],
    ]);
  } finally {
    await service.stop(0);
  }
  const ledger = new SqliteLedger({ path: ledgerPath });
  expect(await ledger.summarize()).toMatchObject([{ connection: 'gone', claimed: 1, done: 1, failed: 0 }]);
  await ledger.close();
});
