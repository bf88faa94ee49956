/**
 * The role's trust policy: only the vendor's principals may assume it, and only when they present
 * this connection's external ID (the confused-deputy guard the seed guide's policy lacks).
 */
import type { OnboardingContext } from '../onboarding-context.js';
import { POLICY_VERSION, type PolicyDocument } from './policy-document.js';

export function buildTrustPolicy(
  context: Pick<OnboardingContext, 'vendorPrincipals' | 'externalId'>,
): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: 'TrustVendorWithExternalId',
        Effect: 'Allow',
        Principal: { AWS: [...context.vendorPrincipals] },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': context.externalId } },
      },
    ],
  };
}
