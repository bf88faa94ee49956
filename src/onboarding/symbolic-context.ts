/**
 * An onboarding context whose values are placeholders (CloudFormation `${Param}` or Terraform
 * `${var.x}`), so the template renderers reuse the very builders that produce the JSON files: the
 * template's policies are those files with the connection's values turned into parameters.
 */
import type { OnboardingContext } from './onboarding-context.js';

/** Stands for the list of vendor principals; renderers replace it by a list-valued reference. */
export const VENDOR_PRINCIPALS_MARK = '__BUCKETBRIDGE_VENDOR_PRINCIPALS__';

/** The placeholder text for each value a template parameterises. */
export interface Placeholders {
  partition: string;
  accountId: string;
  region: string;
  vendorAccountId: string;
  externalId: string;
  /** The placeholder of the n-th previous external ID (1-based), one parameter each. */
  previousExternalId: (n: number) => string;
  roleName: string;
  roleArn: string;
  sourceBucket: string;
  sourcePrefix: string;
  destinationBucket: string;
  destinationPrefix: string;
  sourceKmsKeyArn: string;
  destinationKmsKeyArn: string;
  topicName: string;
  topicArn: string;
  queueArn: string;
}

/**
 * The context with every parameterised value replaced. The structure (which statements exist) stays
 * the connection's own; prefixes are placeholders, so a prefix condition is always present and the
 * renderer decides how an empty prefix drops it.
 */
export function symbolicContext(context: OnboardingContext, p: Placeholders): OnboardingContext {
  const { source, destination, live } = context;
  return {
    ...context,
    partition: p.partition,
    accountId: p.accountId,
    region: p.region,
    vendorAccountId: p.vendorAccountId,
    vendorPrincipals: [VENDOR_PRINCIPALS_MARK],
    externalId: p.externalId,
    previousExternalIds: context.previousExternalIds.map((_, i) => p.previousExternalId(i + 1)),
    roleName: p.roleName,
    roleArn: p.roleArn,
    source: {
      ...source,
      bucket: p.sourceBucket,
      policyPrefix: p.sourcePrefix,
      ...(source.kmsKeyArn !== undefined ? { kmsKeyArn: p.sourceKmsKeyArn } : {}),
    },
    destination: {
      ...destination,
      bucket: p.destinationBucket,
      policyPrefix: p.destinationPrefix,
      ...(destination.kmsKeyArn !== undefined ? { kmsKeyArn: p.destinationKmsKeyArn } : {}),
    },
    ...(live === undefined
      ? {}
      : {
          live:
            live.mode === 'sns'
              ? { mode: 'sns' as const, topicName: p.topicName, topicArn: p.topicArn }
              : { mode: 'sqs' as const, queueUrl: live.queueUrl, queueArn: p.queueArn },
        }),
  };
}
