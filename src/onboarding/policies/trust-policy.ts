/**
 * The role's trust policy: only the vendor's principals may assume it, and only when they present
 * this connection's external ID (the confused-deputy guard the seed guide's policy lacks). During
 * a rotation the condition lists the current ID and the previous ones (StringEquals with a list
 * matches any of them), so workers keep working whichever the customer has applied.
 */
import type { OnboardingContext } from '../onboarding-context.js';
import { POLICY_VERSION, type PolicyDocument } from './policy-document.js';

export function buildTrustPolicy(
  context: Pick<OnboardingContext, 'vendorPrincipals' | 'externalId' | 'previousExternalIds'>,
): PolicyDocument {
  const previous = context.previousExternalIds;
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: 'TrustVendorWithExternalId',
        Effect: 'Allow',
        Principal: { AWS: [...context.vendorPrincipals] },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: {
            'sts:ExternalId': previous.length === 0 ? context.externalId : [context.externalId, ...previous],
          },
        },
      },
    ],
  };
}
