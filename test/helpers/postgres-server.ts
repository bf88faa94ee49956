/**
 * A throwaway PostgreSQL server for the test run: Debian's postgresql 15 binaries, a temporary
 * data folder, a free port on 127.0.0.1 and its socket in that folder. `initdb` and `postgres`
 * refuse to run as root, so as root they run as the `postgres` user (runuser).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN_DIR = process.env.BUCKETBRIDGE_TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
/** How long the server may take to accept connections, in milliseconds. */
const READY_TIMEOUT_MS = 30_000;

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`: the maintenance database, trust auth. */
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The command prefix that runs a PostgreSQL binary as a user it accepts. */
function asServerUser(): { prefix: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid, gid };
}

function command(prefix: string[], binary: string, args: string[]): [string, string[]] {
  const full = [...prefix, join(BIN_DIR, binary), ...args];
  return [full[0]!, full.slice(1)];
}

/** Resolves when a connection succeeds; rejects when the server exits or the bound passes. */
async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`postgres exited before accepting connections:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        throw new Error(
          `postgres did not accept connections in ${READY_TIMEOUT_MS} ms: ${String(error)}\n${log()}`,
        );
      }
      // The server is starting (connection refused or "starting up"): wait for its next log line
      // or process exit rather than a fixed delay, bounded so a quiet log cannot stall us.
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          child.stderr?.off('data', done);
          child.off('exit', done);
          resolve();
        };
        const timer = setTimeout(done, 100);
        child.stderr?.once('data', done);
        child.once('exit', done);
      });
    }
  }
}

/**
 * Fast shutdown through pg_ctl, which signals the postmaster by its pid file: a signal sent to
 * `runuser` would not reach the server.
 */
function stopServer(prefix: string[], data: string): Promise<void> {
  const [cmd, args] = command(prefix, 'pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
  return new Promise((resolve, reject) => {
    execFile(cmd, args, (error) => (error ? reject(error) : resolve()));
  });
}

/** Starts a throwaway server; the folder is removed when it stops or fails to start. */
export async function startPostgresServer(): Promise<PostgresServer> {
  if (!existsSync(join(BIN_DIR, 'postgres'))) {
    throw new Error(
      `PostgreSQL is not installed (${BIN_DIR}/postgres is missing): run scripts/ensure-tools.sh ` +
        'or set BUCKETBRIDGE_TEST_POSTGRES_URL',
    );
  }
  const { prefix, uid, gid } = asServerUser();
  const root = mkdtempSync(join(tmpdir(), 'bb-postgres-'));
  if (uid !== undefined && gid !== undefined) chownSync(root, uid, gid);
  const data = join(root, 'data');
  let child: ChildProcess | undefined;
  const removeFolder = () => rmSync(root, { recursive: true, force: true });
  try {
    const [initCmd, initArgs] = command(prefix, 'initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    execFileSync(initCmd, initArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    const port = await freePort();
    const [cmd, args] = command(prefix, 'postgres', [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      root,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ]);
    const started = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    let log = '';
    started.stderr.setEncoding('utf8').on('data', (d: string) => {
      log = (log + d).slice(-4000);
    });
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    await waitUntilReady(url, started, () => log);
    const stop = async () => {
      if (started.exitCode === null && started.signalCode === null) {
        const exited = new Promise((resolve) => started.once('exit', resolve));
        await stopServer(prefix, data);
        await exited;
      }
      removeFolder();
    };
    return { url, stop };
  } catch (error) {
    if (child && child.exitCode === null) {
      const running = child;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      await stopServer(prefix, data).catch(() => running.kill('SIGKILL'));
      await exited;
    }
    removeFolder();
    throw error;
  }
}
