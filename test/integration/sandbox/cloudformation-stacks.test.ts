// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is CloudFormation's Fn::Sub syntax.
/**
 * Stack behaviour through the AWS SDK: rollback of a failed create and a failed update, resources
 * created with the caller's own permissions, parameter validation, capabilities for unnamed
 * roles, YAML short forms end to end, and stacks kept across a restart with --state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Capability,
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateRoleCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { type Signer, startTestSandbox, uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { policyJson } from '../../helpers/sandbox-test-kit.js';

const CUSTOMER = '222222222222';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${CUSTOMER}:root` }, Action: 'sts:AssumeRole' },
  ],
});

const sandbox = useTestSandbox();

const cfn = (signer: Signer = 'customer') => new CloudFormationClient(sandbox.sdkConfig(signer));
const iam = () => new IAMClient(sandbox.sdkConfig('customer'));

/** A template's start whose resource `Role` is the IAM role `roleName`; its other properties follow. */
const roleNamed = (roleName: string) => `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ${roleName}
`;

/** The `Resources:` section's start: one named role with a description, trusting the customer. */
function namedRole(roleName: string, description: string): string {
  return `${roleNamed(roleName)}      Description: ${description}
      AssumeRolePolicyDocument: ${TRUST}
`;
}

/** A role and, after it, a topic whose name SNS refuses. */
function failingTemplate(roleName: string, description = 'first'): string {
  return `${namedRole(roleName, description)}  BadTopic:
    Type: AWS::SNS::Topic
    DependsOn: Role
    Properties:
      TopicName: "not a valid name!"
`;
}

function roleTemplate(roleName: string, description: string): string {
  return `${namedRole(roleName, description)}Outputs:
  Arn:
    Value: !GetAtt Role.Arn
`;
}

/** CreateStack/UpdateStack input for a template that names its IAM roles. */
const namedIamStack = (StackName: string, TemplateBody: string) => ({
  StackName,
  TemplateBody,
  Capabilities: [Capability.CAPABILITY_NAMED_IAM],
});

async function stackOf(name: string, signer: Signer = 'customer') {
  const described = await cfn(signer).send(new DescribeStacksCommand({ StackName: name }));
  return described.Stacks![0]!;
}

describe('a failed create rolls back', () => {
  it('ends ROLLBACK_COMPLETE with the created role deleted and the failure in the events', async () => {
    const stack = uniqueName('rollback');
    const roleName = uniqueName('RollbackRole');
    await cfn().send(new CreateStackCommand(namedIamStack(stack, failingTemplate(roleName))));
    const described = await stackOf(stack);
    expect(described.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(described.StackStatusReason).toBe(
      'The following resource(s) failed to create: [BadTopic]. Rollback requested by user.',
    );
    await expect(iam().send(new GetRoleCommand({ RoleName: roleName }))).rejects.toThrow(
      `The role with name ${roleName} cannot be found.`,
    );
    const resources = await cfn().send(new ListStackResourcesCommand({ StackName: stack }));
    expect(resources.StackResourceSummaries).toEqual([]);
    const events = await cfn().send(new DescribeStackEventsCommand({ StackName: stack }));
    const history = events.StackEvents!.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`).reverse();
    expect(history).toEqual([
      `${stack} CREATE_IN_PROGRESS`,
      'Role CREATE_IN_PROGRESS',
      'Role CREATE_COMPLETE',
      'BadTopic CREATE_IN_PROGRESS',
      'BadTopic CREATE_FAILED',
      `${stack} ROLLBACK_IN_PROGRESS`,
      'Role DELETE_IN_PROGRESS',
      'Role DELETE_COMPLETE',
      `${stack} ROLLBACK_COMPLETE`,
    ]);
    const failure = events.StackEvents!.find((e) => e.ResourceStatus === 'CREATE_FAILED');
    expect(failure?.ResourceStatusReason).toContain('Invalid parameter: Topic Name');
    // A stack in ROLLBACK_COMPLETE can only be deleted.
    await expect(
      cfn().send(new UpdateStackCommand(namedIamStack(stack, roleTemplate(roleName, 'x')))),
    ).rejects.toThrow(`Stack:${described.StackId} is in ROLLBACK_COMPLETE state and can not be updated.`);
    await cfn().send(new DeleteStackCommand({ StackName: stack }));
    await expect(stackOf(stack)).rejects.toThrow(`Stack with id ${stack} does not exist`);
  });
});

describe('change sets', () => {
  it('show a renamed role as a replacement, and executing one creates the new role and deletes the old', async () => {
    const stack = uniqueName('changeset');
    const oldName = uniqueName('OldRole');
    const newName = uniqueName('NewRole');
    const created = await cfn().send(
      new CreateChangeSetCommand({
        ...namedIamStack(stack, roleTemplate(oldName, 'x')),
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
      }),
    );
    expect((await stackOf(stack)).StackStatus).toBe('REVIEW_IN_PROGRESS');
    const first = await cfn().send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
    expect(first.Status).toBe('CREATE_COMPLETE');
    expect(
      first.Changes?.map((c) => [c.ResourceChange?.Action, c.ResourceChange?.LogicalResourceId]),
    ).toEqual([['Add', 'Role']]);
    await cfn().send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
    expect((await stackOf(stack)).StackStatus).toBe('CREATE_COMPLETE');

    await cfn().send(
      new CreateChangeSetCommand({
        ...namedIamStack(stack, roleTemplate(oldName, 'x')),
        ChangeSetName: 'same',
      }),
    );
    const same = await cfn().send(new DescribeChangeSetCommand({ StackName: stack, ChangeSetName: 'same' }));
    expect([same.Status, same.ExecutionStatus, same.StatusReason]).toEqual([
      'FAILED',
      'UNAVAILABLE',
      "The submitted information didn't contain changes. Submit different information to create a change set.",
    ]);
    await expect(
      cfn().send(new ExecuteChangeSetCommand({ StackName: stack, ChangeSetName: 'same' })),
    ).rejects.toThrow('cannot be executed in its current status of [FAILED]');

    await cfn().send(
      new CreateChangeSetCommand({
        ...namedIamStack(stack, roleTemplate(newName, 'x')),
        ChangeSetName: 'rename',
      }),
    );
    const rename = await cfn().send(
      new DescribeChangeSetCommand({ StackName: stack, ChangeSetName: 'rename' }),
    );
    expect(rename.Changes?.map((c) => c.ResourceChange)).toEqual([
      expect.objectContaining({
        Action: 'Modify',
        LogicalResourceId: 'Role',
        PhysicalResourceId: oldName,
        Replacement: 'True',
      }),
    ]);
    await cfn().send(new ExecuteChangeSetCommand({ StackName: stack, ChangeSetName: 'rename' }));
    const described = await stackOf(stack);
    expect(described.StackStatus).toBe('UPDATE_COMPLETE');
    expect(described.Outputs?.[0]?.OutputValue).toBe(`arn:aws:iam::${CUSTOMER}:role/${newName}`);
    expect((await iam().send(new GetRoleCommand({ RoleName: newName }))).Role?.RoleName).toBe(newName);
    await expect(iam().send(new GetRoleCommand({ RoleName: oldName }))).rejects.toThrow('cannot be found');
  });
});

describe('a failed update rolls back', () => {
  it('ends UPDATE_ROLLBACK_COMPLETE with the role as it was and the new resources gone', async () => {
    const stack = uniqueName('update-rollback');
    const roleName = uniqueName('UpdateRole');
    await cfn().send(new CreateStackCommand(namedIamStack(stack, roleTemplate(roleName, 'first'))));
    expect((await stackOf(stack)).StackStatus).toBe('CREATE_COMPLETE');
    await cfn().send(new UpdateStackCommand(namedIamStack(stack, failingTemplate(roleName, 'second'))));
    const described = await stackOf(stack);
    expect(described.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const role = await iam().send(new GetRoleCommand({ RoleName: roleName }));
    expect(role.Role?.Description).toBe('first');
    const template = await cfn().send(new GetTemplateCommand({ StackName: stack }));
    expect(template.TemplateBody).toBe(roleTemplate(roleName, 'first'));
    // The stack can be updated again after a rolled-back update.
    await cfn().send(new UpdateStackCommand(namedIamStack(stack, roleTemplate(roleName, 'third'))));
    expect((await stackOf(stack)).StackStatus).toBe('UPDATE_COMPLETE');
    expect((await iam().send(new GetRoleCommand({ RoleName: roleName }))).Role?.Description).toBe('third');
    await expect(
      cfn().send(new UpdateStackCommand(namedIamStack(stack, roleTemplate(roleName, 'third')))),
    ).rejects.toThrow('No updates are to be performed.');
  });
});

describe('a resource that fails half-way through its update is restored', () => {
  it("puts the role's trust policy back when its new inline policy is refused", async () => {
    const stack = uniqueName('half-update');
    const roleName = uniqueName('HalfRole');
    function withPolicy(trust: string, effect: string): string {
      return `${roleNamed(roleName)}      AssumeRolePolicyDocument: ${trust}
      Policies:
        - PolicyName: access
          PolicyDocument: {"Version": "2012-10-17", "Statement": [{"Effect": "${effect}", "Action": "s3:GetObject", "Resource": "*"}]}
`;
    }
    const otherTrust = TRUST.replace(`${CUSTOMER}:root`, '111111111111:root');
    await cfn().send(new CreateStackCommand(namedIamStack(stack, withPolicy(TRUST, 'Allow'))));
    await cfn().send(new UpdateStackCommand(namedIamStack(stack, withPolicy(otherTrust, 'Perhaps'))));
    expect((await stackOf(stack)).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const events = await cfn().send(new DescribeStackEventsCommand({ StackName: stack }));
    expect(
      events.StackEvents!.find((e) => e.ResourceStatus === 'UPDATE_FAILED')?.ResourceStatusReason,
    ).toMatch(
      /^Resource handler returned message: ".*\(Service: IAM, Status Code: 400, Error Code: MalformedPolicyDocument\)" \(HandlerErrorCode: InvalidRequest\)$/,
    );
    const role = await iam().send(new GetRoleCommand({ RoleName: roleName }));
    expect(JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!))).toEqual(JSON.parse(TRUST));
  });
});

describe("resources are created with the caller's permissions", () => {
  it('rolls back when the caller may use CloudFormation but not create roles', async () => {
    const operator = uniqueName('CfnOnly');
    await iam().send(new CreateRoleCommand({ RoleName: operator, AssumeRolePolicyDocument: TRUST }));
    await iam().send(
      new PutRolePolicyCommand({
        RoleName: operator,
        PolicyName: 'cfn',
        PolicyDocument: policyJson({ Effect: 'Allow', Action: 'cloudformation:*', Resource: '*' }),
      }),
    );
    const session = await new STSClient(sandbox.sdkConfig('customer')).send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${CUSTOMER}:role/${operator}`, RoleSessionName: 'op' }),
    );
    const signer = {
      accessKeyId: session.Credentials!.AccessKeyId!,
      secretAccessKey: session.Credentials!.SecretAccessKey!,
      sessionToken: session.Credentials!.SessionToken!,
    };
    const stack = uniqueName('denied');
    const roleName = uniqueName('DeniedRole');
    await cfn(signer).send(new CreateStackCommand(namedIamStack(stack, roleTemplate(roleName, 'x'))));
    expect((await stackOf(stack, signer)).StackStatus).toBe('ROLLBACK_COMPLETE');
    const events = await cfn(signer).send(new DescribeStackEventsCommand({ StackName: stack }));
    const failure = events.StackEvents!.find((e) => e.ResourceStatus === 'CREATE_FAILED');
    expect(failure?.ResourceStatusReason).toContain(
      `User: arn:aws:sts::${CUSTOMER}:assumed-role/${operator}/op is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${CUSTOMER}:role/${roleName}`,
    );
  });
});

describe('parameters and capabilities', () => {
  const template = `
Parameters:
  Stage:
    Type: String
    AllowedValues: [dev, prod]
    Default: dev
  Suffix:
    Type: String
    AllowedPattern: "[a-z]+"
    MaxLength: 8
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: ${TRUST}
`;
  it.each([
    [[{ ParameterKey: 'Suffix', ParameterValue: 'ABC' }], "Parameter 'Suffix' must match pattern [a-z]+"],
    [
      [{ ParameterKey: 'Suffix', ParameterValue: 'abcdefghij' }],
      "Parameter 'Suffix' must contain at most 8 characters",
    ],
    [
      [
        { ParameterKey: 'Suffix', ParameterValue: 'abc' },
        { ParameterKey: 'Stage', ParameterValue: 'qa' },
      ],
      "Parameter 'Stage' must be one of AllowedValues",
    ],
    [[], 'Parameters: [Suffix] must have values'],
    [
      [
        { ParameterKey: 'Suffix', ParameterValue: 'abc' },
        { ParameterKey: 'Other', ParameterValue: 'x' },
      ],
      'Parameters: [Other] do not exist in the template',
    ],
  ])('refuses parameters %j with "%s"', async (parameters, message) => {
    await expect(
      cfn().send(
        new CreateStackCommand({
          StackName: uniqueName('params'),
          TemplateBody: template,
          Parameters: parameters,
          Capabilities: ['CAPABILITY_IAM'],
        }),
      ),
    ).rejects.toThrow(message);
  });

  it('needs CAPABILITY_IAM for an unnamed role, and names it after the stack', async () => {
    const stack = uniqueName('unnamed');
    const parameters = [{ ParameterKey: 'Suffix', ParameterValue: 'abc' }];
    await expect(
      cfn().send(
        new CreateStackCommand({ StackName: stack, TemplateBody: template, Parameters: parameters }),
      ),
    ).rejects.toThrow('Requires capabilities : [CAPABILITY_IAM]');
    await cfn().send(
      new CreateStackCommand({
        StackName: stack,
        TemplateBody: template,
        Parameters: parameters,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const resources = await cfn().send(new ListStackResourcesCommand({ StackName: stack }));
    const physicalId = resources.StackResourceSummaries![0]!.PhysicalResourceId!;
    expect(physicalId).toMatch(new RegExp(`^${stack}-Role-[0-9A-F]{12}$`));
    expect((await iam().send(new GetRoleCommand({ RoleName: physicalId }))).Role?.RoleName).toBe(physicalId);
  });
});

describe('YAML short forms and conditions', () => {
  it('resolves !Sub, !GetAtt, !Join, !Select, !Split, !If and exports an output', async () => {
    const stack = uniqueName('shortforms');
    const template = `
Parameters:
  Names:
    Type: CommaDelimitedList
    Default: alpha,beta
  WithTopic:
    Type: String
    Default: "yes"
Conditions:
  MakeTopic: !Equals [!Ref WithTopic, "yes"]
  NoTopic: !Not [!Condition MakeTopic]
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Condition: MakeTopic
    Properties:
      TopicName: !Sub "\${AWS::StackName}-events"
  Skipped:
    Type: AWS::SNS::Topic
    Condition: NoTopic
Outputs:
  TopicName:
    Value: !GetAtt Topic.TopicName
    Export:
      Name: !Sub "\${AWS::StackName}-topic"
  Joined:
    Value: !Join ["/", [!Ref "AWS::Region", !Ref "AWS::AccountId", !Select [1, !Split [",", "a,b,c"]]]]
  Chosen:
    Value: !If [MakeTopic, !Ref Topic, "none"]
  Literal:
    Value: !Sub "\${!Literal}-\${AWS::Region}"
`;
    await cfn().send(new CreateStackCommand({ StackName: stack, TemplateBody: template }));
    const described = await stackOf(stack);
    expect(described.StackStatus).toBe('CREATE_COMPLETE');
    const outputs = Object.fromEntries(described.Outputs!.map((o) => [o.OutputKey, o]));
    expect(outputs.TopicName?.OutputValue).toBe(`${stack}-events`);
    expect(outputs.Literal?.OutputValue).toBe('${Literal}-us-east-1');
    expect(outputs.TopicName?.ExportName).toBe(`${stack}-topic`);
    expect(outputs.Joined?.OutputValue).toBe(`us-east-1/${CUSTOMER}/b`);
    expect(outputs.Chosen?.OutputValue).toBe(
      `arn:aws:sns:us-east-1:${CUSTOMER}:${outputs.TopicName?.OutputValue}`,
    );
    const resources = await cfn().send(new ListStackResourcesCommand({ StackName: stack }));
    expect(resources.StackResourceSummaries!.map((r) => r.LogicalResourceId)).toEqual(['Topic']);
  });
});

describe('SQS queues and queue policies', () => {
  it('creates a queue with its dead-letter queue and policy, updates an attribute, and deletes both', async () => {
    const stack = uniqueName('queues');
    const template = (visibilityTimeoutSec: number) => `
Resources:
  DeadLetters:
    Type: AWS::SQS::Queue
  Events:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "\${AWS::StackName}-events"
      VisibilityTimeout: ${visibilityTimeoutSec}
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt DeadLetters.Arn
        maxReceiveCount: 3
  EventsPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Events]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: s3.amazonaws.com}
            Action: sqs:SendMessage
            Resource: !GetAtt Events.Arn
Outputs:
  Url:
    Value: !Ref Events
`;
    await cfn().send(new CreateStackCommand({ StackName: stack, TemplateBody: template(45) }));
    const described = await stackOf(stack);
    expect(described.StackStatus).toBe('CREATE_COMPLETE');
    const url = described.Outputs![0]!.OutputValue!;
    const sqs = new SQSClient(sandbox.sdkConfig('customer'));
    const attributes = async () =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
    const created = await attributes();
    expect(created.VisibilityTimeout).toBe('45');
    expect(JSON.parse(created.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: expect.stringMatching(
        new RegExp(`^arn:aws:sqs:us-east-1:${CUSTOMER}:${stack}-DeadLetters-[0-9A-F]{12}$`),
      ),
      maxReceiveCount: 3,
    });
    expect(JSON.parse(created.Policy!).Statement[0].Resource).toBe(
      `arn:aws:sqs:us-east-1:${CUSTOMER}:${stack}-events`,
    );

    await cfn().send(new UpdateStackCommand({ StackName: stack, TemplateBody: template(60) }));
    expect((await stackOf(stack)).StackStatus).toBe('UPDATE_COMPLETE');
    expect((await attributes()).VisibilityTimeout).toBe('60');

    await cfn().send(new DeleteStackCommand({ StackName: stack }));
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: `${stack}-events` }))).rejects.toThrow(
      'The specified queue does not exist.',
    );
  });
});

describe('stacks with --state', () => {
  it('keeps a stack across a restart and can delete it afterwards', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'bb-cfn-state-'));
    try {
      const stack = uniqueName('kept');
      const roleName = uniqueName('KeptRole');
      const first = await startTestSandbox({ stateDir });
      await new CloudFormationClient(first.sdkConfig('customer')).send(
        new CreateStackCommand(namedIamStack(stack, roleTemplate(roleName, 'kept'))),
      );
      await first.close();
      const second = await startTestSandbox({ stateDir });
      try {
        const client = new CloudFormationClient(second.sdkConfig('customer'));
        const described = (await client.send(new DescribeStacksCommand({ StackName: stack }))).Stacks![0]!;
        expect(described.StackStatus).toBe('CREATE_COMPLETE');
        expect(described.Outputs?.[0]?.OutputValue).toBe(`arn:aws:iam::${CUSTOMER}:role/${roleName}`);
        await client.send(new DeleteStackCommand({ StackName: stack }));
        await expect(
          new IAMClient(second.sdkConfig('customer')).send(new GetRoleCommand({ RoleName: roleName })),
        ).rejects.toThrow('cannot be found');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
