// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is Terraform syntax.
/**
 * Terraform itself cannot be installed on this machine, so main.tf.json is checked structurally:
 * every reference resolves to a declared variable, resource or data source, the resource types are
 * the expected ones, and the policies, evaluated with the variables at their defaults, are exactly
 * the JSON files.
 */
import { describe, expect, it } from 'vitest';
import type { OnboardingContext, SnsLiveContext } from '../../../src/onboarding/onboarding-context.js';
import { buildPermissionsPolicy } from '../../../src/onboarding/policies/permissions-policy.js';
import { buildTopicPolicy } from '../../../src/onboarding/policies/topic-policy.js';
import { buildTrustPolicy } from '../../../src/onboarding/policies/trust-policy.js';
import { renderTerraform } from '../../../src/onboarding/render-terraform.js';
import { CUSTOMER_ACCOUNT, makeContext, type RawConnection } from '../../fixtures/onboarding.js';
import { evaluateJsonencode, type TerraformFile, terraformReferences } from './template-resolvers.js';

const SHAPES: [string, RawConnection][] = [
  ['a batch connection', {}],
  ['a batch connection over the whole source bucket', { source: { bucket: 'acme-source', prefix: '' } }],
  ['a live connection through SNS', { workflow: 'live' }],
  [
    'a live connection through the customer queue with KMS keys and an ACL',
    {
      workflow: 'live',
      live: { mode: 'sqs', queueUrl: `https://sqs.eu-central-1.amazonaws.com/${CUSTOMER_ACCOUNT}/events` },
      source: {
        bucket: 'acme-source',
        prefix: 'a"b/',
        kmsKeyArn: `arn:aws:kms:eu-central-1:${CUSTOMER_ACCOUNT}:key/a`,
      },
      destination: {
        bucket: 'acme-destination',
        prefix: 'o/',
        acl: 'private',
        kmsKeyArn: `arn:aws:kms:eu-central-1:${CUSTOMER_ACCOUNT}:key/b`,
      },
    },
  ],
  [
    'allowListAllBuckets and custom names',
    { workflow: 'live', onboarding: { allowListAllBuckets: true, roleName: 'R', topicName: 'T' } },
  ],
  [
    'a rotation in progress (two previous external IDs still trusted)',
    { externalId: 'bb-new-id', previousExternalIds: ['bb-old-id', 'bb-older-id'] },
  ],
];

function references(context: OnboardingContext): Record<string, string> {
  return {
    'data.aws_partition.current.partition': 'aws',
    'data.aws_caller_identity.current.account_id': CUSTOMER_ACCOUNT,
    'aws_sns_topic.events.arn': context.live?.mode === 'sns' ? context.live.topicArn : 'none',
  };
}

describe('main.tf.json', () => {
  it.each(SHAPES)('%s: every reference is declared', (_, overrides) => {
    const text = renderTerraform(makeContext(overrides));
    const file = JSON.parse(text) as TerraformFile;
    const used = terraformReferences(text);
    const declaredResources = Object.entries(file.resource).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${type}.${name}`),
    );
    const declaredData = Object.entries(file.data).flatMap(([type, byName]) =>
      Object.keys(byName).map((n) => `${type}.${n}`),
    );
    expect([...used.variables].filter((v) => !(v in file.variable))).toEqual([]);
    expect([...used.resources].filter((r) => !declaredResources.includes(r))).toEqual([]);
    expect([...used.data].filter((d) => !declaredData.includes(d))).toEqual([]);
    // Every declared variable is used, so none is silently ignored when set.
    expect(Object.keys(file.variable).filter((v) => !used.variables.has(v))).toEqual([]);
    for (const variable of Object.values(file.variable)) expect(variable.default).toBeDefined();
  });

  it.each(SHAPES)('%s: with its defaults, the policies are exactly the JSON files', (_, overrides) => {
    const context = makeContext(overrides);
    const file = JSON.parse(renderTerraform(context)) as TerraformFile;
    const refs = references(context);
    const role = file.resource.aws_iam_role!.access!;
    const rolePolicy = file.resource.aws_iam_role_policy!.access!;
    expect(role.name).toBe('${var.role_name}');
    expect(file.variable.role_name!.default).toBe(context.roleName);
    expect(file.variable.max_session_duration!.default).toBe(context.maxSessionDurationSec);
    expect(evaluateJsonencode(role.assume_role_policy as string, file, refs)).toEqual(
      buildTrustPolicy(context),
    );
    expect(rolePolicy.role).toBe('${aws_iam_role.access.id}');
    expect(evaluateJsonencode(rolePolicy.policy as string, file, refs)).toEqual(
      buildPermissionsPolicy(context),
    );
    const types = Object.keys(file.resource).sort();
    if (context.live?.mode === 'sns') {
      expect(types).toEqual(['aws_iam_role', 'aws_iam_role_policy', 'aws_sns_topic', 'aws_sns_topic_policy']);
      const live = context.live;
      expect(file.variable.topic_name!.default).toBe(live.topicName);
      const topicPolicy = file.resource.aws_sns_topic_policy!.events!;
      expect(evaluateJsonencode(topicPolicy.policy as string, file, refs)).toEqual(
        buildTopicPolicy({ ...context, live } as OnboardingContext & { live: SnsLiveContext }),
      );
      expect(file.output.topic_arn!.value).toBe('${aws_sns_topic.events.arn}');
    } else {
      expect(types).toEqual(['aws_iam_role', 'aws_iam_role_policy']);
    }
    expect(file.output.role_arn!.value).toBe('${aws_iam_role.access.arn}');
  });

  it.each([
    ['a prefix', {}, '${var.source_prefix != ""}'],
    ['the whole bucket', { source: { bucket: 'acme-source', prefix: '' } }, '${var.source_prefix == ""}'],
  ])('keeps source_prefix on the side it was generated for (%s)', (_, overrides, condition) => {
    const file = JSON.parse(renderTerraform(makeContext(overrides))) as TerraformFile;
    expect(file.variable.source_prefix!.validation?.condition).toBe(condition);
  });

  it('contains no bucket policy or bucket notification resource', () => {
    const text = renderTerraform(makeContext({ workflow: 'live' }));
    expect(text).not.toContain('aws_s3_bucket_policy');
    expect(text).not.toContain('aws_s3_bucket_notification');
  });
});
