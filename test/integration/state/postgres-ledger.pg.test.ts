import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresLedger } from '../../../src/state/postgres-ledger.js';
import {
  MIGRATIONS,
  migratePostgresLedger,
  POSTGRES_SCHEMA_VERSION,
  postgresSchemaVersion,
} from '../../../src/state/postgres-migrations.js';
import { createTestDatabase } from '../../helpers/postgres.js';
import { describeLedgerContract } from '../../unit/state/ledger-contract.js';

describeLedgerContract('PostgreSQL', {
  async create() {
    const database = await createTestDatabase('contract');
    return {
      open: (hooks) => new PostgresLedger({ url: database.url, ...hooks }),
      destroy: () => database.drop(),
    };
  },
});

describe('the PostgreSQL ledger schema', () => {
  it('is migrated once when many processes open a fresh database at the same moment', async () => {
    const database = await createTestDatabase('migrate');
    try {
      // Separate pools, as separate processes would have.
      const pools = Array.from({ length: 6 }, () => new pg.Pool({ connectionString: database.url }));
      const results = await Promise.all(pools.map((pool) => migratePostgresLedger(pool)));
      expect(results.filter((r) => r.from === 0)).toHaveLength(1);
      expect(results.every((r) => r.to === POSTGRES_SCHEMA_VERSION)).toBe(true);
      const versions = await pools[0]!.query('SELECT version FROM bucketbridge_schema ORDER BY version');
      expect(versions.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      await Promise.all(pools.map((pool) => pool.end()));
    } finally {
      await database.drop();
    }
  });

  it('reads an unmigrated database as empty in read-only mode and creates nothing', async () => {
    const database = await createTestDatabase('readonly');
    try {
      const ledger = new PostgresLedger({ url: database.url, readOnly: true });
      expect(await ledger.get({ connection: 'c', bucket: 'b', key: 'k', version: 'v' })).toBeUndefined();
      expect(await ledger.summarize()).toEqual([]);
      await expect(
        ledger.claim(
          { connection: 'c', bucket: 'b', key: 'k', version: 'v' },
          { owner: { runId: 'r', host: 'h', pid: 1 }, leaseMs: 1 },
        ),
      ).rejects.toThrow('the ledger is open read-only (a dry run writes nothing)');
      await ledger.close();
      const pool = new pg.Pool({ connectionString: database.url });
      expect(await postgresSchemaVersion(pool)).toBe(0);
      await pool.end();
    } finally {
      await database.drop();
    }
  });
});
