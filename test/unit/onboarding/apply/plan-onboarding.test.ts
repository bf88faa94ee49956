/**
 * The parts of the plan the sandbox cannot reach yet (SNS topics as S3 destinations), with the
 * SDK clients mocked: an existing topic's policy is merged, not replaced; a missing topic is
 * created with only our statements; reading errors name the step.
 */
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApplyStepError, planOnboarding } from '../../../../src/onboarding/apply/plan-onboarding.js';
import { buildPermissionsPolicy } from '../../../../src/onboarding/policies/permissions-policy.js';
import { buildTrustPolicy } from '../../../../src/onboarding/policies/trust-policy.js';
import { makeContext } from '../../../fixtures/onboarding.js';

const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const clients = () => ({
  iam: new IAMClient({}),
  s3: new S3Client({}),
  sns: new SNSClient({}),
  sqs: new SQSClient({}),
});
const awsError = (name: string) => Object.assign(new Error(`${name} happened`), { name });

const context = makeContext({ workflow: 'live' });
const DEFAULT_TOPIC_STATEMENT = {
  Sid: '__default_statement_ID',
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: ['SNS:GetTopicAttributes', 'SNS:Publish'],
  Resource: 'arn:aws:sns:eu-central-1:222222222222:BucketBridgeS3EventTopic',
  Condition: { StringEquals: { 'AWS:SourceOwner': '222222222222' } },
};

beforeEach(() => {
  iam.reset();
  s3.reset();
  sns.reset();
  // Everything of ours is already in place but the topic policy.
  iam.on(GetRoleCommand).resolves({
    Role: {
      RoleName: context.roleName,
      Arn: context.roleArn,
      Path: '/',
      RoleId: 'AROA',
      CreateDate: new Date(0),
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(buildTrustPolicy(context))),
    },
  });
  iam.on(GetRolePolicyCommand).resolves({
    RoleName: context.roleName,
    PolicyName: 'BucketBridgeAccess',
    PolicyDocument: encodeURIComponent(JSON.stringify(buildPermissionsPolicy(context))),
  });
  s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy'));
  s3.on(GetBucketNotificationConfigurationCommand).resolves({});
});

describe('planning the topic', () => {
  it("merges our statements into an existing topic's policy, keeping SNS's default statement", async () => {
    sns.on(GetTopicAttributesCommand).resolves({
      Attributes: {
        Policy: JSON.stringify({
          Version: '2008-10-17',
          Id: '__default_policy_ID',
          Statement: [DEFAULT_TOPIC_STATEMENT],
        }),
      },
    });
    const plan = await planOnboarding(context, clients());
    const topic = plan.find((c) => c.resource.startsWith('SNS topic policy'))!;
    expect(topic.kind).toBe('update');
    expect(JSON.parse(topic.after).Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      '__default_statement_ID',
      'BucketBridgeAcmeVideosS3Publish',
      'BucketBridgeAcmeVideosVendorSubscribe',
    ]);
    expect(plan.filter((c) => c.resource.startsWith('IAM')).map((c) => c.kind)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  it('creates a missing topic, then gives it only our statements', async () => {
    sns.on(GetTopicAttributesCommand).rejects(awsError('NotFoundException'));
    const plan = await planOnboarding(context, clients());
    expect(plan.filter((c) => c.resource.includes('SNS')).map((c) => `${c.kind} ${c.resource}`)).toEqual([
      'create SNS topic BucketBridgeS3EventTopic',
      'create SNS topic policy of BucketBridgeS3EventTopic',
    ]);
    const policy = JSON.parse(plan.find((c) => c.resource.startsWith('SNS topic policy'))!.after);
    expect(policy.Statement).toHaveLength(2);
  });

  it('names the step when reading fails for another reason', async () => {
    sns.on(GetTopicAttributesCommand).rejects(awsError('AuthorizationErrorException'));
    const error = await planOnboarding(context, clients()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyStepError);
    expect((error as Error).message).toBe(
      "Reading SNS topic arn:aws:sns:eu-central-1:222222222222:BucketBridgeS3EventTopic failed: AuthorizationErrorException: AuthorizationErrorException happened; --apply needs the customer administrator's credentials (IAM roles and policies, S3 bucket policies and notifications, SNS/SQS attributes)",
    );
  });
});
