/** Which connections list their source, for ledger retention. */
import type { Config } from './resolved-config.js';

/**
 * Connections that list their source, so that removing their `done` entries would process objects
 * still there again: batch connections and live connections with `backfill`.
 */
export function listingConnectionNames(config: Pick<Config, 'connections'>): string[] {
  return config.connections
    .filter((c) => c.workflow === 'batch' || c.live?.backfill === true)
    .map((c) => c.name);
}
