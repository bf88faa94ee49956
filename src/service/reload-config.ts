/**
 * Reading a configuration for a reload, as Prometheus does it: the whole new file is read and
 * validated first, and only a file that is valid and changes nothing that needs a restart is
 * handed on; anything else comes back as a list of errors and the old configuration stays.
 */
import { type LoadedConfig, loadConfig } from '../config/index.js';
import { ConfigError, formatConfigProblem } from '../errors/index.js';

export type ReadConfigResult = { ok: true; loaded: LoadedConfig } | { ok: false; errors: string[] };

/** Reads and validates `path` as the successor of `current`. */
export async function readReloadedConfig(
  path: string,
  current: LoadedConfig,
  env?: NodeJS.ProcessEnv,
): Promise<ReadConfigResult> {
  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig(path, env ? { env } : {});
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, errors: error.problems.map(formatConfigProblem) };
    return { ok: false, errors: [error instanceof Error ? error.message : String(error)] };
  }
  // The ledger is opened once per process; moving it under running work could process twice.
  if (loaded.config.ledger !== current.config.ledger) {
    return {
      ok: false,
      errors: [
        `${path}: ledger: expected the running ledger ${current.config.ledger}, found ${loaded.config.ledger} (a new ledger needs a restart)`,
      ],
    };
  }
  return { ok: true, loaded };
}

/**
 * What a connection's work depends on besides itself: a reload restarts a connection when this
 * or the connection changed, and leaves it alone otherwise.
 */
export function connectionFingerprint(loaded: LoadedConfig, name: string): string {
  const { config } = loaded;
  const connection = config.connections.find((c) => c.name === name);
  return JSON.stringify({
    connection,
    aws: config.aws,
    processing: config.processing,
    vendor: config.vendor,
  });
}
