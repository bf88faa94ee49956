/**
 * The template `bucketbridge onboard` generates deploys UNCHANGED into the sandbox's customer
 * account with `aws cloudformation deploy`, with both AWS CLIs as independent clients; the stack's
 * role then really exists for STS (the vendor assumes it with the external ID, and cannot
 * without), a second deploy has nothing to change, and deleting the stack removes what it made.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/resolved-config.js';
import { resolveOnboardingContext } from '../../../src/onboarding/onboarding-context.js';
import { renderCloudFormation } from '../../../src/onboarding/render-cloudformation.js';
import { uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';
import { type AWS_CLI, runAwsCli } from '../../helpers/witnesses.js';

const VENDOR = '111111111111';
const CUSTOMER = '222222222222';
const EXTERNAL_ID = 'ext-cfn-7f3c9a2e-5b1d';

const sandbox = useTestSandbox();
const folder = useTempFolder('bb-cfn-deploy-');

/** Renders the onboarding template of a connection through the product's own code; returns its path. */
function renderTemplate(workflow: 'batch' | 'live', roleName: string, topicName: string): string {
  const config = parseConfig({
    version: 2,
    vendor: { accountId: VENDOR, principals: [`arn:aws:iam::${VENDOR}:root`] },
    aws: { region: 'us-east-1' },
    connections: [
      {
        name: 'acme',
        accountId: CUSTOMER,
        externalId: EXTERNAL_ID,
        workflow,
        source: { bucket: 'acme-source', prefix: 'in/' },
        destination: { bucket: 'acme-destination', prefix: 'out/' },
        onboarding: { roleName, topicName },
      },
    ],
  });
  const connection = config.connections[0]!;
  const path = join(folder, `${roleName}.yaml`);
  writeFileSync(path, renderCloudFormation(resolveOnboardingContext(config, connection)));
  return path;
}

function deploy(cli: keyof typeof AWS_CLI, template: string, stack: string, ...extra: string[]) {
  return runAwsCli(
    cli,
    ['cloudformation', 'deploy', '--template-file', template, '--stack-name', stack, ...extra],
    sandbox,
    'customer',
  );
}

async function outputsOf(cli: keyof typeof AWS_CLI, stack: string): Promise<Record<string, string>> {
  const result = await runAwsCli(cli, ['cloudformation', 'describe-stacks', '--stack-name', stack], sandbox);
  expect(result.stderr).toBe('');
  const described = JSON.parse(result.stdout) as {
    Stacks: Array<{ StackStatus: string; Outputs: Array<{ OutputKey: string; OutputValue: string }> }>;
  };
  expect(described.Stacks[0]!.StackStatus).toMatch(/^(CREATE|UPDATE)_COMPLETE$/);
  return Object.fromEntries(described.Stacks[0]!.Outputs.map((o) => [o.OutputKey, o.OutputValue]));
}

const vendorSts = () => new STSClient(sandbox.sdkConfig('vendor'));
const customerIam = () => new IAMClient(sandbox.sdkConfig('customer'));

describe.each(['v1', 'v2'] as const)('aws cloudformation deploy with the AWS CLI %s', (cli) => {
  it('deploys the live (SNS) template: the outputs name the role and topic, and only the external ID opens the role', async () => {
    const roleName = uniqueName(`LiveRole-${cli}`);
    const topicName = uniqueName(`live-topic-${cli}`);
    const stack = uniqueName(`bucketbridge-live-${cli}`);
    const template = renderTemplate('live', roleName, topicName);

    const result = await deploy(cli, template, stack, '--capabilities', 'CAPABILITY_NAMED_IAM');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`Successfully created/updated stack - ${stack}`);
    expect(result.exitCode).toBe(0);

    const outputs = await outputsOf(cli, stack);
    expect(outputs).toEqual({
      RoleArn: `arn:aws:iam::${CUSTOMER}:role/${roleName}`,
      ExternalId: EXTERNAL_ID,
      TopicArn: `arn:aws:sns:us-east-1:${CUSTOMER}:${topicName}`,
    });
    const session = await vendorSts().send(
      new AssumeRoleCommand({ RoleArn: outputs.RoleArn, RoleSessionName: 'cfn', ExternalId: EXTERNAL_ID }),
    );
    expect(session.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${CUSTOMER}:assumed-role/${roleName}/cfn`);
    await expect(
      vendorSts().send(new AssumeRoleCommand({ RoleArn: outputs.RoleArn, RoleSessionName: 'cfn' })),
    ).rejects.toThrow(
      `User: arn:aws:iam::${VENDOR}:root is not authorized to perform: sts:AssumeRole on resource: ${outputs.RoleArn}`,
    );

    // The inline policy resolved its Fn::Sub and Fn::If (the source prefix is not empty).
    const policy = await customerIam().send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'BucketBridgeAccess' }),
    );
    const document = JSON.parse(decodeURIComponent(policy.PolicyDocument!)) as {
      Statement: Array<{ Sid: string; Resource: unknown; Condition?: unknown }>;
    };
    expect(document.Statement.find((s) => s.Sid === 'ListSourcePrefix')).toEqual({
      Sid: 'ListSourcePrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::acme-source',
      Condition: { StringLike: { 's3:prefix': ['in/', 'in/*'] } },
    });
    expect(document.Statement.find((s) => s.Sid === 'CheckEventTopic')?.Resource).toBe(outputs.TopicArn);

    // The topic policy lets the vendor subscribe.
    const attributes = await new SNSClient(sandbox.sdkConfig('customer')).send(
      new GetTopicAttributesCommand({ TopicArn: outputs.TopicArn }),
    );
    const topicPolicy = JSON.parse(attributes.Attributes!.Policy!) as {
      Statement: Array<{ Principal: unknown; Action: string }>;
    };
    expect(topicPolicy.Statement.map((s) => [s.Principal, s.Action])).toEqual([
      [{ Service: 's3.amazonaws.com' }, 'sns:Publish'],
      [{ AWS: `arn:aws:iam::${VENDOR}:root` }, 'sns:Subscribe'],
    ]);

    // A second deploy of the same template: nothing to change.
    const again = await deploy(
      cli,
      template,
      stack,
      '--capabilities',
      'CAPABILITY_NAMED_IAM',
      '--no-fail-on-empty-changeset',
    );
    expect(`${again.stdout}${again.stderr}`).toContain(`No changes to deploy. Stack ${stack} is up to date`);
    expect(again.exitCode).toBe(0);

    // The CLI names its change sets after the current second, and the no-op one above stays (FAILED),
    // as on AWS; the sandbox answers faster than AWS, so wait for the next second as a real deploy would.
    await nextSecond();

    // A parameter override updates the role in place.
    const override = await deploy(
      cli,
      template,
      stack,
      '--capabilities',
      'CAPABILITY_NAMED_IAM',
      '--parameter-overrides',
      'MaxSessionDuration=7200',
    );
    expect(override.stderr).toBe('');
    expect(override.exitCode).toBe(0);
    const role = await customerIam().send(new GetRoleCommand({ RoleName: roleName }));
    expect(role.Role?.MaxSessionDuration).toBe(7200);
    expect((await outputsOf(cli, stack)).RoleArn).toBe(outputs.RoleArn);

    // Deleting the stack removes the role and the topic.
    const deleted = await runAwsCli(cli, ['cloudformation', 'delete-stack', '--stack-name', stack], sandbox);
    expect(deleted.exitCode).toBe(0);
    const waited = await runAwsCli(
      cli,
      ['cloudformation', 'wait', 'stack-delete-complete', '--stack-name', stack],
      sandbox,
    );
    expect(waited.exitCode).toBe(0);
    await expect(customerIam().send(new GetRoleCommand({ RoleName: roleName }))).rejects.toThrow(
      `The role with name ${roleName} cannot be found.`,
    );
    await expect(
      new SNSClient(sandbox.sdkConfig('customer')).send(
        new GetTopicAttributesCommand({ TopicArn: outputs.TopicArn }),
      ),
    ).rejects.toThrow('Topic does not exist');
    // About ten CLI runs: each CLI start takes seconds on a loaded machine.
  }, 240_000);

  it('deploys the batch template: the role with its external ID and no topic', async () => {
    const roleName = uniqueName(`BatchRole-${cli}`);
    const stack = uniqueName(`bucketbridge-batch-${cli}`);
    const template = renderTemplate('batch', roleName, uniqueName('unused'));
    const result = await deploy(cli, template, stack, '--capabilities', 'CAPABILITY_NAMED_IAM');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const outputs = await outputsOf(cli, stack);
    expect(outputs).toEqual({
      RoleArn: `arn:aws:iam::${CUSTOMER}:role/${roleName}`,
      ExternalId: EXTERNAL_ID,
    });
    const session = await vendorSts().send(
      new AssumeRoleCommand({ RoleArn: outputs.RoleArn, RoleSessionName: 'batch', ExternalId: EXTERNAL_ID }),
    );
    expect(session.Credentials?.AccessKeyId).toBeTruthy();
    await expect(
      vendorSts().send(
        new AssumeRoleCommand({ RoleArn: outputs.RoleArn, RoleSessionName: 'batch', ExternalId: 'wrong-id' }),
      ),
    ).rejects.toThrow('is not authorized to perform: sts:AssumeRole');
  });

  it('reports a deploy whose resource fails, and leaves the stack ROLLBACK_COMPLETE with nothing behind', async () => {
    const roleName = uniqueName(`FailRole-${cli}`);
    const stack = uniqueName(`bucketbridge-fail-${cli}`);
    const template = join(folder, `${stack}.yaml`);
    writeFileSync(
      template,
      [
        'Resources:',
        '  Role:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        `      RoleName: ${roleName}`,
        `      AssumeRolePolicyDocument: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${VENDOR}:root"}, "Action": "sts:AssumeRole"}]}`,
        '  Topic:',
        '    Type: AWS::SNS::Topic',
        '    DependsOn: Role',
        '    Properties:',
        '      TopicName: "no spaces allowed"',
        '',
      ].join('\n'),
    );
    const result = await deploy(cli, template, stack, '--capabilities', 'CAPABILITY_NAMED_IAM');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(
      `Failed to create/update the stack. Run the following command\nto fetch the list of events leading up to the failure\naws cloudformation describe-stack-events --stack-name ${stack}`,
    );
    const described = await runAwsCli(
      cli,
      ['cloudformation', 'describe-stacks', '--stack-name', stack],
      sandbox,
    );
    expect(JSON.parse(described.stdout).Stacks[0].StackStatus).toBe('ROLLBACK_COMPLETE');
    await expect(customerIam().send(new GetRoleCommand({ RoleName: roleName }))).rejects.toThrow(
      'cannot be found',
    );
  });

  it("refuses to deploy a template naming a role without CAPABILITY_NAMED_IAM, with AWS's message", async () => {
    const roleName = uniqueName(`NoCapRole-${cli}`);
    const stack = uniqueName(`bucketbridge-nocap-${cli}`);
    const result = await deploy(cli, renderTemplate('batch', roleName, uniqueName('unused')), stack);
    expect(result.stderr).toContain(
      'An error occurred (InsufficientCapabilitiesException) when calling the CreateChangeSet operation: Requires capabilities : [CAPABILITY_NAMED_IAM]',
    );
    expect(result.exitCode).not.toBe(0);
    await expect(customerIam().send(new GetRoleCommand({ RoleName: roleName }))).rejects.toThrow(
      'cannot be found',
    );
    const described = await runAwsCli(
      cli,
      ['cloudformation', 'describe-stacks', '--stack-name', stack],
      sandbox,
    );
    expect(described.stderr).toContain(`Stack with id ${stack} does not exist`);
  });
});

/** Resolves once the wall clock has moved to the next whole second (bounded: at most one second). */
async function nextSecond(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === now) await new Promise((resolve) => setTimeout(resolve, 20));
}
