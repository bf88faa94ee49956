import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PostgresLedger } from '../../../src/state/postgres-ledger.js';
import { POSTGRES_SCHEMA_VERSION } from '../../../src/state/postgres-migrations.js';
import { createTestDatabase } from '../../helpers/postgres.js';
import { CLEAN_ENV, runCli } from '../../helpers/run-cli.js';
import { configText, describeLedgerCli } from './ledger-cli-suite.js';

/** The URL as the CLI prints it: any password replaced by ***. */
function redacted(setting: string): string {
  const url = new URL(setting);
  if (url.password !== '') url.password = '***';
  return url.toString();
}

describeLedgerCli('postgresql', async () => {
  const database = await createTestDatabase('ledger_cli');
  return {
    setting: database.url,
    label: redacted(database.url),
    schemaVersion: POSTGRES_SCHEMA_VERSION,
    open: (now) => new PostgresLedger({ url: database.url, now }),
    destroy: () => database.drop(),
  };
});

function inTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bb-ledger-cli-'));
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

describe('bucketbridge ledger on PostgreSQL, beyond the shared suite', () => {
  it('migrates once when two processes migrate a fresh database at the same moment', async () => {
    const database = await createTestDatabase('ledger_cli_migrate');
    try {
      await inTempDir(async (dir) => {
        writeFileSync(join(dir, 'bb.yaml'), configText(database.url));
        const migrate = () => runCli(['ledger', 'migrate', '-c', 'bb.yaml'], { cwd: dir, env: CLEAN_ENV });
        const results = await Promise.all([migrate(), migrate()]);
        expect(results.map((r) => r.exitCode)).toEqual([0, 0]);
        const label = redacted(database.url);
        expect(results.map((r) => r.stdout).sort()).toEqual([
          `Ledger ${label}: schema already at version ${POSTGRES_SCHEMA_VERSION}; nothing to do.\n`,
          `Ledger ${label}: schema migrated from version 0 to ${POSTGRES_SCHEMA_VERSION}.\n`,
        ]);
      });
    } finally {
      await database.drop();
    }
  });

  it('fails with exit 1 and one line naming the ledger (password hidden), no stack trace, when the server is unreachable', async () => {
    await inTempDir(async (dir) => {
      // Port 1 on the loopback: nothing listens, the connection is refused at once.
      writeFileSync(join(dir, 'bb.yaml'), configText('postgres://bb:s3cret@127.0.0.1:1/bucketbridge'));
      for (const args of [['status'], ['prune', '--older-than', '90d'], ['migrate']]) {
        const result = await runCli(['ledger', ...args, '-c', 'bb.yaml'], { cwd: dir, env: CLEAN_ENV });
        expect(result.stderr).toBe(
          'bucketbridge: cannot use the ledger postgres://bb:***@127.0.0.1:1/bucketbridge: connect ECONNREFUSED 127.0.0.1:1\n',
        );
        expect(result.exitCode).toBe(1);
        expect(result.stdout).toBe('');
      }
    });
  });

  it('gives up after connect_timeout when the server accepts the connection but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      await inTempDir(async (dir) => {
        const setting = `postgres://bb@127.0.0.1:${port}/bucketbridge?connect_timeout=2`;
        writeFileSync(join(dir, 'bb.yaml'), configText(setting));
        const result = await runCli(['ledger', 'status', '-c', 'bb.yaml'], { cwd: dir, env: CLEAN_ENV });
        expect(result.stderr).toBe(
          `bucketbridge: cannot use the ledger ${setting}: Connection terminated due to connection timeout\n`,
        );
        expect(result.exitCode).toBe(1);
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
