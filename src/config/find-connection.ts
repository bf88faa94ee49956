import { UsageError } from '../errors/index.js';
import type { Config, Connection } from './resolved-config.js';

/** The connection called `name`; a UsageError listing the known names when there is none. */
export function findConnection(config: Config, name: string): Connection {
  const connection = config.connections.find((c) => c.name === name);
  if (connection) return connection;
  const known = config.connections.map((c) => c.name);
  const list =
    known.length === 0 ? 'the configuration has no connections' : `known connections: ${known.join(', ')}`;
  throw new UsageError(`no connection named "${name}": ${list}`);
}
