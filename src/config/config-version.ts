/** Reading the format version of a configuration file. */
import { CURRENT_CONFIG_VERSION } from './schema.js';

/** The version a file's raw content declares; a file without `version` is version 1. */
export function declaredVersion(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const version = (raw as { version?: unknown }).version;
  return version === undefined ? 1 : version;
}

/** True for a whole-number version this build can migrate from (older than the current one). */
export function isOlderVersion(version: unknown): version is number {
  return (
    typeof version === 'number' &&
    Number.isInteger(version) &&
    version >= 1 &&
    version < CURRENT_CONFIG_VERSION
  );
}

/** True for a version written by a newer bucketbridge. */
export function isNewerVersion(version: unknown): version is number {
  return typeof version === 'number' && Number.isInteger(version) && version > CURRENT_CONFIG_VERSION;
}
