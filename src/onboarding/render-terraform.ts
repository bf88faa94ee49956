// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is CloudFormation, Terraform or IAM syntax, not a JavaScript template.
/**
 * The Terraform equivalent of the CloudFormation template, in Terraform's JSON syntax
 * (`main.tf.json`): aws_iam_role + aws_iam_role_policy, and for live connections through SNS
 * aws_sns_topic + aws_sns_topic_policy, with variables defaulting to this connection's values and
 * outputs for the role and topic ARNs. Like the template, it holds no bucket policy and no bucket
 * notification (aws_s3_bucket_policy and aws_s3_bucket_notification replace the bucket's own).
 *
 * Policies are written as `jsonencode(...)` of an object expression. A JSON object is also a valid
 * Terraform object expression, so the policy is the builders' own JSON with `${var.x}`
 * interpolations in its strings and the principal list as `var.vendor_principals`.
 */
import type { OnboardingContext } from './onboarding-context.js';
import { buildPermissionsPolicy } from './policies/permissions-policy.js';
import type { PolicyDocument } from './policies/policy-document.js';
import { toPolicyJson } from './policies/policy-document.js';
import { buildTopicPolicy } from './policies/topic-policy.js';
import { buildTrustPolicy } from './policies/trust-policy.js';
import { INLINE_POLICY_NAME } from './render-cloudformation.js';
import { symbolicContext, VENDOR_PRINCIPALS_MARK } from './symbolic-context.js';

const PLACEHOLDERS = {
  partition: '${data.aws_partition.current.partition}',
  accountId: '${data.aws_caller_identity.current.account_id}',
  region: '${data.aws_region.current.name}',
  vendorAccountId: '${var.vendor_account_id}',
  externalId: '${var.external_id}',
  previousExternalId: (n: number) => `\${var.previous_external_id_${n}}`,
  roleName: '${var.role_name}',
  roleArn: '${aws_iam_role.access.arn}',
  sourceBucket: '${var.source_bucket}',
  sourcePrefix: '${var.source_prefix}',
  destinationBucket: '${var.destination_bucket}',
  destinationPrefix: '${var.destination_prefix}',
  sourceKmsKeyArn: '${var.source_kms_key_arn}',
  destinationKmsKeyArn: '${var.destination_kms_key_arn}',
  topicName: '${var.topic_name}',
  topicArn: '${aws_sns_topic.events.arn}',
  queueArn: '${var.event_queue_arn}',
};

interface TerraformVariable {
  type: string;
  description: string;
  default: string | number | string[];
  validation?: { condition: string; error_message: string };
}

/** `${jsonencode(<policy as an object expression>)}`, the way Terraform JSON embeds an expression. */
function policyExpression(document: PolicyDocument): string {
  const objectExpression = JSON.stringify(document).replaceAll(
    JSON.stringify([VENDOR_PRINCIPALS_MARK]),
    'var.vendor_principals',
  );
  return `\${jsonencode(${objectExpression})}`;
}

function variable(
  description: string,
  value: string | number | string[],
  type = 'string',
): TerraformVariable {
  return { type, description, default: value };
}

/**
 * The prefix condition is part of the policy's structure, so an empty prefix (whole bucket) and a
 * non-empty one are different files; the validation keeps a later edit of the variable honest.
 */
function prefixValidation(name: string, emptyWhenGenerated: boolean): TerraformVariable['validation'] {
  return emptyWhenGenerated
    ? {
        condition: `\${var.${name} == ""}`,
        error_message: `This file grants the whole bucket; to limit it to a prefix, run bucketbridge onboard again after setting the prefix in its configuration.`,
      }
    : {
        condition: `\${var.${name} != ""}`,
        error_message: `This file limits access to a prefix; to grant the whole bucket, run bucketbridge onboard again after clearing the prefix in its configuration.`,
      };
}

export function renderTerraform(context: OnboardingContext): string {
  const symbolic = symbolicContext(context, PLACEHOLDERS);
  const permissions = buildPermissionsPolicy(symbolic);
  if (context.source.policyPrefix === '') {
    for (const statement of permissions.Statement)
      if (statement.Sid === 'ListSourcePrefix') delete statement.Condition;
  }
  const live = context.live;

  const variables: Record<string, TerraformVariable> = {
    role_name: variable('Name of the role bucketbridge assumes.', context.roleName),
    external_id: variable('External ID the vendor must present to assume the role.', context.externalId),
    ...Object.fromEntries(
      context.previousExternalIds.map((id, i) => [
        `previous_external_id_${i + 1}`,
        variable(
          'An external ID replaced by a rotation, still accepted until bucketbridge onboard --retire-external-id drops this variable.',
          id,
        ),
      ]),
    ),
    vendor_principals: variable(
      "The vendor's IAM principals allowed to assume the role.",
      [...context.vendorPrincipals],
      'list(string)',
    ),
    max_session_duration: variable(
      `Longest role session in seconds (3600..43200); covers the connection's ${context.sessionDurationSec} s sessions.`,
      context.maxSessionDurationSec,
      'number',
    ),
    source_bucket: variable('Bucket the vendor reads from.', context.source.bucket),
    source_prefix: {
      ...variable(
        'Key prefix the vendor may list and read, with IAM wildcard characters escaped as bucketbridge writes them.',
        context.source.policyPrefix,
      ),
      validation: prefixValidation('source_prefix', context.source.policyPrefix === ''),
    },
    destination_bucket: variable('Bucket the vendor writes results to.', context.destination.bucket),
    destination_prefix: variable(
      'Key prefix the vendor may write under, with IAM wildcard characters escaped as bucketbridge writes them.',
      context.destination.policyPrefix,
    ),
  };
  if (context.source.kmsKeyArn !== undefined) {
    variables.source_kms_key_arn = variable(
      'KMS key the source objects are encrypted with.',
      context.source.kmsKeyArn,
    );
  }
  if (context.destination.kmsKeyArn !== undefined) {
    variables.destination_kms_key_arn = variable(
      'KMS key the results are encrypted with.',
      context.destination.kmsKeyArn,
    );
  }
  if (live?.mode === 'sns') {
    variables.topic_name = variable(
      "Name of the topic the source bucket's events are published to.",
      live.topicName,
    );
    if (live.kmsKeyArn !== undefined)
      variables.topic_kms_key_arn = variable(
        'KMS key the topic is encrypted with (its key policy must let S3 publish: event-key-policy.json).',
        live.kmsKeyArn,
      );
    variables.vendor_account_id = variable(
      "The vendor's AWS account, allowed to subscribe its queues.",
      context.vendorAccountId,
    );
  }
  if (live?.mode === 'sqs') {
    variables.event_queue_arn = variable('Your queue that receives the source bucket events.', live.queueArn);
  }

  const resources: Record<string, Record<string, Record<string, unknown>>> = {
    aws_iam_role: {
      access: {
        name: '${var.role_name}',
        description: `bucketbridge connection ${context.connectionName}: read the source prefix, write the destination prefix`,
        max_session_duration: '${var.max_session_duration}',
        assume_role_policy: policyExpression(buildTrustPolicy(symbolic)),
      },
    },
    aws_iam_role_policy: {
      access: {
        name: INLINE_POLICY_NAME,
        role: '${aws_iam_role.access.id}',
        policy: policyExpression(permissions),
      },
    },
  };
  const outputs: Record<string, { description: string; value: string }> = {
    role_arn: { description: 'Give this ARN to the vendor.', value: '${aws_iam_role.access.arn}' },
    external_id: { description: 'The external ID the role requires.', value: '${var.external_id}' },
  };
  if (live?.mode === 'sns' && symbolic.live?.mode === 'sns') {
    resources.aws_sns_topic = {
      events: {
        name: '${var.topic_name}',
        ...(live.kmsKeyArn !== undefined ? { kms_master_key_id: '${var.topic_kms_key_arn}' } : {}),
      },
    };
    resources.aws_sns_topic_policy = {
      events: {
        arn: '${aws_sns_topic.events.arn}',
        policy: policyExpression(buildTopicPolicy({ ...symbolic, live: symbolic.live })),
      },
    };
    outputs.topic_arn = {
      description: "Point the source bucket's event notification at this topic.",
      value: '${aws_sns_topic.events.arn}',
    };
  }
  const data: Record<string, Record<string, Record<string, never>>> = {
    aws_partition: { current: {} },
    aws_caller_identity: { current: {} },
  };
  return toPolicyJson({
    '//': `Generated by bucketbridge onboard for connection "${context.connectionName}". No bucket policy or bucket notification here: Terraform would replace the bucket's existing ones; merge them as README.md explains.`,
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '>= 5.0' } } },
    variable: variables,
    data,
    resource: resources,
    output: outputs,
  });
}
