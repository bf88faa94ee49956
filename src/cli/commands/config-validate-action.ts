import { resolveConfigPath } from '../../config/config-path.js';
import { loadConfig } from '../../config/load-config.js';
import { ConfigError } from '../../errors/index.js';

/** `config validate`: a sentence on stderr (or one JSON document on stdout); exit 2 on problems. */
export async function runConfigValidate(options: { config?: string; json?: boolean }): Promise<void> {
  const path = resolveConfigPath(options.config);
  try {
    const { config, overrides } = await loadConfig(path);
    const names = config.connections.map((c) => c.name);
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ ok: true, file: path, version: config.version, connections: names, problems: [] }, null, 2)}\n`,
      );
    }
    const list =
      names.length === 0
        ? 'no connections'
        : `${names.length} connection${names.length === 1 ? '' : 's'} (${names.join(', ')})`;
    const fromEnv = overrides.map((o) => `; ${o.key} from ${o.variable}`).join('');
    process.stderr.write(`${path} is valid: version ${config.version}, ${list}${fromEnv}.\n`);
  } catch (error) {
    if (options.json && error instanceof ConfigError) {
      process.stdout.write(
        `${JSON.stringify({ ok: false, file: path, problems: error.problems }, null, 2)}\n`,
      );
    }
    throw error;
  }
}
