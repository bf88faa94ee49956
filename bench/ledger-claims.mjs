// Claim throughput of the ledger alone (issue 12 item 6): claims per second of new objects with
// 1, 4 and 16 concurrent claimers, on PostgreSQL and, for comparison, on SQLite.
//
//   npm run build && node bench/ledger-claims.mjs [--claims 3000]
//
// PostgreSQL: BUCKETBRIDGE_TEST_POSTGRES_URL when set, else a throwaway server in a temporary
// folder with PostgreSQL's default durability (fsync and synchronous_commit on, unlike the test
// suite's server), stopped and removed at the end. Each PostgreSQL claimer is its own ledger with
// its own pool, as separate worker processes would be; each claims one object after another, so
// N claimers keep N claims in flight. SQLite: one ledger file and one process (its claimers share
// the process's ledger, as a batch's concurrent objects do). Each figure is a fresh database.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PostgresLedger } from '../dist/src/state/postgres-ledger.js';
import { SqliteLedger } from '../dist/src/state/sqlite-ledger.js';
import { startPostgres } from './postgres-bench-lib.mjs';

const { values } = parseArgs({ options: { claims: { type: 'string', default: '3000' } } });
const CLAIMS = Number(values.claims);
const CONCURRENCY = [1, 4, 16];
const OWNER = { runId: 'bench', host: 'bench-host', pid: process.pid };

/** `claimers` ledgers claim CLAIMS new objects between them; resolves claims per second. */
async function measure(ledgers) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    ledgers.map(async (ledger) => {
      for (let i = next++; i < CLAIMS; i = next++) {
        const key = {
          connection: 'bench',
          bucket: 'src',
          key: `objects/${String(i).padStart(8, '0')}.log`,
          version: 'etag',
        };
        const claim = await ledger.claim(key, { owner: OWNER, leaseMs: 120_000 });
        if (claim.outcome !== 'claimed') throw new Error(`object ${i}: ${claim.outcome}`);
      }
    }),
  );
  return CLAIMS / ((performance.now() - started) / 1000);
}

async function postgresFigures(adminUrl) {
  const figures = [];
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const claimers of CONCURRENCY) {
      const name = `bb_bench_${claimers}_${process.pid}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      // A distinct URL per claimer gives each its own pool, as separate processes have.
      const ledgers = Array.from({ length: claimers }, (_, i) => {
        url.searchParams.set('application_name', `bench-${i}`);
        return new PostgresLedger({ url: url.toString() });
      });
      // Connect and migrate before the clock starts.
      await Promise.all(ledgers.map((l) => l.stats('warm-up')));
      figures.push({ backend: 'PostgreSQL', claimers, claimsPerSec: await measure(ledgers) });
      await Promise.all(ledgers.map((l) => l.close()));
      await admin.query(`DROP DATABASE ${name}`);
    }
  } finally {
    await admin.end();
  }
  return figures;
}

async function sqliteFigures() {
  const figures = [];
  for (const claimers of CONCURRENCY) {
    const dir = mkdtempSync(join(tmpdir(), 'bb-bench-sqlite-'));
    const ledger = new SqliteLedger({ path: join(dir, 'ledger.db') });
    figures.push({ backend: 'SQLite', claimers, claimsPerSec: await measure(Array(claimers).fill(ledger)) });
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

const given = process.env.BUCKETBRIDGE_TEST_POSTGRES_URL;
const server = given ? undefined : await startPostgres();
let figures;
try {
  figures = [...(await postgresFigures(given ?? server.url)), ...(await sqliteFigures())];
} finally {
  server?.stop();
}
console.log(
  `${CLAIMS} claims of new objects per figure; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}); Node ${process.version}; load average ${loadavg()[0].toFixed(2)}`,
);
console.log('| Ledger | Claimers | Claims/s |');
console.log('| --- | ---: | ---: |');
for (const f of figures) console.log(`| ${f.backend} | ${f.claimers} | ${Math.round(f.claimsPerSec)} |`);
