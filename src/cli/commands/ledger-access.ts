/** What the `ledger` commands share: the configuration, the ledger's name for people, its errors. */
import { resolveConfigPath } from '../../config/config-path.js';
import { findConnection } from '../../config/find-connection.js';
import { type LoadedConfig, loadConfig } from '../../config/load-config.js';
import { isUserFacingError, WorkFailedError } from '../../errors/index.js';
import { isPostgresSetting } from '../../state/create-ledger.js';

/** The configuration, after checking that `--connection` names one of its connections (exit 2). */
export async function loadForLedger(flags: { config?: string; connection?: string }): Promise<LoadedConfig> {
  const loaded = await loadConfig(resolveConfigPath(flags.config));
  if (flags.connection !== undefined) findConnection(loaded.config, flags.connection);
  return loaded;
}

/** The ledger setting with any password replaced by `***`, for messages and reports. */
export function ledgerLabel(setting: string): string {
  if (!isPostgresSetting(setting)) return setting;
  try {
    const url = new URL(setting);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return setting;
  }
}

export function backendOf(setting: string): 'sqlite' | 'postgresql' {
  return isPostgresSetting(setting) ? 'postgresql' : 'sqlite';
}

/** Why a ledger operation failed, in one line: pg and net errors sometimes carry only a code. */
function causeOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return causeOf(error.errors[0]);
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return error.message !== '' ? error.message : typeof code === 'string' ? code : error.name;
}

/**
 * Runs `work` on the ledger; a failure that is not a usage or configuration error becomes exit 1
 * with one line naming the ledger and the cause (an unreachable server, a locked or broken file).
 */
export async function onLedger<T>(setting: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUserFacingError(error)) throw error;
    throw new WorkFailedError(`cannot use the ledger ${ledgerLabel(setting)}: ${causeOf(error)}`, {
      cause: error,
    });
  }
}
