/**
 * Opens the ledger a configuration names: `sqlite:PATH` (relative to the configuration file) or
 * `postgres://USER@HOST:PORT/DB` (also `postgresql://`).
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors/index.js';
import { MakeDirectoryError } from '../fs/make-directory.js';
import type { MaintainedLedger } from './ledger-maintenance.js';
import { PostgresUrlError, parsePostgresUrl } from './postgres-connection.js';
import { PostgresLedger } from './postgres-ledger.js';
import { SqliteLedger } from './sqlite-ledger.js';

export interface CreateLedgerOptions {
  /** The configuration's `ledger` value, e.g. `sqlite:./bucketbridge.db`. */
  setting: string;
  /** Path of the configuration file; relative ledger paths are resolved against its directory. */
  configPath: string;
  /**
   * Open for reading only (`--dry-run`): nothing is created or written. Resolves undefined when the
   * ledger file does not exist yet (nothing has been processed). Default false.
   */
  readOnly?: boolean;
}

/** The file a `sqlite:PATH` setting points to, resolved against the configuration file's directory. */
export function resolveSqliteLedgerPath(setting: string, configPath: string): string {
  const path = setting.slice('sqlite:'.length);
  return isAbsolute(path) ? path : resolve(dirname(resolve(configPath)), path);
}

const EXPECTED = 'sqlite:PATH or postgres://USER@HOST:PORT/DB';

/** Whether a `ledger` setting names PostgreSQL rather than SQLite. */
export function isPostgresSetting(setting: string): boolean {
  return /^postgres(ql)?:/.test(setting);
}

/** Checks a `postgres://` setting; a ConfigError naming the `ledger` key says what is wrong. */
export function checkPostgresSetting(setting: string, configPath: string): void {
  try {
    parsePostgresUrl(setting);
  } catch (error) {
    if (!(error instanceof PostgresUrlError)) throw error;
    throw new ConfigError([
      {
        file: configPath,
        path: 'ledger',
        expected: EXPECTED,
        found: 'a PostgreSQL URL',
        hint: error.message,
      },
    ]);
  }
}

/**
 * Builds the ledger for a configuration. Throws ConfigError (exit 2) for a setting this build
 * cannot open, naming the `ledger` key and what is wrong. A PostgreSQL ledger connects and
 * migrates lazily: a server that cannot be reached fails the first operation.
 */
export function createLedger(options: CreateLedgerOptions & { readOnly?: false }): MaintainedLedger;
export function createLedger(options: CreateLedgerOptions): MaintainedLedger | undefined;
export function createLedger(options: CreateLedgerOptions): MaintainedLedger | undefined {
  const { setting, configPath } = options;
  if (setting.startsWith('sqlite:') && setting.length > 'sqlite:'.length) {
    const path = resolveSqliteLedgerPath(setting, configPath);
    if (options.readOnly) return existsSync(path) ? new SqliteLedger({ path, readOnly: true }) : undefined;
    try {
      return new SqliteLedger({ path });
    } catch (error) {
      if (!(error instanceof MakeDirectoryError)) throw error;
      throw new ConfigError(
        [
          {
            file: configPath,
            path: 'ledger',
            expected: 'sqlite:PATH in a folder bucketbridge can create',
            found: JSON.stringify(setting),
            hint: error.message,
          },
        ],
        { cause: error },
      );
    }
  }
  if (isPostgresSetting(setting)) {
    checkPostgresSetting(setting, configPath);
    return new PostgresLedger({ url: setting, readOnly: options.readOnly ?? false });
  }
  throw new ConfigError([
    { file: configPath, path: 'ledger', expected: EXPECTED, found: JSON.stringify(setting) },
  ]);
}
