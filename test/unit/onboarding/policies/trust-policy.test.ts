import { describe, expect, it } from 'vitest';
import { buildTrustPolicy } from '../../../../src/onboarding/policies/trust-policy.js';
import { EXTERNAL_ID, makeContext, VENDOR_PRINCIPALS } from '../../../fixtures/onboarding.js';

describe('the trust policy', () => {
  it('trusts exactly the vendor principals, for sts:AssumeRole, with the external ID', () => {
    expect(buildTrustPolicy(makeContext())).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TrustVendorWithExternalId',
          Effect: 'Allow',
          Principal: { AWS: VENDOR_PRINCIPALS },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
        },
      ],
    });
  });

  it('keeps the principals in configuration order and does not share the array', () => {
    const context = makeContext();
    const policy = buildTrustPolicy(context);
    context.vendorPrincipals.push('arn:aws:iam::999999999999:root');
    expect(policy.Statement[0]?.Principal).toEqual({ AWS: VENDOR_PRINCIPALS });
  });

  it('during a rotation accepts the current external ID and every previous one, current first', () => {
    const policy = buildTrustPolicy(
      makeContext({ externalId: 'bb-new-id', previousExternalIds: ['bb-old-id', 'bb-older-id'] }),
    );
    expect(policy.Statement[0]?.Condition).toEqual({
      StringEquals: { 'sts:ExternalId': ['bb-new-id', 'bb-old-id', 'bb-older-id'] },
    });
  });
});
