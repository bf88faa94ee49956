import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION_1_CONFIG, VERSION_1_MIGRATED } from '../fixtures/config.js';
import { CLEAN_ENV, runCli } from '../helpers/run-cli.js';

function setUp(text: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bb-migrate-'));
  const path = join(dir, 'bb.yaml');
  writeFileSync(path, text);
  return { dir, path };
}

const migrate = (dir: string, ...flags: string[]) =>
  runCli(['config', 'migrate', '--config', 'bb.yaml', ...flags], { cwd: dir, env: CLEAN_ENV });

const backups = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('bb.yaml.bak-'));

describe('config migrate from version 1', () => {
  it('backs the file up, adds the credential keys keeping comments, order and values, and asks for a restart', async () => {
    const { dir, path } = setUp(VERSION_1_CONFIG);
    const result = await migrate(dir);
    expect(result.exitCode).toBe(0);
    const [backup] = backups(dir);
    expect(backup).toMatch(/^bb\.yaml\.bak-\d{8}T\d{6}Z$/);
    expect(readFileSync(join(dir, backup!), 'utf8')).toBe(VERSION_1_CONFIG);
    expect(result.stderr).toBe(
      [
        'Migrated bb.yaml from version 1 to 2:',
        '  - connection "acme": added assumeRoleFlag, assumeRoleArn, stsCredsExpirationTime',
        '  - connection "globex": added assumeRoleFlag, assumeRoleArn, stsCredsExpirationTime',
        '  - set version: 2',
        `The original is saved as bb.yaml.${backup!.slice('bb.yaml.'.length)}.`,
        'A running bucketbridge service keeps the configuration it started with: restart it to use the new keys.',
        '',
      ].join('\n'),
    );
    const migrated = readFileSync(path, 'utf8');
    expect(migrated).toBe(VERSION_1_MIGRATED);
    const validate = await runCli(['config', 'validate', '--config', 'bb.yaml'], {
      cwd: dir,
      env: CLEAN_ENV,
    });
    expect(validate.exitCode).toBe(0);
  });

  it('is idempotent: a second run changes nothing, writes no backup and says so', async () => {
    const { dir, path } = setUp(VERSION_1_CONFIG);
    await migrate(dir);
    const after = readFileSync(path, 'utf8');
    const second = await migrate(dir);
    expect(second).toMatchObject({
      exitCode: 0,
      stdout: '',
      stderr: 'bb.yaml is already at version 2; nothing to change.\n',
    });
    expect(readFileSync(path, 'utf8')).toBe(after);
    expect(backups(dir)).toHaveLength(1);
  });

  it('with --dry-run prints a unified diff on stdout and writes nothing', async () => {
    const { dir, path } = setUp(VERSION_1_CONFIG);
    const result = await migrate(dir, '--dry-run');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--- bb.yaml\tversion 1\n+++ bb.yaml\tversion 2\n');
    expect(result.stdout).toContain(' # Production bucketbridge\n+version: 2\n vendor:\n');
    expect(result.stdout).toContain(
      '     accountId: "222222222222"\n+    assumeRoleFlag: false\n+    assumeRoleArn: []\n+    stsCredsExpirationTime: 1h\n',
    );
    expect(result.stderr).toContain('Nothing was written. Run again without --dry-run to migrate.\n');
    expect(readFileSync(path, 'utf8')).toBe(VERSION_1_CONFIG);
    expect(backups(dir)).toEqual([]);
  });
});

describe('config migrate refuses what it cannot migrate, exit 2, file untouched', () => {
  it('a file written by a newer bucketbridge', async () => {
    const text = `version: 3\n${VERSION_1_CONFIG}`;
    const { dir, path } = setUp(text);
    const result = await migrate(dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'bucketbridge: bb.yaml:1:10: version: expected a version from 1 to 2, found version 3 (this file was written by a newer bucketbridge; upgrade bucketbridge instead of migrating the file)\n',
    );
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(backups(dir)).toEqual([]);
  });

  it('a version 1 file with a problem migration cannot fix, reported at its own line', async () => {
    const text = VERSION_1_CONFIG.replace('{bucket: globex-dst}', '{bucket: Globex_Dst}');
    const { dir, path } = setUp(text);
    const result = await migrate(dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'bucketbridge: bb.yaml:15:27: connections[1].destination.bucket: expected an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens), found "Globex_Dst"\n',
    );
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(backups(dir)).toEqual([]);
  });

  it('a file that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-migrate-'));
    const result = await migrate(dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'bucketbridge: bb.yaml: expected a readable YAML configuration file, found no such file',
    );
  });
});
