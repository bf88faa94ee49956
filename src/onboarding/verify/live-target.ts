/**
 * The live target as verify's checks read it: the one resolver's answer (`aws/live-target.ts`),
 * or the configuration problem that keeps it from naming one, which the checks report as a failure.
 */
import { type LiveTarget, LiveTargetError, resolveLiveTarget } from '../../aws/live-target.js';
import type { Config, Connection } from '../../config/resolved-config.js';

/** A live target, `{ mode: 'invalid' }` when the configuration cannot name one, undefined for batch. */
export function liveTargetOf(
  config: Config,
  connection: Connection,
): LiveTarget | { mode: 'invalid'; problem: string } | undefined {
  try {
    return resolveLiveTarget(config, connection);
  } catch (error) {
    if (error instanceof LiveTargetError) return { mode: 'invalid', problem: error.message };
    throw error;
  }
}

/** Why a live-only check does not apply. */
export function batchReason(connection: Pick<Connection, 'workflow'>): string | undefined {
  return connection.workflow === 'live' ? undefined : 'workflow is batch: no event notification is used';
}
