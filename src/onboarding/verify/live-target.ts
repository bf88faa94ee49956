/**
 * The live target as verify's checks read it: the one resolver's answer (`aws/live-target.ts`),
 * or the configuration problem that keeps it from naming one, which the checks report as a failure.
 */
import {
  type LiveTarget,
  LiveTargetError,
  resolveLiveTarget,
  type SnsLiveTarget,
} from '../../aws/live-target.js';
import type { Config, Connection } from '../../config/resolved-config.js';
import { type CheckOutcome, fail, skip, type VerifyContext } from './verify-types.js';

const FIX_THE_KEY = 'Correct the key named above in the configuration, then run verify again.';

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

/** `notApplicable` of a check of `what` (the topic, the subscription), used only when live goes through SNS. */
export function unlessLiveThroughSns(what: string) {
  return ({ config, connection }: Pick<VerifyContext, 'config' | 'connection'>): string | undefined => {
    const target = liveTargetOf(config, connection);
    if (target === undefined) return `workflow is batch: no ${what} is used`;
    return target.mode === 'sqs'
      ? `live.mode is sqs: the vendor reads the customer's queue, no ${what}`
      : undefined;
  };
}

/** The connection's SNS live target, or the outcome a topic check returns instead (a bad key fails). */
export function snsTargetOrOutcome(config: Config, connection: Connection): SnsLiveTarget | CheckOutcome {
  const target = liveTargetOf(config, connection);
  if (target?.mode === 'invalid') return invalidTargetOutcome(target.problem);
  return target?.mode === 'sns' ? target : skip('no topic');
}

/** A check's outcome when the configuration cannot name the live target. */
export function invalidTargetOutcome(problem: string): CheckOutcome {
  return fail(problem, FIX_THE_KEY);
}
