import { describe, expect, it } from 'vitest';
import { formatVerifyReport } from '../../../../src/onboarding/verify/format-verify-report.js';
import { runChecks } from '../../../../src/onboarding/verify/run-checks.js';
import {
  type Check,
  type CheckOutcome,
  fail,
  pass,
  type VerifyContext,
  warn,
} from '../../../../src/onboarding/verify/verify-types.js';

const context = {
  connection: { name: 'acme' },
  facts: { bucketRegions: new Map(), processingRegion: 'us-east-1' },
} as unknown as VerifyContext;

function check(
  id: string,
  dependsOn: string[],
  outcome: CheckOutcome | Error,
  notApplicable?: string,
): Check {
  return {
    id,
    dependsOn,
    ...(notApplicable ? { notApplicable: () => notApplicable } : {}),
    run: async () => {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
}

describe('running the checks of a connection', () => {
  it('skips the checks that depend on a failed one, transitively, naming the failed check', async () => {
    const report = await runChecks(
      [
        check('a', [], fail('broken', 'fix a')),
        check('b', ['a'], pass('never run')),
        check('c', ['b'], pass('never run')),
        check('d', [], pass('fine')),
      ],
      context,
    );
    expect(report.checks.map((c) => [c.id, c.status, c.detail])).toEqual([
      ['a', 'fail', 'broken'],
      ['b', 'skip', 'skipped: a failed'],
      ['c', 'skip', 'skipped: a failed'],
      ['d', 'pass', 'fine'],
    ]);
  });

  it('runs the dependents of a check that warned or did not apply', async () => {
    const report = await runChecks(
      [
        check('a', [], warn('hm', 'look')),
        check('b', [], pass('x'), 'not for batch'),
        check('c', ['a', 'b'], pass('ran')),
      ],
      context,
    );
    expect(report.checks.map((c) => `${c.id} ${c.status} ${c.detail}`)).toEqual([
      'a warn hm',
      'b skip not for batch',
      'c pass ran',
    ]);
  });

  it('turns a check that throws into a failure and goes on', async () => {
    const report = await runChecks(
      [check('a', [], new Error('socket closed')), check('b', [], pass('fine'))],
      context,
    );
    expect(report.checks[0]).toEqual({
      id: 'a',
      status: 'fail',
      detail: 'the check could not run: socket closed',
      remediation: 'Fix the cause named above, then run verify again.',
    });
    expect(report.checks[1]!.status).toBe('pass');
  });

  it('reports the processing region the checks found', async () => {
    const report = await runChecks([], context);
    expect(report).toEqual({ name: 'acme', processingRegion: 'us-east-1', checks: [] });
  });
});

describe('the table on stderr', () => {
  it('aligns ids, puts the fix under the detail, and counts each status', () => {
    const text = formatVerifyReport({
      ok: false,
      connections: [
        {
          name: 'acme',
          processingRegion: null,
          checks: [
            { id: 'role.assume', status: 'fail', detail: 'denied', remediation: 'trust the vendor' },
            { id: 'identity', status: 'skip', detail: 'skipped: role.assume failed', remediation: '' },
          ],
        },
      ],
    });
    expect(text).toBe(
      [
        'connection acme (region unknown)',
        '  FAIL  role.assume  denied',
        '                     fix: trust the vendor',
        '  SKIP  identity     skipped: role.assume failed',
        '  0 passed, 1 failed, 0 warnings, 1 skipped',
        '',
        'verify: at least one check failed',
        '',
      ].join('\n'),
    );
  });
});
