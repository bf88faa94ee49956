import { describe, expect, it } from 'vitest';
import {
  isUnpropagatedPrincipal,
  retryNewPrincipal,
} from '../../../../src/onboarding/apply/retry-new-principal.js';

const unpropagated = Object.assign(new Error('Invalid principal in policy'), { name: 'MalformedPolicy' });
const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });

function failing(times: number, error: Error) {
  let calls = 0;
  return {
    calls: () => calls,
    call: async () => {
      calls++;
      if (calls <= times) throw error;
      return 'done';
    },
  };
}

describe('retryNewPrincipal', () => {
  it('retries the "invalid principal" answer with doubling pauses until it succeeds', async () => {
    const pauses: number[] = [];
    const target = failing(4, unpropagated);
    const result = await retryNewPrincipal(target.call, {
      sleep: async (ms) => void pauses.push(ms),
      firstDelayMs: 1000,
    });
    expect(result).toBe('done');
    expect(pauses).toEqual([1000, 2000, 4000, 8000]);
  });

  it('gives up after the attempts allowed, with the last error', async () => {
    const target = failing(10, unpropagated);
    await expect(retryNewPrincipal(target.call, { attempts: 3, sleep: async () => undefined })).rejects.toBe(
      unpropagated,
    );
    expect(target.calls()).toBe(3);
  });

  it('returns any other error at once', async () => {
    const target = failing(1, denied);
    await expect(retryNewPrincipal(target.call, { sleep: async () => undefined })).rejects.toBe(denied);
    expect(target.calls()).toBe(1);
  });

  it.each([
    [unpropagated, true],
    [Object.assign(new Error('Policies must be valid JSON'), { name: 'MalformedPolicy' }), false],
    [denied, false],
  ])('isUnpropagatedPrincipal(%s) is %s', (error, expected) => {
    expect(isUnpropagatedPrincipal(error)).toBe(expected);
  });
});
