/**
 * Every shape of connection the onboarding generator knows, deployed with its defaults into the
 * sandbox's CloudFormation, creates exactly the policies of the JSON files `onboard` writes
 * beside the template: the stack engine's intrinsic functions and the generator agree.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPermissionsPolicy } from '../../../src/onboarding/policies/permissions-policy.js';
import { buildTopicPolicy } from '../../../src/onboarding/policies/topic-policy.js';
import { buildTrustPolicy } from '../../../src/onboarding/policies/trust-policy.js';
import { renderCloudFormation } from '../../../src/onboarding/render-cloudformation.js';
import {
  CUSTOMER_ACCOUNT,
  makeContext,
  type RawConnection,
  VENDOR_PRINCIPALS,
} from '../../fixtures/onboarding.js';
import { startTestSandbox, type TestSandbox, uniqueName } from '../../helpers/sandbox.js';

const SHAPES: [string, RawConnection][] = [
  ['a batch connection', {}],
  ['a batch connection over the whole source bucket', { source: { bucket: 'acme-source', prefix: '' } }],
  [
    'a live connection through SNS',
    { workflow: 'live', source: { bucket: 'acme-source', prefix: 'in/', suffix: '.mp4' } },
  ],
  [
    'a live connection through the customer queue, with KMS, ACL, a 6 h session and a wildcard in the prefix',
    {
      workflow: 'live',
      live: { mode: 'sqs', queueUrl: `https://sqs.eu-central-1.amazonaws.com/${CUSTOMER_ACCOUNT}/events` },
      stsCredsExpirationTime: '6h',
      source: {
        bucket: 'acme-source',
        prefix: 'in*/',
        kmsKeyArn: `arn:aws:kms:eu-central-1:${CUSTOMER_ACCOUNT}:key/a`,
      },
      destination: {
        bucket: 'acme-destination',
        prefix: '',
        acl: 'bucket-owner-full-control',
        kmsKeyArn: `arn:aws:kms:eu-central-1:${CUSTOMER_ACCOUNT}:key/b`,
      },
    },
  ],
  [
    'every option together',
    { workflow: 'live', onboarding: { allowListAllBuckets: true, roleName: 'X', topicName: 'Y' } },
  ],
];

let sandbox: TestSandbox;
/** The fixtures' connections live in eu-central-1: sign there so the stack's topic ARN matches. */
const inRegion = () => ({ ...sandbox.sdkConfig('customer'), region: 'eu-central-1' });

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const vendorIam = new IAMClient(sandbox.sdkConfig('vendor'));
  // The trust policy names the vendor's roles; IAM refuses principals that do not exist.
  for (const arn of VENDOR_PRINCIPALS) {
    await vendorIam.send(
      new CreateRoleCommand({
        RoleName: arn.split('/').at(-1)!,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
  }
});
afterAll(async () => {
  await sandbox.close();
});

describe('deployed with its defaults, the template creates exactly the policies of the JSON files', () => {
  it.each(SHAPES)('%s', async (_name, overrides) => {
    const context = makeContext(overrides);
    const cfn = new CloudFormationClient(inRegion());
    const iam = new IAMClient(inRegion());
    const stack = uniqueName('shape');
    await cfn.send(
      new CreateStackCommand({
        StackName: stack,
        TemplateBody: renderCloudFormation(context),
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    try {
      const described = (await cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks![0]!;
      expect(described.StackStatus).toBe('CREATE_COMPLETE');
      const outputs = Object.fromEntries(described.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
      expect(outputs.RoleArn).toBe(context.roleArn);
      const role = await iam.send(new GetRoleCommand({ RoleName: context.roleName }));
      expect(JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!))).toEqual(
        buildTrustPolicy(context),
      );
      expect(role.Role?.MaxSessionDuration).toBe(context.maxSessionDurationSec);
      const policy = await iam.send(
        new GetRolePolicyCommand({ RoleName: context.roleName, PolicyName: 'BucketBridgeAccess' }),
      );
      expect(JSON.parse(decodeURIComponent(policy.PolicyDocument!))).toEqual(buildPermissionsPolicy(context));
      if (context.live?.mode === 'sns') {
        const live = context.live;
        expect(outputs.TopicArn).toBe(live.topicArn);
        const topic = await new SNSClient(inRegion()).send(
          new GetTopicAttributesCommand({ TopicArn: live.topicArn }),
        );
        expect(JSON.parse(topic.Attributes!.Policy!)).toEqual(buildTopicPolicy({ ...context, live }));
      } else {
        expect(outputs.TopicArn).toBeUndefined();
      }
    } finally {
      await cfn.send(new DeleteStackCommand({ StackName: stack }));
    }
    await expect(iam.send(new GetRoleCommand({ RoleName: context.roleName }))).rejects.toThrow(
      'cannot be found',
    );
  });
});
