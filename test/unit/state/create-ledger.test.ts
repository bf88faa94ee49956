import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/cli/report-error.js';
import { ConfigError } from '../../../src/errors/index.js';
import { createLedger, resolveSqliteLedgerPath } from '../../../src/state/create-ledger.js';
import { PostgresLedger } from '../../../src/state/postgres-ledger.js';

describe('opening the ledger a configuration names', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['sqlite:./bucketbridge.db', '/etc/bb/config.yaml', '/etc/bb/bucketbridge.db'],
    ['sqlite:state/l.db', '/etc/bb/config.yaml', '/etc/bb/state/l.db'],
    ['sqlite:/var/lib/bb.db', '/etc/bb/config.yaml', '/var/lib/bb.db'],
  ])('resolves %s next to %s as %s', (setting, config, expected) => {
    expect(resolveSqliteLedgerPath(setting, config)).toBe(expected);
  });

  it('creates the SQLite file relative to the configuration file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-create-ledger-'));
    dirs.push(dir);
    const ledger = createLedger({ setting: 'sqlite:./data/ledger.db', configPath: join(dir, 'config.yaml') });
    await ledger.close();
    expect(existsSync(join(dir, 'data', 'ledger.db'))).toBe(true);
  });

  it.each([
    [
      'postgres://db',
      'bb.yaml: ledger: expected sqlite:PATH or postgres://USER@HOST:PORT/DB, found a PostgreSQL URL ' +
        '(the URL names no database (postgres://USER@HOST:PORT/DB))',
    ],
    [
      'postgresql://u:secret@db:5432/bb?sslmode=requir',
      'bb.yaml: ledger: expected sqlite:PATH or postgres://USER@HOST:PORT/DB, found a PostgreSQL URL ' +
        '(sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, not "requir")',
    ],
    [
      'postgres://u@db:99999/bb',
      'bb.yaml: ledger: expected sqlite:PATH or postgres://USER@HOST:PORT/DB, found a PostgreSQL URL (not a valid URL)',
    ],
    ['sqlite:', 'bb.yaml: ledger: expected sqlite:PATH or postgres://USER@HOST:PORT/DB, found "sqlite:"'],
    [
      'sqlite:/proc/nope/ledger.db',
      'bb.yaml: ledger: expected sqlite:PATH in a folder bucketbridge can create, found "sqlite:/proc/nope/ledger.db" ' +
        '(cannot create the folder /proc/nope: ENOENT)',
    ],
  ])('rejects %s as a configuration error', (setting, message) => {
    let caught: unknown;
    try {
      createLedger({ setting, configPath: 'bb.yaml' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(message);
    expect(exitCodeFor(caught)).toBe(2);
  });

  it.each(['postgres://bb@127.0.0.1:1/bb', 'postgresql://bb@127.0.0.1:1/bb?sslmode=verify-full'])(
    'opens %s as a PostgreSQL ledger that connects on first use',
    async (setting) => {
      const ledger = createLedger({ setting, configPath: 'bb.yaml' });
      expect(ledger).toBeInstanceOf(PostgresLedger);
      await expect(ledger.stats('c')).rejects.toThrow(/ECONNREFUSED/);
      await ledger.close();
    },
  );
});

describe('opening the ledger for a dry run', () => {
  it('creates nothing when the ledger does not exist yet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-dry-ledger-'));
    try {
      const ledger = createLedger({
        setting: 'sqlite:./l.db',
        configPath: join(dir, 'c.yaml'),
        readOnly: true,
      });
      expect(ledger).toBeUndefined();
      expect(existsSync(join(dir, 'l.db'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads an existing ledger and refuses to write to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-dry-ledger-'));
    const key = { connection: 'c', bucket: 'b', key: 'k', version: 'v' };
    const owner = { runId: 'r', host: 'h', pid: 1 };
    try {
      const writable = createLedger({ setting: 'sqlite:./l.db', configPath: join(dir, 'c.yaml') });
      await writable.claim(key, { owner, leaseMs: 1000 });
      await writable.close();
      const reader = createLedger({
        setting: 'sqlite:./l.db',
        configPath: join(dir, 'c.yaml'),
        readOnly: true,
      });
      expect((await reader?.get(key))?.state).toBe('claimed');
      await expect(reader?.claim({ ...key, key: 'other' }, { owner, leaseMs: 1000 })).rejects.toThrow(
        /readonly/,
      );
      await reader?.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
