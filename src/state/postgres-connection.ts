/**
 * From a `ledger: postgres://...` setting to a `pg` pool, one per URL per process.
 *
 * Passwords, in libpq's order: the URL, `PGPASSWORD`, then a password file (see pgpass.ts), so
 * the configuration file never has to hold one.
 *
 * TLS by `sslmode`, as libpq users expect. `pg` on its own treats `require`, `prefer` and
 * `verify-ca` like `verify-full` (and warns that this will change); we add `uselibpqcompat=true`
 * whenever `sslmode` is given so that `pg` follows libpq: `disable` no TLS; `require` encrypted,
 * server certificate not checked (checked against `sslrootcert` when given); `verify-ca` chain
 * checked against `sslrootcert`, which is then required; `verify-full` chain and host name
 * checked. Two differences remain: `prefer` and `allow` encrypt without checking the certificate
 * and do not fall back to a plain connection, and without `sslmode` the connection is plain
 * (libpq's default is `prefer`).
 *
 * Connect timeout as libpq: `connect_timeout` in the URL, else `PGCONNECT_TIMEOUT`, in whole
 * seconds (at least 2; 0 or none waits indefinitely). `pg` reads neither itself.
 */
import pg from 'pg';
import { lookupPgpass } from './pgpass.js';

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** Why a ledger URL cannot be used, in words for a `ledger:` configuration problem. */
export class PostgresUrlError extends Error {
  override readonly name = 'PostgresUrlError';
}

/** Checks a `postgres://` or `postgresql://` URL; throws PostgresUrlError saying what is wrong. */
export function parsePostgresUrl(setting: string): URL {
  let url: URL;
  try {
    url = new URL(setting);
  } catch {
    throw new PostgresUrlError('not a valid URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new PostgresUrlError(`the scheme must be postgres:// or postgresql://, not ${url.protocol}//`);
  }
  if (url.hostname === '') throw new PostgresUrlError('the URL names no host');
  if (url.pathname.length <= 1)
    throw new PostgresUrlError('the URL names no database (postgres://USER@HOST:PORT/DB)');
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode !== null && !SSL_MODES.includes(sslmode)) {
    throw new PostgresUrlError(
      `sslmode must be one of ${SSL_MODES.join(', ')}, not ${JSON.stringify(sslmode)}`,
    );
  }
  const timeout = url.searchParams.get('connect_timeout');
  if (timeout !== null && !/^\d+$/.test(timeout)) {
    throw new PostgresUrlError(
      `connect_timeout must be a whole number of seconds, not ${JSON.stringify(timeout)}`,
    );
  }
  return url;
}

/** libpq's connect timeout in milliseconds; undefined to wait indefinitely. */
function connectTimeoutMs(url: URL, env: NodeJS.ProcessEnv): number | undefined {
  const text = url.searchParams.get('connect_timeout') ?? env.PGCONNECT_TIMEOUT?.trim() ?? '';
  const sec = /^\d+$/.test(text) ? Number(text) : 0;
  // libpq: zero waits indefinitely, and the shortest timeout is 2 seconds.
  return sec === 0 ? undefined : Math.max(sec, 2) * 1000;
}

/** Pool settings for a checked URL. Exposed for tests. */
export function poolConfigFor(setting: string, env: NodeJS.ProcessEnv = process.env): pg.PoolConfig {
  const url = parsePostgresUrl(setting);
  if (url.searchParams.has('sslmode')) url.searchParams.set('uselibpqcompat', 'true');
  const fromUrl = url.password === '' ? undefined : decodeURIComponent(url.password);
  const target = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 5432 : Number(url.port),
    database: decodeURIComponent(url.pathname.slice(1)),
    user: url.username === '' ? (env.PGUSER ?? env.USER ?? 'postgres') : decodeURIComponent(url.username),
  };
  const timeoutMs = connectTimeoutMs(url, env);
  return {
    ...(timeoutMs === undefined ? {} : { connectionTimeoutMillis: timeoutMs }),
    connectionString: url.toString(),
    user: target.user,
    // A function keeps pg from reading ~/.pgpass itself (deprecated there, with a warning).
    password: async () => fromUrl ?? env.PGPASSWORD ?? lookupPgpass(target, env) ?? '',
    max: 10,
    application_name: 'bucketbridge',
  };
}

const pools = new Map<string, { pool: pg.Pool; users: number }>();

/**
 * The process's pool for `setting`, shared by every ledger opened on it; release it with
 * {@link releasePool}. The last release ends the pool.
 */
export function acquirePool(setting: string): pg.Pool {
  let entry = pools.get(setting);
  if (entry === undefined) {
    const pool = new pg.Pool(poolConfigFor(setting));
    // An idle client losing its server connection must not crash the process; the next query
    // gets a fresh connection (and its own error if the server is still away).
    pool.on('error', () => undefined);
    entry = { pool, users: 0 };
    pools.set(setting, entry);
  }
  entry.users++;
  return entry.pool;
}

export async function releasePool(setting: string): Promise<void> {
  const entry = pools.get(setting);
  if (entry === undefined) return;
  entry.users--;
  if (entry.users > 0) return;
  pools.delete(setting);
  await entry.pool.end();
}
