/**
 * Runs the checks of one connection in order. A check whose dependency failed (or was itself
 * skipped for that reason) is skipped and names the failed check; a check that does not apply
 * (a live check on a batch connection) is skipped with its reason without blocking others.
 */
import { messageOf } from '../../aws/errors.js';
import type { Check, CheckResult, ConnectionReport, VerifyContext } from './verify-types.js';

export async function runChecks(checks: readonly Check[], context: VerifyContext): Promise<ConnectionReport> {
  const results: CheckResult[] = [];
  // Id → the failed check that blocks it (itself when it failed).
  const blocked = new Map<string, string>();
  for (const check of checks) {
    const blocker = check.dependsOn.map((id) => blocked.get(id)).find((b) => b !== undefined);
    if (blocker !== undefined) {
      blocked.set(check.id, blocker);
      results.push({ id: check.id, status: 'skip', detail: `skipped: ${blocker} failed`, remediation: '' });
      continue;
    }
    const reason = check.notApplicable?.(context);
    if (reason !== undefined) {
      results.push({ id: check.id, status: 'skip', detail: reason, remediation: '' });
      continue;
    }
    let result: CheckResult;
    try {
      result = { id: check.id, ...(await check.run(context)) };
    } catch (error) {
      // Checks report what they expect; anything else still must not hide the other checks.
      result = {
        id: check.id,
        status: 'fail',
        detail: `the check could not run: ${messageOf(error)}`,
        remediation: 'Fix the cause named above, then run verify again.',
      };
    }
    if (result.status === 'fail') blocked.set(check.id, check.id);
    results.push(result);
  }
  return {
    name: context.connection.name,
    processingRegion: context.facts.processingRegion ?? null,
    checks: results,
  };
}
