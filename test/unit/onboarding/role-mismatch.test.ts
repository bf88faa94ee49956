import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/config/resolved-config.js';
import { processingRegionWarning, roleMismatch } from '../../../src/onboarding/onboard.js';
import { resolveOnboardingContext } from '../../../src/onboarding/onboarding-context.js';
import { makeConfig, rawConnection } from '../../fixtures/onboarding.js';

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

describe('processingRegionWarning', () => {
  function warning(region: string, processing: { regions: string[]; defaultRegion: string }) {
    return processingRegionWarning({ processing }, { connectionName: 'acme', region });
  }

  it.each([
    ['eu-west-2', { regions: ['eu-west-2'], defaultRegion: 'eu-west-2' }],
    ['eu-west-2', { regions: ['us-east-1', 'eu-west-2'], defaultRegion: 'us-east-1' }],
  ])('says nothing for a connection in %s processed there (%j)', (region, processing) => {
    expect(warning(region, processing)).toBeUndefined();
  });

  it('notes that a region outside processing.regions is processed from the default region', () => {
    expect(warning('eu-west-2', { regions: ['us-east-1', 'eu-central-1'], defaultRegion: 'us-east-1' })).toBe(
      'Note: connection "acme" is in eu-west-2, which is not among processing.regions (us-east-1, eu-central-1): ' +
        'its objects are processed from defaultRegion us-east-1, with added latency, inter-region transfer cost, and data leaving its region.',
    );
  });
});
