/**
 * `onboard --apply [--dry-run]`: shows each planned change as a diff, then (unless a dry run)
 * makes them in order: role, inline policy, topic and its policy or the queue policy, bucket
 * policies, notification. Everything is planned before the first write, so a refused merge
 * (overlapping notification rule) writes nothing. A second run finds nothing to change.
 */
import { createTwoFilesPatch } from 'diff';
import type { OnboardingContext } from '../onboarding-context.js';
import { type ApplyClients, ApplyStepError, type PlannedChange, planOnboarding } from './plan-onboarding.js';

export interface ApplyOptions {
  /** Show the changes, write nothing. Default false. */
  dryRun?: boolean;
  /** Receives the human report (diffs and one line per change). Default: stderr. */
  say?: (text: string) => void;
}

export interface ApplyResult {
  changes: Pick<PlannedChange, 'resource' | 'kind' | 'before' | 'after'>[];
  /** True when something was (or, in a dry run, would be) written. */
  changed: boolean;
}

/** A unified diff of one change, headed with what it is. */
export function describeChange(
  change: Pick<PlannedChange, 'resource' | 'kind' | 'before' | 'after'>,
): string {
  if (change.kind === 'unchanged') return `= ${change.resource}: unchanged\n`;
  const patch = createTwoFilesPatch('current', 'planned', change.before, change.after, '', '', {
    context: 3,
  });
  const body = patch.split('\n').slice(1).join('\n');
  return `${change.kind === 'create' ? '+ create' : '~ update'} ${change.resource}\n${body}`;
}

export async function applyOnboarding(
  context: OnboardingContext,
  clients: ApplyClients,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const say = options.say ?? ((text: string) => process.stderr.write(text));
  const planned = await planOnboarding(context, clients);
  for (const change of planned) say(describeChange(change));
  const pending = planned.filter((c) => c.kind !== 'unchanged');
  if (options.dryRun) {
    say(
      `Dry run: ${pending.length} change${pending.length === 1 ? '' : 's'} would be made; nothing was written.\n`,
    );
  } else {
    for (const change of pending) {
      try {
        await change.execute();
      } catch (error) {
        throw new ApplyStepError(
          `${change.kind === 'create' ? 'Creating' : 'Updating'} ${change.resource}`,
          error,
        );
      }
    }
    say(
      pending.length === 0
        ? 'Nothing to change: the account already has everything this connection needs.\n'
        : `Applied ${pending.length} change${pending.length === 1 ? '' : 's'}.\n`,
    );
  }
  return {
    changes: planned.map(({ resource, kind, before, after }) => ({ resource, kind, before, after })),
    changed: pending.length > 0,
  };
}
