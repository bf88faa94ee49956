/**
 * Exit codes come from kinds, in the one top-level handler: 2 when the command's input is invalid
 * and nothing started, 1 when the work it started failed, whatever the failure's kind.
 */
import { describe, expect, it } from 'vitest';
import { AssumeRoleError, BucketRegionError, CredentialsError } from '../../../src/aws/errors.js';
import { batchRunFailure } from '../../../src/batch/batch-report.js';
import { EXIT_CODE_BY_KIND, exitCodeFor } from '../../../src/cli/report-error.js';
import { ConfigError, UsageError, WorkFailedError } from '../../../src/errors/index.js';
import { LiveSetupError } from '../../../src/live/live-setup-error.js';
import { ProcessorSetupError } from '../../../src/processors/processor-setup-error.js';

describe('exit codes', () => {
  it('maps each kind to its code', () => {
    expect(EXIT_CODE_BY_KIND).toEqual({
      'invalid-input': 2,
      misconfiguration: 1,
      permanent: 1,
      transient: 1,
    });
  });

  it.each([
    ['a usage error', new UsageError('--connection is required'), 'invalid-input', 2],
    [
      'an invalid configuration',
      new ConfigError([{ file: 'bb.yaml', path: 'x', expected: 'a string' }]),
      'invalid-input',
      2,
    ],
    ['a processor that cannot be set up', new ProcessorSetupError('ffmpeg not found'), 'invalid-input', 2],
    ['failed work', new WorkFailedError('3 objects failed'), 'permanent', 1],
    [
      'a live queue that cannot be set up',
      new LiveSetupError('acme', 'subscribe', 'AccessDenied'),
      'misconfiguration',
      1,
    ],
    [
      'a role that cannot be assumed',
      new AssumeRoleError('denied', {
        roleArn: 'arn:aws:iam::111122223333:role/r',
        hop: 0,
        reason: 'access-denied',
        kind: 'misconfiguration',
        cause: undefined,
      }),
      'misconfiguration',
      1,
    ],
    [
      'refused credentials',
      new CredentialsError('expired', 'token-expired', { cause: undefined }),
      'misconfiguration',
      1,
    ],
    [
      'a bucket region lookup that timed out',
      new BucketRegionError('timeout', { bucket: 'b', kind: 'transient', cause: undefined }),
      'transient',
      1,
    ],
  ])('%s has its kind and exits with its code', (_name, error, kind, code) => {
    expect(error.kind).toBe(kind);
    expect(exitCodeFor(error)).toBe(code);
  });

  it('treats anything else that reaches the top as a bug: exit 1', () => {
    expect(exitCodeFor(new TypeError('x is undefined'))).toBe(1);
    expect(exitCodeFor('a string')).toBe(1);
  });

  it('ends a batch with exit 1 when an object failed or the run stopped, and 0 otherwise', () => {
    expect(batchRunFailure({ failed: 0, stopped: false })).toBeUndefined();
    expect(exitCodeFor(batchRunFailure({ failed: 2, stopped: false }))).toBe(1);
    const stopped = batchRunFailure({ failed: 0, stopped: true, stopReason: 'InvalidAccessKeyId' });
    expect(stopped?.message).toBe('the batch stopped early: InvalidAccessKeyId');
    expect(exitCodeFor(stopped)).toBe(1);
  });
});
