import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/config/resolved-config.js';
import { roleMismatch } from '../../../src/onboarding/onboard.js';
import { resolveOnboardingContext } from '../../../src/onboarding/onboarding-context.js';
import { makeConfig, rawConnection } from './onboarding-fixtures.js';

const ROLE = 'arn:aws:iam::222222222222:role/BucketBridgeAccessRole';

function check(overrides: Record<string, unknown>): string | undefined {
  const config = makeConfig([rawConnection(overrides)]);
  const connection = config.connections[0] as Connection;
  return roleMismatch(connection, resolveOnboardingContext(config, connection));
}

describe('roleMismatch', () => {
  it('says nothing when the connection ends its chain in the role onboarding creates', () => {
    expect(
      check({ assumeRoleFlag: true, assumeRoleArn: ['arn:aws:iam::111111111111:role/hop', ROLE] }),
    ).toBeUndefined();
  });

  it.each([
    [
      'no role assumed yet',
      {},
      `Warning: connection "acme-videos" does not assume a role yet (assumeRoleFlag is false); once the customer has created it, set assumeRoleFlag: true and end assumeRoleArn with ${ROLE}.`,
    ],
    [
      'another role',
      { assumeRoleFlag: true, assumeRoleArn: ['arn:aws:iam::222222222222:role/Other'] },
      `Warning: connection "acme-videos" assumes arn:aws:iam::222222222222:role/Other (the last of assumeRoleArn) but onboarding creates ${ROLE}; set assumeRoleFlag: true and end assumeRoleArn with ${ROLE}, or set onboarding.roleName to the role it assumes.`,
    ],
  ])('warns when the connection has %s', (_, overrides, message) => {
    expect(check(overrides)).toBe(message);
  });
});
