import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lookupPgpass } from '../../../src/state/pgpass.js';
import { parsePostgresUrl, poolConfigFor } from '../../../src/state/postgres-connection.js';

describe('PostgreSQL connection settings from a ledger URL', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function pgpassFile(text: string, mode = 0o600): string {
    const dir = mkdtempSync(join(tmpdir(), 'bb-pgpass-'));
    dirs.push(dir);
    const file = join(dir, 'pgpass');
    writeFileSync(file, text);
    chmodSync(file, mode);
    return file;
  }

  const password = (setting: string, env: NodeJS.ProcessEnv) =>
    (poolConfigFor(setting, env).password as () => Promise<string>)();

  it('takes the password from the URL first, then PGPASSWORD, then the password file', async () => {
    const PGPASSFILE = pgpassFile('db.internal:5432:ledger:bb:from-file\n');
    expect(
      await password('postgres://bb:from%3Aurl@db.internal/ledger', { PGPASSWORD: 'env', PGPASSFILE }),
    ).toBe('from:url');
    expect(await password('postgres://bb@db.internal/ledger', { PGPASSWORD: 'env', PGPASSFILE })).toBe('env');
    expect(await password('postgres://bb@db.internal/ledger', { PGPASSFILE })).toBe('from-file');
    expect(await password('postgres://other@db.internal/ledger', { PGPASSFILE })).toBe('');
  });

  it.each([
    ['*:*:*:*:star', 'star'],
    ['db:5432:ledger:bb:a\\:b\\\\c', 'a:b\\c'],
    ['# comment\nother:*:*:*:no\ndb:*:ledger:*:second', 'second'],
    ['db:6543:ledger:bb:wrong-port', undefined],
  ])('reads the libpq password file line %j as %j', (text, expected) => {
    const PGPASSFILE = pgpassFile(text);
    expect(lookupPgpass({ host: 'db', port: 5432, database: 'ledger', user: 'bb' }, { PGPASSFILE })).toBe(
      expected,
    );
  });

  it('ignores a password file that group or others can read, as libpq does', () => {
    const PGPASSFILE = pgpassFile('*:*:*:*:secret', 0o644);
    expect(
      lookupPgpass({ host: 'db', port: 5432, database: 'l', user: 'u' }, { PGPASSFILE }),
    ).toBeUndefined();
  });

  it.each([
    ['postgres://bb@db/l', undefined],
    ['postgres://bb@db/l?sslmode=require', 'uselibpqcompat=true'],
  ])('asks pg for libpq sslmode semantics when sslmode is given: %s', (setting, flag) => {
    const config = poolConfigFor(setting, {});
    if (flag === undefined) expect(config.connectionString).not.toContain('uselibpqcompat');
    else expect(config.connectionString).toContain(flag);
  });

  it('takes the connect timeout as libpq does: connect_timeout in the URL, else PGCONNECT_TIMEOUT, at least 2 s', () => {
    const timeout = (setting: string, env: NodeJS.ProcessEnv = {}) =>
      poolConfigFor(setting, env).connectionTimeoutMillis;
    expect(timeout('postgres://db/ledger?connect_timeout=10')).toBe(10_000);
    expect(timeout('postgres://db/ledger?connect_timeout=1')).toBe(2000);
    expect(timeout('postgres://db/ledger?connect_timeout=0', { PGCONNECT_TIMEOUT: '5' })).toBeUndefined();
    expect(timeout('postgres://db/ledger', { PGCONNECT_TIMEOUT: '7' })).toBe(7000);
    expect(timeout('postgres://db/ledger')).toBeUndefined();
    expect(() => parsePostgresUrl('postgres://db/ledger?connect_timeout=10s')).toThrow(
      'connect_timeout must be a whole number of seconds, not "10s"',
    );
  });
});
