// PostgreSQL for the benchmarks: a throwaway server in a temporary folder with PostgreSQL's
// default durability (fsync and synchronous_commit on, unlike the test suite's server), on a free
// port of 127.0.0.1, and fresh databases on it. `stop()` stops and removes it.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_BIN = process.env.BUCKETBRIDGE_TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** initdb and pg_ctl refuse root: as root they run as the postgres user. */
function pgTool(tool, args) {
  const asRoot = process.getuid?.() === 0;
  const [cmd, full] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, tool), ...args]]
    : [join(PG_BIN, tool), args];
  execFileSync(cmd, full, { stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function startPostgres() {
  const root = mkdtempSync(join(tmpdir(), 'bb-bench-pg-'));
  if (process.getuid?.() === 0) {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, id('-u'), id('-g'));
  }
  const data = join(root, 'data');
  const port = await freePort();
  pgTool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  pgTool('pg_ctl', ['start', '-D', data, '-w', '-l', join(root, 'log'), '-o', options]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      pgTool('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A new empty database on the server at `adminUrl`; resolves its URL and a `drop()`. */
export async function createDatabase(adminUrl, name) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => client.end());
    },
  };
}
