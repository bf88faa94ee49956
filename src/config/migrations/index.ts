/**
 * The ordered chain of configuration migrations. A step per version, one file each; the last
 * step's `to` is the version this build reads (`CURRENT_CONFIG_VERSION`).
 */
import { type Document, isMap, isScalar } from 'yaml';
import { CURRENT_CONFIG_VERSION } from '../schema.js';
import type { Migration } from './migration.js';
import { v1ToV2 } from './v1-to-v2.js';

export const MIGRATIONS: readonly Migration[] = [v1ToV2];

export interface MigrationResult {
  /** The version the document declared before. */
  fromVersion: number;
  /** The version it declares now. */
  toVersion: number;
  /** One line per change, in order. */
  changes: string[];
}

/** Sets `version: N`, keeping the key where it is, or adding it as the first key of the file. */
function setVersion(document: Document, version: number): void {
  const root = document.contents;
  if (!isMap(root)) return;
  const existing = root.items.find((pair) => (isScalar(pair.key) ? pair.key.value : pair.key) === 'version');
  if (existing && isScalar(existing.value)) existing.value.value = version;
  else if (existing) existing.value = document.createNode(version);
  else {
    const pair = document.createPair('version', version);
    // A comment directly above the first key is the file's header: keep it above `version`.
    const first = root.items[0];
    if (first && isScalar(first.key) && first.key.commentBefore && isScalar(pair.key)) {
      pair.key.commentBefore = first.key.commentBefore;
      first.key.commentBefore = undefined;
    }
    root.items.unshift(pair);
  }
}

/**
 * Applies every migration from `fromVersion` up to the current version, editing the document in
 * place. The caller checks the version first (older than current, a whole number >= 1).
 */
export function migrateDocument(document: Document, fromVersion: number): MigrationResult {
  const changes: string[] = [];
  let version = fromVersion;
  for (const migration of MIGRATIONS) {
    if (migration.from !== version) continue;
    changes.push(...migration.apply(document));
    version = migration.to;
    setVersion(document, version);
    changes.push(`set version: ${version}`);
  }
  if (version !== CURRENT_CONFIG_VERSION) {
    throw new Error(`no migration path from version ${fromVersion} to ${CURRENT_CONFIG_VERSION}`);
  }
  return { fromVersion, toVersion: version, changes };
}
