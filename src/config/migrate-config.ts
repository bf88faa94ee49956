/**
 * `config migrate`: brings a configuration file to the current version by editing its YAML
 * document (comments, key order and values kept), after a backup, with an atomic write.
 */
import { createTwoFilesPatch } from 'diff';
import { ConfigError } from '../errors/index.js';
import { declaredVersion, isNewerVersion, isOlderVersion } from './config-version.js';
import { validateConfigText } from './load-config.js';
import { locate } from './locate.js';
import { migrateDocument } from './migrations/index.js';
import { readConfigFile } from './parse-config-text.js';
import { CURRENT_CONFIG_VERSION } from './schema.js';
import { backupFile, writeFileAtomic } from './write-file-atomic.js';

export interface MigrateOptions {
  /** Compute the change and its diff, write nothing. */
  dryRun?: boolean;
  /** Clock for the backup's name (tests). Default: now. */
  now?: Date;
}

export type MigrateOutcome =
  | { status: 'current'; path: string; version: number }
  | {
      status: 'migrated' | 'would-migrate';
      path: string;
      fromVersion: number;
      toVersion: number;
      changes: string[];
      /** Unified diff of the file, old → new. */
      diff: string;
      /** Where the original was copied (not set for a dry run). */
      backupPath?: string;
    };

/** Migrates the file at `path`. Throws ConfigError (exit 2) for unreadable, invalid or too new files. */
export async function migrateConfigFile(path: string, options: MigrateOptions = {}): Promise<MigrateOutcome> {
  const file = await readConfigFile(path);
  const raw: unknown = file.document.toJS({ maxAliasCount: 100 });
  const version = declaredVersion(raw);
  if (version === CURRENT_CONFIG_VERSION) return { status: 'current', path, version };
  if (isNewerVersion(version) || !isOlderVersion(version)) {
    const position = locate(file.document, file.lineCounter, ['version']);
    throw new ConfigError([
      {
        file: path,
        ...(position ? { line: position.line, column: position.column } : {}),
        path: 'version',
        expected: `a version from 1 to ${CURRENT_CONFIG_VERSION}`,
        found: typeof version === 'number' ? `version ${version}` : JSON.stringify(version),
        hint: isNewerVersion(version)
          ? 'this file was written by a newer bucketbridge; upgrade bucketbridge instead of migrating the file'
          : 'set version to the format the file is written in (1 when unsure)',
      },
    ]);
  }
  // Problems migration cannot fix are reported against the user's own lines, before any change.
  validateConfigText(path, file.text, { allowOlderVersion: true, env: {} });

  const result = migrateDocument(file.document, version);
  // Keep the user's spacing inside flow collections (`{a: 1}` vs `{ a: 1 }`) so only the changes show.
  const flowCollectionPadding = /[[{] \S/.test(file.text);
  const migratedText = file.document.toString({ lineWidth: 0, flowCollectionPadding });
  // The migrated text must itself be valid; anything else is a bug in a migration, not the user's.
  validateConfigText(path, migratedText, { env: {} });
  const diff = createTwoFilesPatch(
    path,
    path,
    file.text,
    migratedText,
    `version ${version}`,
    `version ${result.toVersion}`,
  );
  const outcome = { path, fromVersion: version, toVersion: result.toVersion, changes: result.changes, diff };
  if (options.dryRun) return { status: 'would-migrate', ...outcome };
  const backupPath = await backupFile(path, options.now);
  await writeFileAtomic(path, migratedText);
  return { status: 'migrated', ...outcome, backupPath };
}
