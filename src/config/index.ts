/** The configuration: schema, loading and validation. */
export { DEFAULT_CONFIG_FILE, resolveConfigPath } from './config-path.js';
export { formatDurationSec, parseDurationMs } from './duration.js';
export { findConnection } from './find-connection.js';
export {
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  locateKey,
  validateConfigText,
} from './load-config.js';
export {
  type Config,
  type Connection,
  defaultSessionName,
  type LiveSettings,
  type ProcessorSettings,
  parseConfig,
  resolveConfig,
} from './resolved-config.js';
export * from './schema.js';
