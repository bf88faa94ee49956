/**
 * The PostgreSQL ledger's schema, as numbered migrations applied in order, each once. Every
 * process runs `migratePostgresLedger` when it opens the ledger (and `bucketbridge ledger migrate`
 * does so on purpose); a transaction-scoped advisory lock makes processes that start together
 * take turns, so the second one finds the work done (Graphile Worker's `migrate.ts` does the same).
 */
import type pg from 'pg';

/** Applied in order; never edit a released one, add the next. */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
CREATE TABLE bucketbridge_objects (
  connection text NOT NULL,
  bucket text NOT NULL,
  key text NOT NULL,
  version text NOT NULL,
  state text NOT NULL CHECK (state IN ('claimed', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  reason text,
  outputs jsonb NOT NULL DEFAULT '[]',
  pending jsonb NOT NULL DEFAULT '[]',
  bytes_in bigint NOT NULL DEFAULT 0,
  bytes_out bigint NOT NULL DEFAULT 0,
  run_id text NOT NULL,
  owner_host text NOT NULL,
  owner_pid integer NOT NULL,
  lease_until bigint NOT NULL,
  claimed_at bigint NOT NULL,
  finished_at bigint,
  PRIMARY KEY (connection, bucket, key, version)
);
CREATE INDEX bucketbridge_objects_by_state ON bucketbridge_objects (connection, state, claimed_at);
CREATE INDEX bucketbridge_objects_by_finish ON bucketbridge_objects (finished_at) WHERE finished_at IS NOT NULL;`,
  },
  {
    // Batch runs shared by many workers (postgres-shared-runs.ts): one row per run, one row per
    // object the run's listing found, claimed by workers in small batches.
    version: 2,
    sql: `
CREATE TABLE bucketbridge_runs (
  run_id text PRIMARY KEY,
  connection text NOT NULL,
  run_key text NOT NULL,
  bucket text NOT NULL,
  started_at bigint NOT NULL,
  listing_done boolean NOT NULL DEFAULT false,
  last_listed_key text,
  lister_id text,
  lister_host text,
  lister_pid integer,
  lister_until bigint,
  finished_at bigint
);
CREATE INDEX bucketbridge_runs_by_key ON bucketbridge_runs (connection, run_key, started_at);
CREATE TABLE bucketbridge_run_objects (
  run_id text NOT NULL REFERENCES bucketbridge_runs ON DELETE CASCADE,
  key text NOT NULL,
  etag text,
  size bigint,
  last_modified bigint,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'settled')),
  worker_id text,
  worker_host text,
  worker_pid integer,
  lease_until bigint,
  outcome text CHECK (outcome IN ('processed', 'skipped', 'failed')),
  PRIMARY KEY (run_id, key)
);
CREATE INDEX bucketbridge_run_objects_by_state ON bucketbridge_run_objects (run_id, state, key);`,
  },
];

/** The newest schema this build knows. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

// Any constant works as long as every bucketbridge process uses the same one.
const MIGRATION_LOCK_KEY = 0x62_62_6c_67; // "bblg"

/** Thrown when the database was migrated by a newer bucketbridge. */
export class LedgerSchemaTooNewError extends Error {
  override readonly name = 'LedgerSchemaTooNewError';
}

/** What migrate did: the version before and after. */
export interface MigrationResult {
  from: number;
  to: number;
}

/** The version the database is at; 0 when the ledger tables do not exist yet. */
export async function postgresSchemaVersion(client: pg.ClientBase | pg.Pool): Promise<number> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('bucketbridge_schema') AS t`);
  if (exists.rows[0]?.t === null) return 0;
  const result = await client.query<{ v: number | null }>(
    'SELECT max(version) AS v FROM bucketbridge_schema',
  );
  return result.rows[0]?.v ?? 0;
}

/** Brings the schema up to {@link POSTGRES_SCHEMA_VERSION}; safe to call from many processes at once. */
export async function migratePostgresLedger(pool: pg.Pool): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS bucketbridge_schema (
         version integer PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const from = await postgresSchemaVersion(client);
    if (from > POSTGRES_SCHEMA_VERSION) {
      throw new LedgerSchemaTooNewError(
        `The PostgreSQL ledger was migrated by a newer bucketbridge (schema ${from}, this build knows ` +
          `${POSTGRES_SCHEMA_VERSION}); upgrade bucketbridge to use it`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO bucketbridge_schema (version) VALUES ($1)', [migration.version]);
    }
    await client.query('COMMIT');
    return { from, to: POSTGRES_SCHEMA_VERSION };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
