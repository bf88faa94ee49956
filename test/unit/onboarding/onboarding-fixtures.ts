/**
 * Configurations for onboarding tests, validated through the real schema so every default applies
 * exactly as it does for users.
 */
import { type Config, type Connection, parseConfig } from '../../../src/config/resolved-config.js';
import {
  type OnboardingContext,
  resolveOnboardingContext,
} from '../../../src/onboarding/onboarding-context.js';

export const VENDOR_ACCOUNT = '111111111111';
export const CUSTOMER_ACCOUNT = '222222222222';
export const VENDOR_PRINCIPALS = [
  `arn:aws:iam::${VENDOR_ACCOUNT}:role/bucketbridge-workers`,
  `arn:aws:iam::${VENDOR_ACCOUNT}:role/bucketbridge-backend`,
];
export const EXTERNAL_ID = 'ext-7f3c9a2e-5b1d-4c8e-9f00-123456789abc';

/** A connection's raw (unparsed) settings, deep enough for the overrides tests use. */
export type RawConnection = Record<string, unknown>;

export function rawConnection(overrides: RawConnection = {}): RawConnection {
  return {
    name: 'acme-videos',
    accountId: CUSTOMER_ACCOUNT,
    externalId: EXTERNAL_ID,
    source: { bucket: 'acme-source', prefix: 'videos/in/' },
    destination: { bucket: 'acme-destination', prefix: 'videos/out/' },
    ...overrides,
  };
}

export function makeConfig(connections: RawConnection[] = [rawConnection()]): Config {
  return parseConfig({
    version: 2,
    vendor: { accountId: VENDOR_ACCOUNT, principals: VENDOR_PRINCIPALS },
    aws: { region: 'eu-central-1' },
    connections,
  });
}

/** The resolved onboarding context of one connection built from `overrides`. */
export function makeContext(overrides: RawConnection = {}): OnboardingContext {
  const config = makeConfig([rawConnection(overrides)]);
  return resolveOnboardingContext(config, config.connections[0] as Connection);
}
