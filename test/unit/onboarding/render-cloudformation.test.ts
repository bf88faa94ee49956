import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { OnboardingContext, SnsLiveContext } from '../../../src/onboarding/onboarding-context.js';
import { buildPermissionsPolicy } from '../../../src/onboarding/policies/permissions-policy.js';
import { buildTopicPolicy } from '../../../src/onboarding/policies/topic-policy.js';
import { buildTrustPolicy } from '../../../src/onboarding/policies/trust-policy.js';
import { renderCloudFormation } from '../../../src/onboarding/render-cloudformation.js';
import { CUSTOMER_ACCOUNT, makeContext, type RawConnection } from '../../fixtures/onboarding.js';
import { resolveCloudFormation } from './template-resolvers.js';

const run = promisify(execFile);

const SHAPES: [string, RawConnection][] = [
  ['a batch connection', {}],
  ['a batch connection over the whole source bucket', { source: { bucket: 'acme-source', prefix: '' } }],
  [
    'a live connection through SNS',
    { workflow: 'live', source: { bucket: 'acme-source', prefix: 'in/', suffix: '.mp4' } },
  ],
  [
    'a live connection through the customer queue, with KMS, ACL and a 6 h session',
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
    'a live connection through an SSE-KMS topic',
    {
      workflow: 'live',
      live: { mode: 'sns', kmsKeyArn: `arn:aws:kms:eu-central-1:${CUSTOMER_ACCOUNT}:key/t` },
    },
  ],
  [
    'every option together',
    { workflow: 'live', onboarding: { allowListAllBuckets: true, roleName: 'X', topicName: 'Y' } },
  ],
  [
    'a rotation in progress (two previous external IDs still trusted)',
    { externalId: 'bb-new-id', previousExternalIds: ['bb-old-id', 'bb-older-id'] },
  ],
];

function environment(context: OnboardingContext) {
  return {
    partition: 'aws',
    accountId: CUSTOMER_ACCOUNT,
    region: context.region,
    resources: {
      EventTopic: context.live?.mode === 'sns' ? context.live.topicArn : 'no-topic',
      'AccessRole.Arn': context.roleArn,
    },
  };
}

describe('the CloudFormation template passes cfn-lint with no errors', () => {
  let folder: string;
  /** cfn-lint's exit code and parseable output for all shapes at once (one run: it starts slowly). */
  let lint: { code: number; out: string };
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bb-cfn-'));
    const paths = await Promise.all(
      SHAPES.map(async ([, overrides], i) => {
        const path = join(folder, `shape-${i}.yaml`);
        await writeFile(path, renderCloudFormation(makeContext(overrides)));
        return path;
      }),
    );
    // cfn-lint exits 0 when clean, 2 for errors, 4 for warnings, 8 for informational findings.
    lint = await run('cfn-lint', ['--format', 'parseable', ...paths]).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it.each(SHAPES.map(([name], i) => [name, i] as const))('%s', (_, i) => {
    const findings = lint.out.split('\n').filter((line) => line.includes(`shape-${i}.yaml`));
    expect(findings).toEqual([]);
  });

  it('cfn-lint ran and found nothing at all (exit 0)', () => {
    expect(lint).toEqual({ code: 0, out: '' });
  });
});

describe('deployed with its defaults, the template creates exactly the policies of the JSON files', () => {
  it.each(SHAPES)('%s', (_, overrides) => {
    const context = makeContext(overrides);
    const stack = resolveCloudFormation(renderCloudFormation(context), environment(context));
    const role = stack.resources.AccessRole!;
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.RoleName).toBe(context.roleName);
    expect(role.Properties.MaxSessionDuration).toBe(context.maxSessionDurationSec);
    expect(role.Properties.AssumeRolePolicyDocument).toEqual(buildTrustPolicy(context));
    expect(role.Properties.Policies).toEqual([
      { PolicyName: 'BucketBridgeAccess', PolicyDocument: buildPermissionsPolicy(context) },
    ]);
    expect(stack.outputs.RoleArn).toBe(context.roleArn);
    expect(stack.outputs.ExternalId).toBe(context.externalId);
    if (context.live?.mode === 'sns') {
      const live = context.live;
      expect(stack.resources.EventTopic).toEqual({
        Type: 'AWS::SNS::Topic',
        Properties: {
          TopicName: live.topicName,
          ...(live.kmsKeyArn ? { KmsMasterKeyId: live.kmsKeyArn } : {}),
        },
      });
      expect(stack.resources.EventTopicPolicy?.Properties).toEqual({
        Topics: [live.topicArn],
        PolicyDocument: buildTopicPolicy({ ...context, live } as OnboardingContext & {
          live: SnsLiveContext;
        }),
      });
      expect(stack.outputs.TopicArn).toBe(live.topicArn);
    } else {
      expect(Object.keys(stack.resources)).toEqual(['AccessRole']);
      expect(stack.outputs.TopicArn).toBeUndefined();
    }
  });
});

describe('what the template never contains', () => {
  it.each(SHAPES)('%s: no bucket policy and no bucket notification, and it says why', (_, overrides) => {
    const text = renderCloudFormation(makeContext(overrides));
    const template = YAML.parse(text) as {
      Description: string;
      Resources: Record<string, { Type: string; Properties: object }>;
    };
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types).not.toContain('AWS::S3::BucketPolicy');
    expect(types).not.toContain('AWS::S3::Bucket');
    expect(JSON.stringify(template.Resources)).not.toContain('NotificationConfiguration');
    expect(template.Description).toContain('CloudFormation would replace');
    expect(template.Description.length).toBeLessThanOrEqual(1024);
  });

  it('quotes the format and policy versions so YAML 1.1 parsers do not read them as dates', () => {
    const text = renderCloudFormation(makeContext());
    expect(text).toContain('AWSTemplateFormatVersion: "2010-09-09"');
    expect(text).toContain('Version: "2012-10-17"');
  });

  it('a session longer than an hour raises the role maximum and forbids lowering it below the session', () => {
    const template = YAML.parse(renderCloudFormation(makeContext({ stsCredsExpirationTime: '2h' }))) as {
      Parameters: { MaxSessionDuration: { Default: number; MinValue: number; MaxValue: number } };
    };
    expect(template.Parameters.MaxSessionDuration).toMatchObject({
      Default: 7200,
      MinValue: 7200,
      MaxValue: 43200,
    });
  });
});
