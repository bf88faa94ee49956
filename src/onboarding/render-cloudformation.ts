// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is CloudFormation, Terraform or IAM syntax, not a JavaScript template.
/**
 * The CloudFormation template for one connection: the role (trust policy, inline permissions
 * policy, MaxSessionDuration covering the connection's session length) and, for live connections
 * through SNS, the topic and its policy. Every value is a parameter whose default is this
 * connection's, so the template deploys with no parameters at all.
 *
 * It deliberately holds no bucket policy and no bucket notification: AWS::S3::BucketPolicy and a
 * bucket's NotificationConfiguration REPLACE what the bucket already has (CloudFormation cannot
 * merge into them), which would silently drop the customer's existing statements and rules.
 */
import YAML from 'yaml';
import type { OnboardingContext } from './onboarding-context.js';
import { buildPermissionsPolicy } from './policies/permissions-policy.js';
import type { PolicyDocument } from './policies/policy-document.js';
import { buildTopicPolicy } from './policies/topic-policy.js';
import { buildTrustPolicy } from './policies/trust-policy.js';
import { symbolicContext, VENDOR_PRINCIPALS_MARK } from './symbolic-context.js';

/** Name of the role's inline policy, in the template, the Terraform files and `--apply`. */
export const INLINE_POLICY_NAME = 'BucketBridgeAccess';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const PLACEHOLDERS = {
  partition: '${AWS::Partition}',
  accountId: '${AWS::AccountId}',
  region: '${AWS::Region}',
  vendorAccountId: '${VendorAccountId}',
  externalId: '${ExternalId}',
  previousExternalId: (n: number) => `\${PreviousExternalId${n}}`,
  roleName: '${RoleName}',
  roleArn: '${AccessRole.Arn}',
  sourceBucket: '${SourceBucket}',
  sourcePrefix: '${SourcePrefix}',
  destinationBucket: '${DestinationBucket}',
  destinationPrefix: '${DestinationPrefix}',
  sourceKmsKeyArn: '${SourceKmsKeyArn}',
  destinationKmsKeyArn: '${DestinationKmsKeyArn}',
  topicName: '${TopicName}',
  topicArn: '${EventTopic}',
  queueArn: '${EventQueueArn}',
};

/** Why the template has no bucket policy or notification; said in the template and the README. */
export const NO_BUCKET_RESOURCES_REASON =
  'It creates no bucket policy and no bucket notification: CloudFormation would replace the ' +
  "bucket's existing ones instead of merging; merge those by hand or with `bucketbridge onboard --apply`.";

/**
 * Turns a policy built from the symbolic context into template form: a lone placeholder becomes a
 * Ref, other strings with placeholders become Fn::Sub, the vendor principals become a Ref to the list parameter, and the source listing
 * condition applies only when the SourcePrefix parameter is not empty.
 */
function toTemplatePolicy(document: PolicyDocument): Json {
  const convert = (value: unknown): Json => {
    if (Array.isArray(value)) {
      if (value.length === 1 && value[0] === VENDOR_PRINCIPALS_MARK) return { Ref: 'VendorPrincipals' };
      return value.map(convert);
    }
    if (typeof value === 'string') {
      const whole = /^\$\{([\w:]+)\}$/.exec(value);
      if (whole) return { Ref: whole[1]! };
      return value.includes('${') ? { 'Fn::Sub': value } : value;
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    }
    return value as Json;
  };
  const statements = document.Statement.map((statement) => {
    const converted = convert(statement) as { [key: string]: Json };
    if (statement.Sid === 'ListSourcePrefix' && converted.Condition !== undefined) {
      converted.Condition = { 'Fn::If': ['HasSourcePrefix', converted.Condition, { Ref: 'AWS::NoValue' }] };
    }
    return converted;
  });
  return { Version: document.Version, Statement: statements };
}

/** What STS accepts as an external ID, as a CloudFormation AllowedPattern. */
const EXTERNAL_ID_PATTERN = '[\\w+=,.@:/-]{2,1224}';

function stringParameter(description: string, value: string, extra: Record<string, Json> = {}): Json {
  return { Type: 'String', Description: description, Default: value, ...extra };
}

export function renderCloudFormation(context: OnboardingContext): string {
  const symbolic = symbolicContext(context, PLACEHOLDERS);
  const live = context.live;
  const parameters: Record<string, Json> = {
    RoleName: stringParameter('Name of the role bucketbridge assumes.', context.roleName, {
      AllowedPattern: '[\\w+=,.@-]{1,64}',
    }),
    ExternalId: stringParameter(
      'External ID the vendor must present to assume the role (the trust policy requires it).',
      context.externalId,
      { AllowedPattern: EXTERNAL_ID_PATTERN },
    ),
    ...Object.fromEntries(
      context.previousExternalIds.map((id, i) => [
        `PreviousExternalId${i + 1}`,
        stringParameter(
          'An external ID replaced by a rotation, still accepted until bucketbridge onboard --retire-external-id drops this parameter.',
          id,
          { AllowedPattern: EXTERNAL_ID_PATTERN },
        ),
      ]),
    ),
    VendorPrincipals: {
      Type: 'CommaDelimitedList',
      Description: "The vendor's IAM principals allowed to assume the role (comma-separated ARNs).",
      Default: context.vendorPrincipals.join(','),
    },
    MaxSessionDuration: {
      Type: 'Number',
      Description: `Longest role session, in seconds (3600..43200); covers the connection's ${context.sessionDurationSec} s sessions.`,
      Default: context.maxSessionDurationSec,
      MinValue: Math.max(3600, context.sessionDurationSec),
      MaxValue: 43200,
    },
    SourceBucket: stringParameter('Bucket the vendor reads from.', context.source.bucket),
    SourcePrefix: stringParameter(
      'Key prefix the vendor may list and read (empty: the whole bucket). IAM wildcards *, ? and $ are written ${*}, ${?}, ${$}.',
      context.source.policyPrefix,
    ),
    DestinationBucket: stringParameter('Bucket the vendor writes results to.', context.destination.bucket),
    DestinationPrefix: stringParameter(
      'Key prefix the vendor may write under (empty: the whole bucket). IAM wildcards *, ? and $ are written ${*}, ${?}, ${$}.',
      context.destination.policyPrefix,
    ),
  };
  if (context.source.kmsKeyArn !== undefined) {
    parameters.SourceKmsKeyArn = stringParameter(
      'KMS key the source objects are encrypted with.',
      context.source.kmsKeyArn,
    );
  }
  if (context.destination.kmsKeyArn !== undefined) {
    parameters.DestinationKmsKeyArn = stringParameter(
      'KMS key the results are encrypted with.',
      context.destination.kmsKeyArn,
    );
  }
  if (live?.mode === 'sns') {
    parameters.TopicName = stringParameter(
      "Name of the topic the source bucket's events are published to.",
      live.topicName,
      { AllowedPattern: '[\\w-]{1,256}' },
    );
    if (live.kmsKeyArn !== undefined)
      parameters.TopicKmsKeyArn = stringParameter(
        'KMS key the topic is encrypted with (its key policy must let S3 publish: event-key-policy.json).',
        live.kmsKeyArn,
      );
    parameters.VendorAccountId = stringParameter(
      "The vendor's AWS account, allowed to subscribe its queues to the topic.",
      context.vendorAccountId,
      { AllowedPattern: '\\d{12}' },
    );
  }
  if (live?.mode === 'sqs') {
    parameters.EventQueueArn = stringParameter(
      'Your queue that receives the source bucket events.',
      live.queueArn,
    );
  }

  const resources: Record<string, Json> = {
    AccessRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: { Ref: 'RoleName' },
        Description: `bucketbridge connection ${context.connectionName}: read the source prefix, write the destination prefix`,
        MaxSessionDuration: { Ref: 'MaxSessionDuration' },
        AssumeRolePolicyDocument: toTemplatePolicy(buildTrustPolicy(symbolic)),
        Policies: [
          {
            PolicyName: INLINE_POLICY_NAME,
            PolicyDocument: toTemplatePolicy(buildPermissionsPolicy(symbolic)),
          },
        ],
      },
    },
  };
  const outputs: Record<string, Json> = {
    RoleArn: { Description: 'Give this ARN to the vendor.', Value: { 'Fn::GetAtt': ['AccessRole', 'Arn'] } },
    ExternalId: { Description: 'The external ID the role requires.', Value: { Ref: 'ExternalId' } },
  };
  if (live?.mode === 'sns' && symbolic.live?.mode === 'sns') {
    resources.EventTopic = {
      Type: 'AWS::SNS::Topic',
      Properties: {
        TopicName: { Ref: 'TopicName' },
        ...(live.kmsKeyArn !== undefined ? { KmsMasterKeyId: { Ref: 'TopicKmsKeyArn' } } : {}),
      },
    };
    resources.EventTopicPolicy = {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [{ Ref: 'EventTopic' }],
        PolicyDocument: toTemplatePolicy(buildTopicPolicy({ ...symbolic, live: symbolic.live })),
      },
    };
    outputs.TopicArn = {
      Description: "Point the source bucket's event notification at this topic.",
      Value: { Ref: 'EventTopic' },
    };
  }

  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      `bucketbridge access for connection ${context.connectionName}: the role the vendor assumes` +
      (live?.mode === 'sns' ? ' and the topic for live events. ' : '. ') +
      NO_BUCKET_RESOURCES_REASON,
    Parameters: parameters,
    Conditions: { HasSourcePrefix: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SourcePrefix' }, ''] }] } },
    Resources: resources,
    Outputs: outputs,
  };
  const header = [
    `# Generated by \`bucketbridge onboard\` for connection "${context.connectionName}".`,
    '# Deploy: aws cloudformation deploy --template-file cloudformation.yaml \\',
    `#   --stack-name bucketbridge-${context.connectionName} --capabilities CAPABILITY_NAMED_IAM`,
    '# Bucket policies and the bucket notification are NOT in this template (see README.md).',
  ].join('\n');
  return `${header}\n${YAML.stringify(template, { lineWidth: 0, version: '1.1' })}`;
}
