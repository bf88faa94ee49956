import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../../src/state/sqlite-ledger.js';
import { CLEAN_ENV, runCli } from '../../helpers/run-cli.js';
import { configText, describeLedgerCli } from './ledger-cli-suite.js';

/** The schema version a new SQLite ledger gets from this build (`PRAGMA user_version`). */
async function sqliteSchemaVersion(dir: string): Promise<number> {
  const path = join(dir, 'probe.db');
  await new SqliteLedger({ path }).close();
  const db = new Database(path, { readonly: true });
  const version = db.pragma('user_version', { simple: true }) as number;
  db.close();
  return version;
}

describeLedgerCli('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bb-ledger-db-'));
  const path = join(dir, 'ledger.db');
  return {
    setting: `sqlite:${path}`,
    label: `sqlite:${path}`,
    schemaVersion: await sqliteSchemaVersion(dir),
    open: (now) => new SqliteLedger({ path, now }),
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('bucketbridge ledger on a SQLite file it cannot use', () => {
  it('reads a missing file as empty and creates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-ledger-cli-'));
    try {
      writeFileSync(join(dir, 'bb.yaml'), configText('sqlite:./never/ledger.db'));
      const status = await runCli(['ledger', 'status', '-c', 'bb.yaml'], { cwd: dir, env: CLEAN_ENV });
      expect(status.stdout).toBe('Ledger sqlite:./never/ledger.db\nNo entries.\n');
      const prune = await runCli(['ledger', 'prune', '-c', 'bb.yaml', '--older-than', '30d'], {
        cwd: dir,
        env: CLEAN_ENV,
      });
      expect(prune.stdout).toContain('Removed 0 entries finished more than 30d ago.\n');
      expect(prune.exitCode).toBe(0);
      const json = await runCli(['ledger', 'status', '-c', 'bb.yaml', '--json'], {
        cwd: dir,
        env: CLEAN_ENV,
      });
      expect(existsSync(join(dir, 'never'))).toBe(false);
      expect(JSON.parse(json.stdout)).toEqual({
        ledger: 'sqlite:./never/ledger.db',
        backend: 'sqlite',
        connections: [],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with exit 1 and one line naming the ledger, no stack trace, when the file is not a database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-ledger-cli-'));
    try {
      writeFileSync(join(dir, 'bb.yaml'), configText('sqlite:./ledger.db'));
      writeFileSync(join(dir, 'ledger.db'), 'not a database, a shopping list\n'.repeat(200));
      const result = await runCli(['ledger', 'status', '-c', 'bb.yaml'], { cwd: dir, env: CLEAN_ENV });
      expect(result.stderr).toBe(
        'bucketbridge: cannot use the ledger sqlite:./ledger.db: file is not a database\n',
      );
      expect(result.exitCode).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
