/**
 * PostgreSQL for a test file: a database of its own (CREATE DATABASE) on the run's server, so
 * files run in parallel without seeing each other's rows. Use only in `*.pg.test.ts` files.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { useBeforeAll } from './late-bound.js';

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Drops the database (after every client has disconnected). */
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database named after `label` plus a random suffix. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `bb_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin(async (c) => {
        // pg's pool.end() resolves before its sockets have closed; a FORCE drop while they close
        // sends those clients a FATAL they emit as an unhandled error. Wait for them to go first.
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline) {
          const { rows } = await c.query(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}

/** A database of its own for the tests of a file (or block): created before them, dropped after. */
export function useTestDatabase(label: string): TestDatabase {
  return useBeforeAll(
    'the test database',
    () => createTestDatabase(label),
    (database) => database.drop(),
  );
}
