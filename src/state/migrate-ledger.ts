/**
 * `bucketbridge ledger migrate`: brings a ledger's schema to this build's version and says from
 * which version. PostgreSQL runs its numbered migrations under an advisory lock (see
 * postgres-migrations.ts), so two processes migrating at once take turns; SQLite keeps its version
 * in `PRAGMA user_version` and creates its tables when opened, in one write transaction.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import {
  checkPostgresSetting,
  createLedger,
  isPostgresSetting,
  resolveSqliteLedgerPath,
} from './create-ledger.js';
import { acquirePool, releasePool } from './postgres-connection.js';
import { migratePostgresLedger } from './postgres-migrations.js';

export interface LedgerMigration {
  backend: 'sqlite' | 'postgresql';
  /** Schema version before; 0 when the ledger did not exist yet. */
  from: number;
  /** Schema version after. */
  to: number;
}

/** Migrates the ledger a configuration's `ledger` setting names. */
export async function migrateLedger(options: {
  setting: string;
  configPath: string;
}): Promise<LedgerMigration> {
  const { setting, configPath } = options;
  if (isPostgresSetting(setting)) {
    checkPostgresSetting(setting, configPath);
    const pool = acquirePool(setting);
    try {
      return { backend: 'postgresql', ...(await migratePostgresLedger(pool)) };
    } finally {
      await releasePool(setting);
    }
  }
  // createLedger checks the setting and creates the file, its folder and the tables.
  const path = resolveSqliteLedgerPath(setting, configPath);
  const from = existsSync(path) ? sqliteUserVersion(path) : 0;
  await createLedger({ setting, configPath }).close();
  return { backend: 'sqlite', from, to: sqliteUserVersion(path) };
}

function sqliteUserVersion(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}
